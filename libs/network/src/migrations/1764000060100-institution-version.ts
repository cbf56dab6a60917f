import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_GROUP_ROLE } from '@yg/core/database/roles';

/**
 * An institution's version, bumped by each change, so an edit names the version it was made
 * on and one made meanwhile is refused rather than overwritten. Existing rows start at 1. The
 * published view shows it too (added last: a view may only gain columns at its end).
 */
export class InstitutionVersion1764000060100 implements MigrationInterface {
  name = 'InstitutionVersion1764000060100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE institution ADD COLUMN version integer NOT NULL DEFAULT 1`);
    // CREATE OR REPLACE keeps the view's privileges (the apps read it, never write it).
    await q.query(`
      CREATE OR REPLACE VIEW network_institution AS
        SELECT id, tenant_id, name, kind, tier, parent_id, grade, division_code, address, phone, active,
               created_at, updated_at, version
          FROM institution`);
  }

  async down(q: QueryRunner): Promise<void> {
    // A view cannot lose a column by CREATE OR REPLACE: drop it and make it again as it was
    // (default privileges grant it all again; the apps only read it).
    await q.query(`DROP VIEW network_institution`);
    await q.query(`
      CREATE VIEW network_institution AS
        SELECT id, tenant_id, name, kind, tier, parent_id, grade, division_code, address, phone, active,
               created_at, updated_at
          FROM institution`);
    await q.query(`REVOKE INSERT, UPDATE, DELETE ON network_institution FROM ${APP_GROUP_ROLE}`);
    await q.query(`ALTER TABLE institution DROP COLUMN version`);
  }
}
