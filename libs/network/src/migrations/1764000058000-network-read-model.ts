import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_GROUP_ROLE } from '@yg/core/database/roles';

/**
 * What other capabilities may read of the network in SQL: the
 * consortium's identity, time zone and settings, and the members, departments and practitioners
 * as lists show them. Capabilities that fold a decision or a page into one statement (a
 * booking, a worklist page) join these views instead of the tables, so the network can
 * change its tables behind them. Simple views: the planner inlines them, no cost per query.
 */
export class NetworkReadModel1764000058000 implements MigrationInterface {
  name = 'NetworkReadModel1764000058000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE VIEW network_consortium AS
        SELECT id, name, division_code, time_zone, framework, settings, created_at FROM consortium`);
    await q.query(`
      CREATE VIEW network_institution AS
        SELECT id, tenant_id, name, kind, tier, parent_id, grade, division_code, address, phone, active,
               created_at, updated_at
          FROM institution`);
    await q.query(`
      CREATE VIEW network_department AS
        SELECT id, tenant_id, institution_id, code, name, specialty, created_at FROM department`);
    await q.query(`
      CREATE VIEW network_practitioner AS
        SELECT id, tenant_id, institution_id, department_id, name, title, specialties, licence_number, active,
               created_at
          FROM practitioner`);
    // Simple views are updatable: the apps only read them.
    for (const v of VIEWS) await q.query(`REVOKE INSERT, UPDATE, DELETE ON ${v} FROM ${APP_GROUP_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const v of [...VIEWS].reverse()) await q.query(`DROP VIEW ${v}`);
  }
}

const VIEWS = ['network_consortium', 'network_institution', 'network_department', 'network_practitioner'];
