import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Platform operators: the deployment's IT, above every tenant (queue dashboard). They belong to
 * no consortium or institution, so they are not app_user rows: no tenant query can return one.
 */
export class PlatformOperators1764000009100 implements MigrationInterface {
  name = 'PlatformOperators1764000009100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE platform_operator (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username text NOT NULL CHECK (username ~ '^[a-z0-9][a-z0-9._-]{2,39}$'),
        password_hash text NOT NULL,
        can_write boolean NOT NULL DEFAULT false,
        active boolean NOT NULL DEFAULT true,
        session_version int NOT NULL DEFAULT 0,
        failed_attempts int NOT NULL DEFAULT 0,
        locked_until timestamptz,
        last_login_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT platform_operator_username UNIQUE (username)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE platform_operator`);
  }
}
