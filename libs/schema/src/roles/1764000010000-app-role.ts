import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_GROUP_ROLE } from '@yg/core/database/roles';

/**
 * The apps connect as an ordinary role: data privileges only, no ownership, so they cannot
 * alter tables or switch off triggers. APP_GROUP_ROLE holds the privileges; the login role
 * (DB_USER) joins it (`ensureAppLogin`). Default privileges give tables and sequences that
 * later migrations create the same rights; a migration that needs narrower ones (an
 * append-only table) revokes what it does not want.
 */
export class AppRole1764000010000 implements MigrationInterface {
  name = 'AppRole1764000010000';

  async up(q: QueryRunner): Promise<void> {
    // Roles are cluster-wide: other databases on the server (and concurrent test runs) may
    // create it at the same moment.
    await q.query(`
      DO $$
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_GROUP_ROLE}') THEN
          RETURN;
        END IF;
        IF NOT (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user) THEN
          RAISE EXCEPTION 'role ${APP_GROUP_ROLE} is missing and % may not create roles', current_user
            USING HINT = 'as a superuser: CREATE ROLE ${APP_GROUP_ROLE} NOLOGIN';
        END IF;
        BEGIN
          CREATE ROLE ${APP_GROUP_ROLE} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
          NULL;
        END;
      END $$`);
    // Nobody but the owner creates objects here (the default since Postgres 15, not before).
    await q.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
    await q.query(`GRANT USAGE ON SCHEMA public TO ${APP_GROUP_ROLE}`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${APP_GROUP_ROLE}`);
    await q.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${APP_GROUP_ROLE}`);
    await q.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${APP_GROUP_ROLE}`,
    );
    await q.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${APP_GROUP_ROLE}`,
    );
    // The health check reads which migrations ran; only the owner records them.
    await q.query(`REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM ${APP_GROUP_ROLE}`);
    // Document numbers come from sequences made on first use; the apps may not create
    // objects, so the function does it with its owner's rights (search_path pinned).
    await q.query(
      `ALTER FUNCTION next_document_number(text, uuid, int) SECURITY DEFINER SET search_path = public, pg_temp`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER FUNCTION next_document_number(text, uuid, int) SECURITY INVOKER RESET search_path`);
    await q.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM ${APP_GROUP_ROLE}`,
    );
    await q.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM ${APP_GROUP_ROLE}`,
    );
    await q.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${APP_GROUP_ROLE}`);
    await q.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${APP_GROUP_ROLE}`);
    await q.query(`REVOKE USAGE ON SCHEMA public FROM ${APP_GROUP_ROLE}`);
    // The role itself stays: other databases on the server may use it.
  }
}
