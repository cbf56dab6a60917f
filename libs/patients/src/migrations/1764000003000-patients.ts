import { MigrationInterface, QueryRunner } from 'typeorm';

export class Patients1764000003000 implements MigrationInterface {
  name = 'Patients1764000003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE patient (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES consortium(id),
        name text NOT NULL,
        sex text NOT NULL CHECK (sex IN ('MALE','FEMALE')),
        birth_date date NOT NULL,
        id_number_enc text NOT NULL,
        id_number_hash text NOT NULL,
        id_number_masked text NOT NULL,
        phone_enc text,
        phone_masked text,
        residence_division_code text NOT NULL CHECK (residence_division_code ~ '^[0-9]{6}([0-9]{3}([0-9]{3})?)?$'),
        chronic_conditions text[] NOT NULL DEFAULT '{}',
        contract_institution_id uuid,
        contract_practitioner_id uuid,
        contract_signed_on date,
        registered_by_institution_id uuid NOT NULL,
        registered_by_user_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (tenant_id, registered_by_institution_id) REFERENCES institution (tenant_id, id),
        FOREIGN KEY (tenant_id, contract_institution_id) REFERENCES institution (tenant_id, id),
        FOREIGN KEY (tenant_id, contract_practitioner_id) REFERENCES practitioner (tenant_id, id),
        CONSTRAINT patient_contract_complete CHECK (
          (contract_institution_id IS NULL) = (contract_practitioner_id IS NULL)
          AND (contract_institution_id IS NULL) = (contract_signed_on IS NULL)),
        CONSTRAINT patient_tenant_id_hash UNIQUE (tenant_id, id_number_hash),
        CONSTRAINT patient_tenant_id UNIQUE (tenant_id, id)
      )`);
    await q.query(`CREATE INDEX patient_tenant_name ON patient (tenant_id, name, id)`);
    await q.query(`CREATE INDEX patient_registered_by ON patient (registered_by_institution_id)`);
    await q.query(`CREATE INDEX patient_contract_institution ON patient (contract_institution_id)`);
    await q.query(`
      CREATE TABLE patient_access (
        patient_id uuid NOT NULL,
        institution_id uuid NOT NULL,
        tenant_id uuid NOT NULL,
        reason text NOT NULL,
        granted_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (patient_id, institution_id),
        FOREIGN KEY (tenant_id, patient_id) REFERENCES patient (tenant_id, id),
        FOREIGN KEY (tenant_id, institution_id) REFERENCES institution (tenant_id, id)
      )`);
    await q.query(`CREATE INDEX patient_access_institution ON patient_access (institution_id, patient_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE patient_access`);
    await q.query(`DROP TABLE patient`);
  }
}
