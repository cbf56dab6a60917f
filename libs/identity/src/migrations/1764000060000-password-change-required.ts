import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A password someone else chose (an admin creating or resetting the account) must be replaced
 * by its user before the account does anything else. Existing accounts are left as they are:
 * nothing records who chose their passwords.
 */
export class PasswordChangeRequired1764000060000 implements MigrationInterface {
  name = 'PasswordChangeRequired1764000060000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user ADD COLUMN password_change_required boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user DROP COLUMN password_change_required`);
  }
}
