import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A version per settings section (`{"referrals": 3, …}`), bumped by each save of that section,
 * so a save names the version it was made on and one made meanwhile is refused rather than
 * overwritten. Per section, so saving one capability's settings never refuses another's. A
 * section not named here is at version 1 (the defaults, or what was saved before versions).
 */
export class SettingsVersions1764000060110 implements MigrationInterface {
  name = 'SettingsVersions1764000060110';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE consortium ADD COLUMN settings_versions jsonb NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE consortium DROP COLUMN settings_versions`);
  }
}
