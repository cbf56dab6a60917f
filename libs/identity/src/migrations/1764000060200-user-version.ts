import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A user's version, bumped by each change an admin makes to the account (its particulars,
 * roles, institution, deactivation), so an edit names the version it was made on and one made
 * meanwhile is refused rather than overwritten. Existing rows start at 1.
 */
export class UserVersion1764000060200 implements MigrationInterface {
  name = 'UserVersion1764000060200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user ADD COLUMN version integer NOT NULL DEFAULT 1`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user DROP COLUMN version`);
  }
}
