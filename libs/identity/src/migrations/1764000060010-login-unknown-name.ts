import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed logins under names no account has, counted and locked as an account's would be, so
 * that ACCOUNT_LOCKED says nothing about whether a name exists. Keyed by an HMAC of the name:
 * what people type into the name field (sometimes a password) is never stored.
 */
export class LoginUnknownName1764000060010 implements MigrationInterface {
  name = 'LoginUnknownName1764000060010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE login_unknown_name (
        namespace text NOT NULL,
        digest bytea NOT NULL,
        failed_attempts int NOT NULL DEFAULT 0,
        locked_until timestamptz,
        last_attempt_at timestamptz NOT NULL,
        PRIMARY KEY (namespace, digest)
      )`);
    await q.query(`CREATE INDEX login_unknown_name_last ON login_unknown_name (last_attempt_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE login_unknown_name`);
  }
}
