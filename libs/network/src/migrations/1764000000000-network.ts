import { MigrationInterface, QueryRunner } from 'typeorm';

export class Network1764000000000 implements MigrationInterface {
  name = 'Network1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE consortium (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE,
        division_code text NOT NULL CHECK (division_code ~ '^[0-9]{6}$'),
        time_zone text NOT NULL DEFAULT 'Asia/Shanghai',
        framework text NOT NULL,
        settings jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE institution (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES consortium(id),
        name text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('GENERAL_HOSPITAL','SPECIALTY_HOSPITAL','COMMUNITY_HOSPITAL_GROUP',
          'REGIONAL_SUBCENTER','TOWNSHIP_HEALTH_CENTER','COMMUNITY_HEALTH_CENTER','VILLAGE_CLINIC','PARTNER_HOSPITAL')),
        tier text NOT NULL CHECK (tier IN ('COUNTY','TOWNSHIP','VILLAGE','EXTERNAL')),
        parent_id uuid,
        grade text,
        division_code text NOT NULL CHECK (division_code ~ '^[0-9]{6}([0-9]{3}([0-9]{3})?)?$'),
        address text,
        phone text,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT institution_not_own_parent CHECK (parent_id IS DISTINCT FROM id),
        CONSTRAINT institution_tenant_name UNIQUE (tenant_id, name),
        -- lets children reference (tenant_id, id) so a tree never spans tenants
        CONSTRAINT institution_tenant_id UNIQUE (tenant_id, id)
      )`);
    await q.query(`
      ALTER TABLE institution ADD CONSTRAINT institution_parent_same_tenant
        FOREIGN KEY (tenant_id, parent_id) REFERENCES institution (tenant_id, id)`);
    await q.query(`CREATE INDEX institution_parent ON institution (parent_id)`);
    await q.query(`CREATE INDEX institution_tenant_kind ON institution (tenant_id, kind, name, id)`);
    await q.query(`CREATE INDEX institution_tenant_name_id ON institution (tenant_id, name, id)`);
    await q.query(`
      CREATE TABLE department (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        institution_id uuid NOT NULL,
        code text NOT NULL,
        name text NOT NULL,
        specialty text,
        created_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (tenant_id, institution_id) REFERENCES institution (tenant_id, id),
        CONSTRAINT department_institution_code UNIQUE (institution_id, code),
        CONSTRAINT department_tenant_id UNIQUE (tenant_id, id)
      )`);
    await q.query(`
      CREATE TABLE practitioner (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        institution_id uuid NOT NULL,
        department_id uuid REFERENCES department(id),
        name text NOT NULL,
        title text NOT NULL CHECK (title IN ('CHIEF_PHYSICIAN','ASSOCIATE_CHIEF_PHYSICIAN',
          'ATTENDING_PHYSICIAN','RESIDENT_PHYSICIAN','VILLAGE_DOCTOR')),
        specialties text[] NOT NULL DEFAULT '{}',
        licence_number text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (tenant_id, institution_id) REFERENCES institution (tenant_id, id),
        CONSTRAINT practitioner_tenant_licence UNIQUE (tenant_id, licence_number),
        CONSTRAINT practitioner_tenant_id UNIQUE (tenant_id, id)
      )`);
    await q.query(`CREATE INDEX practitioner_institution ON practitioner (institution_id, name, id)`);
    await q.query(`CREATE INDEX practitioner_specialties ON practitioner USING gin (specialties)`);
    // Human document numbers per series, tenant and year (referrals, consultations, …) without a
    // hot counter row: one sequence each, made on first use. Numbers may have gaps.
    await q.query(`
      CREATE FUNCTION next_document_number(p_series text, p_tenant uuid, p_year int) RETURNS bigint
      LANGUAGE plpgsql AS $$
      DECLARE
        seq text := format('%s_%s_%s', p_series, replace(p_tenant::text, '-', ''), p_year);
      BEGIN
        IF to_regclass(quote_ident(seq)) IS NULL THEN
          BEGIN
            EXECUTE format('CREATE SEQUENCE %I', seq);
          EXCEPTION WHEN duplicate_table OR unique_violation THEN
            NULL;
          END;
        END IF;
        RETURN nextval(quote_ident(seq));
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION next_document_number(text, uuid, int)`);
    await q.query(`DROP TABLE practitioner`);
    await q.query(`DROP TABLE department`);
    await q.query(`DROP TABLE institution`);
    await q.query(`DROP TABLE consortium`);
  }
}
