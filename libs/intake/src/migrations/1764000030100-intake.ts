import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_GROUP_ROLE } from '@yg/core/database/roles';

/**
 * Visit data from member systems (诊疗数据上报) and the monthly rollups indicators read.
 *
 * - `encounter` is range-partitioned by month of `occurred_on` (visit or admission date).
 *   `intake_ensure_partitions(from, to)` creates the months a load needs; it runs with its
 *   owner's rights because the apps may not create tables, and is called in its own short
 *   transaction before a load.
 * - A partitioned table's unique keys must hold the partition key, so the idempotency key
 *   (tenant, institution, source system, source record id) lives in `encounter_key`, which
 *   points at the current row and its month: a corrected record that moves month is found.
 * - `encounter_rollup` (tenant × institution × month) and `ooc_rollup` (tenant × month) are
 *   kept by the merge of each batch, in its transaction.
 * - Yearly statistics forms are one keyed table; dispatch records (派驻) carry their dates.
 * - `intake_run` records each push or file import, its counts and its rejected rows.
 */
export class Intake1764000030100 implements MigrationInterface {
  name = 'Intake1764000030100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE intake_run (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES consortium(id),
        institution_id uuid,
        kind text NOT NULL CHECK (kind IN ('ENCOUNTERS','OUT_OF_COUNTY')),
        channel text NOT NULL CHECK (channel IN ('PUSH','FILE')),
        source_system text NOT NULL,
        status text NOT NULL CHECK (status IN ('UPLOADING','QUEUED','RUNNING','DONE','FAILED')),
        file_name text,
        format text CHECK (format IN ('CSV','NDJSON')),
        file_sha256 text,
        size_bytes bigint CHECK (size_bytes >= 0),
        rows_total int,
        rows_done int NOT NULL DEFAULT 0,
        accepted int NOT NULL DEFAULT 0,
        replaced int NOT NULL DEFAULT 0,
        unchanged int NOT NULL DEFAULT 0,
        rejected int NOT NULL DEFAULT 0,
        errors jsonb NOT NULL DEFAULT '[]',
        failure text,
        requested_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        CONSTRAINT intake_run_tenant_id UNIQUE (tenant_id, id),
        FOREIGN KEY (tenant_id, institution_id) REFERENCES institution (tenant_id, id)
      )`);
    await q.query(`CREATE INDEX intake_run_tenant_created ON intake_run (tenant_id, created_at DESC, id)`);
    await q.query(`
      CREATE TABLE intake_upload_chunk (
        run_id uuid NOT NULL,
        seq int NOT NULL CHECK (seq >= 0),
        tenant_id uuid NOT NULL,
        data bytea NOT NULL,
        PRIMARY KEY (run_id, seq),
        FOREIGN KEY (tenant_id, run_id) REFERENCES intake_run (tenant_id, id) ON DELETE CASCADE
      )`);

    await q.query(`
      CREATE TABLE encounter (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        institution_id uuid NOT NULL,
        source_system text NOT NULL,
        source_record_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('OUTPATIENT','EMERGENCY','INPATIENT')),
        occurred_on date NOT NULL,
        discharged_on date CHECK (discharged_on >= occurred_on),
        patient_id uuid,
        id_number_hash text,
        department text,
        tcm boolean NOT NULL,
        diagnosis_code text,
        insured boolean NOT NULL,
        resident boolean NOT NULL,
        chronic_managed boolean NOT NULL,
        total_cost numeric(14,2) NOT NULL CHECK (total_cost >= 0),
        fund_paid numeric(14,2) NOT NULL CHECK (fund_paid >= 0 AND fund_paid <= total_cost),
        content_hash text NOT NULL,
        run_id uuid NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (id, occurred_on),
        CHECK (kind = 'INPATIENT' OR discharged_on IS NULL)
      ) PARTITION BY RANGE (occurred_on)`);
    await q.query(
      `CREATE INDEX encounter_inst_month ON encounter (tenant_id, institution_id, occurred_on DESC, id)`,
    );
    await q.query(
      `CREATE INDEX encounter_discharge ON encounter (tenant_id, institution_id, discharged_on DESC)
        WHERE discharged_on IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE encounter_key (
        tenant_id uuid NOT NULL,
        institution_id uuid NOT NULL,
        source_system text NOT NULL,
        source_record_id text NOT NULL,
        encounter_id uuid NOT NULL,
        occurred_on date NOT NULL,
        content_hash text NOT NULL,
        -- No foreign key to institution: the merge is its only writer and checks the
        -- institution first; a per-row check would cost a look-up for every record loaded.
        PRIMARY KEY (tenant_id, institution_id, source_system, source_record_id)
      )`);
    // Creates the month partitions covering [from, to]; the apps call it before a load.
    await q.query(`
      CREATE FUNCTION intake_ensure_partitions(from_day date, to_day date) RETURNS void
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      DECLARE
        m date := date_trunc('month', from_day)::date;
        part text;
      BEGIN
        IF to_day < from_day OR to_day - from_day > 3660 THEN
          RAISE EXCEPTION 'partition range % .. % refused', from_day, to_day;
        END IF;
        WHILE m <= to_day LOOP
          part := 'encounter_' || to_char(m, 'YYYYMM');
          IF to_regclass(part) IS NULL THEN
            PERFORM pg_advisory_xact_lock(hashtextextended('intake-partition:' || part, 0));
            IF to_regclass(part) IS NULL THEN
              -- Created apart, then attached: ATTACH takes a lock that lets loads and reads
              -- of other months go on, where CREATE … PARTITION OF would wait for every open
              -- transaction on the table and block everyone queued behind it.
              EXECUTE format('CREATE TABLE %I (LIKE encounter INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
              EXECUTE format('ALTER TABLE encounter ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                part, m, (m + interval '1 month')::date);
              EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO ${APP_GROUP_ROLE}', part);
            END IF;
          END IF;
          m := (m + interval '1 month')::date;
        END LOOP;
      END $$`);
    await q.query(`REVOKE ALL ON FUNCTION intake_ensure_partitions(date, date) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION intake_ensure_partitions(date, date) TO ${APP_GROUP_ROLE}`);

    await q.query(`
      CREATE TABLE encounter_rollup (
        tenant_id uuid NOT NULL,
        institution_id uuid NOT NULL,
        month date NOT NULL CHECK (month = date_trunc('month', month)),
        visits int NOT NULL DEFAULT 0,
        visits_resident int NOT NULL DEFAULT 0,
        visits_tcm int NOT NULL DEFAULT 0,
        admissions int NOT NULL DEFAULT 0,
        discharges int NOT NULL DEFAULT 0,
        discharges_insured_resident int NOT NULL DEFAULT 0,
        inpatient_cost_insured_resident numeric(16,2) NOT NULL DEFAULT 0,
        fund_paid numeric(16,2) NOT NULL DEFAULT 0,
        fund_paid_insured_resident numeric(16,2) NOT NULL DEFAULT 0,
        chronic_admissions int NOT NULL DEFAULT 0,
        PRIMARY KEY (tenant_id, month, institution_id)
      )`);

    await q.query(`
      CREATE TABLE ooc_settlement (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES consortium(id),
        source_system text NOT NULL,
        source_record_id text NOT NULL,
        settled_on date NOT NULL,
        inpatient boolean NOT NULL,
        hospital_name text NOT NULL,
        hospital_level text,
        patient_id uuid,
        id_number_hash text,
        total_cost numeric(14,2) NOT NULL CHECK (total_cost >= 0),
        fund_paid numeric(14,2) NOT NULL CHECK (fund_paid >= 0 AND fund_paid <= total_cost),
        content_hash text NOT NULL,
        run_id uuid NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ooc_settlement_source UNIQUE (tenant_id, source_system, source_record_id)
      )`);
    await q.query(`CREATE INDEX ooc_settlement_month ON ooc_settlement (tenant_id, settled_on DESC, id)`);
    await q.query(`
      CREATE TABLE ooc_rollup (
        tenant_id uuid NOT NULL,
        month date NOT NULL CHECK (month = date_trunc('month', month)),
        visits int NOT NULL DEFAULT 0,
        admissions int NOT NULL DEFAULT 0,
        cost numeric(16,2) NOT NULL DEFAULT 0,
        fund_paid numeric(16,2) NOT NULL DEFAULT 0,
        PRIMARY KEY (tenant_id, month)
      )`);

    await q.query(`
      CREATE TABLE intake_statistic (
        tenant_id uuid NOT NULL REFERENCES consortium(id),
        year int NOT NULL CHECK (year BETWEEN 2000 AND 2100),
        key text NOT NULL,
        institution_id uuid,
        value numeric(18,2) NOT NULL CHECK (value >= 0),
        submitted_by uuid NOT NULL,
        submitted_at timestamptz NOT NULL,
        CONSTRAINT intake_statistic_key UNIQUE NULLS NOT DISTINCT (tenant_id, year, key, institution_id),
        FOREIGN KEY (tenant_id, institution_id) REFERENCES institution (tenant_id, id)
      )`);
    await q.query(`
      CREATE TABLE dispatch_record (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES consortium(id),
        reference text NOT NULL,
        from_institution_id uuid NOT NULL,
        to_institution_id uuid NOT NULL,
        starts_on date NOT NULL,
        ends_on date CHECK (ends_on >= starts_on),
        submitted_by uuid NOT NULL,
        submitted_at timestamptz NOT NULL,
        CONSTRAINT dispatch_record_reference UNIQUE (tenant_id, reference),
        FOREIGN KEY (tenant_id, from_institution_id) REFERENCES institution (tenant_id, id),
        FOREIGN KEY (tenant_id, to_institution_id) REFERENCES institution (tenant_id, id)
      )`);
    await q.query(
      `CREATE INDEX dispatch_record_to ON dispatch_record (tenant_id, to_institution_id, starts_on)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE dispatch_record`);
    await q.query(`DROP TABLE intake_statistic`);
    await q.query(`DROP TABLE ooc_rollup`);
    await q.query(`DROP TABLE ooc_settlement`);
    await q.query(`DROP TABLE encounter_rollup`);
    await q.query(`DROP FUNCTION intake_ensure_partitions(date, date)`);
    await q.query(`DROP TABLE encounter_key`);
    await q.query(`DROP TABLE encounter`);
    await q.query(`DROP TABLE intake_upload_chunk`);
    await q.query(`DROP TABLE intake_run`);
  }
}
