import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_GROUP_ROLE } from '@yg/core/database/roles';

/**
 * What other capabilities may read of the members' drug catalogues in SQL: each local item's
 * life (created, deactivated) and each mapping's latest decision. The seven-unification
 * scorecard counts catalogue coverage at a month's end from these.
 */
export class CatalogueReadModel1764000059420 implements MigrationInterface {
  name = 'CatalogueReadModel1764000059420';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE VIEW drug_catalogue_entry AS
        SELECT id, tenant_id, institution_id, local_code, generic_name, active, created_at, deactivated_at
          FROM drug_catalogue_item`);
    await q.query(`
      CREATE VIEW drug_mapping_decision AS
        SELECT catalogue_item_id, status, decided_at, updated_at FROM drug_mapping`);
    for (const v of VIEWS) await q.query(`REVOKE INSERT, UPDATE, DELETE ON ${v} FROM ${APP_GROUP_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const v of [...VIEWS].reverse()) await q.query(`DROP VIEW ${v}`);
  }
}

const VIEWS = ['drug_catalogue_entry', 'drug_mapping_decision'];
