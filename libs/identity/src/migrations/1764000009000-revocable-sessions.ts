import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Revocable sessions: a version every token carries, bumped when access is taken away, and the
 * facts of a deactivation.
 */
export class RevocableSessions1764000009000 implements MigrationInterface {
  name = 'RevocableSessions1764000009000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE app_user
        ADD COLUMN session_version int NOT NULL DEFAULT 0,
        ADD COLUMN deactivated_at timestamptz,
        ADD COLUMN deactivated_by uuid,
        ADD COLUMN deactivation_reason text CHECK (char_length(deactivation_reason) <= 200)`);
    // The admins' user list pages by user name within a tenant.
    await q.query(`CREATE INDEX app_user_tenant_username ON app_user (tenant_id, username)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX app_user_tenant_username`);
    await q.query(`
      ALTER TABLE app_user DROP COLUMN session_version, DROP COLUMN deactivated_at,
        DROP COLUMN deactivated_by, DROP COLUMN deactivation_reason`);
  }
}
