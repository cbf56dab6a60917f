import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_GROUP_ROLE } from '@yg/core/database/roles';

/**
 * The patient index as other capabilities may match against it: a patient's id by the keyed
 * hash of the ID number, nothing else (visit intake links reported encounters this way). A
 * simple view: the planner inlines it and uses the table's hash index.
 */
export class PatientIndex1764000059400 implements MigrationInterface {
  name = 'PatientIndex1764000059400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE VIEW patient_index AS SELECT id, tenant_id, id_number_hash FROM patient`);
    await q.query(`REVOKE INSERT, UPDATE, DELETE ON patient_index FROM ${APP_GROUP_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW patient_index`);
  }
}
