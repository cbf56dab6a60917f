import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_GROUP_ROLE } from '@yg/core/database/roles';

/**
 * What other capabilities may use of the patient tables, in SQL: who is related to a patient,
 * granting an institution access, and the columns a list may show. Capabilities that fold a
 * decision into one statement (a referral's creation) call these instead of reading or writing
 * patient tables themselves; the patients service uses the same rule.
 */
export class PatientReadModel1764000055000 implements MigrationInterface {
  name = 'PatientReadModel1764000055000';

  async up(q: QueryRunner): Promise<void> {
    // LANGUAGE sql and STABLE: the planner inlines it into the queries that use it.
    await q.query(`
      CREATE FUNCTION patient_related_to(p_patient uuid, p_registered_by uuid, p_contract uuid, p_institution uuid)
        RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT p_registered_by = p_institution OR p_contract = p_institution
          OR EXISTS (SELECT 1 FROM patient_access a WHERE a.patient_id = p_patient AND a.institution_id = p_institution)
      $$`);
    await q.query(`
      CREATE FUNCTION patient_visible_to(p_tenant uuid, p_patient uuid, p_institution uuid, p_tenant_wide boolean)
        RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT EXISTS (
          SELECT 1 FROM patient p
           WHERE p.tenant_id = p_tenant AND p.id = p_patient
             AND (p_tenant_wide
                  OR coalesce(patient_related_to(p.id, p.registered_by_institution_id, p.contract_institution_id, p_institution), false)))
      $$`);
    await q.query(`
      CREATE FUNCTION grant_patient_access(p_tenant uuid, p_patient uuid, p_institution uuid, p_reason text)
        RETURNS void LANGUAGE sql AS $$
        INSERT INTO patient_access (patient_id, institution_id, tenant_id, reason)
        VALUES (p_patient, p_institution, p_tenant, p_reason)
        ON CONFLICT DO NOTHING
      $$`);
    // No identifying columns: the birth date is here only to derive the masked birth year.
    await q.query(`
      CREATE VIEW patient_summary AS
        SELECT id, tenant_id, name, sex, birth_date, created_at FROM patient`);
    // A simple view is updatable: the apps only read it.
    await q.query(`REVOKE INSERT, UPDATE, DELETE ON patient_summary FROM ${APP_GROUP_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW patient_summary`);
    await q.query(`DROP FUNCTION grant_patient_access(uuid, uuid, uuid, text)`);
    await q.query(`DROP FUNCTION patient_visible_to(uuid, uuid, uuid, boolean)`);
    await q.query(`DROP FUNCTION patient_related_to(uuid, uuid, uuid, uuid)`);
  }
}
