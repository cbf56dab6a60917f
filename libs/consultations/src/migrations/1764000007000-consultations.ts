import { MigrationInterface, QueryRunner } from 'typeorm';

export class Consultations1764000007000 implements MigrationInterface {
  name = 'Consultations1764000007000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
    const hhmm = `'^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$'`;
    await q.query(`
      CREATE TABLE expert_availability_rule (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        practitioner_id uuid NOT NULL,
        weekday smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
        start_time text NOT NULL CHECK (start_time ~ ${hhmm}),
        end_time text NOT NULL CHECK (end_time ~ ${hhmm}),
        session_minutes int NOT NULL CHECK (session_minutes BETWEEN 5 AND 480),
        mode text NOT NULL CHECK (mode IN ('REMOTE','ON_SITE')),
        valid_from date NOT NULL,
        valid_to date,
        created_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (tenant_id, practitioner_id) REFERENCES practitioner (tenant_id, id),
        CHECK (start_time < end_time OR end_time = '24:00'),
        CHECK (valid_to IS NULL OR valid_to >= valid_from)
      )`);
    await q.query(`CREATE INDEX availability_rule_expert ON expert_availability_rule (practitioner_id)`);
    await q.query(`
      CREATE TABLE expert_availability_exception (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        practitioner_id uuid NOT NULL,
        date date NOT NULL,
        kind text NOT NULL CHECK (kind IN ('DAY_OFF','EXTRA_WINDOW')),
        start_time text CHECK (start_time ~ ${hhmm}),
        end_time text CHECK (end_time ~ ${hhmm}),
        session_minutes int CHECK (session_minutes BETWEEN 5 AND 480),
        mode text CHECK (mode IN ('REMOTE','ON_SITE')),
        created_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (tenant_id, practitioner_id) REFERENCES practitioner (tenant_id, id),
        CHECK (kind = 'DAY_OFF' OR (start_time IS NOT NULL AND end_time IS NOT NULL AND session_minutes IS NOT NULL AND mode IS NOT NULL))
      )`);
    await q.query(
      `CREATE INDEX availability_exception_expert ON expert_availability_exception (practitioner_id, date)`,
    );
    await q.query(`
      CREATE TABLE consultation (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        number text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('VIDEO','IMAGING_READ','ECG_READ','PATHOLOGY_READ','MDT','TEACHING_ROUND','ON_SITE_CLINIC')),
        state text NOT NULL CHECK (state IN ('REQUESTED','SCHEDULED','IN_PROGRESS','REPORTED','COMPLETED','DECLINED','CANCELLED','NO_SHOW')),
        urgency text NOT NULL CHECK (urgency IN ('EMERGENCY','URGENT','ROUTINE')),
        patient_id uuid NOT NULL,
        requesting_institution_id uuid NOT NULL,
        requesting_practitioner_id uuid,
        requesting_user_id uuid NOT NULL REFERENCES app_user(id),
        purpose text NOT NULL,
        case_summary text NOT NULL,
        question text NOT NULL,
        attachments jsonb NOT NULL DEFAULT '[]',
        requested_specialty text,
        requested_title text,
        consent jsonb,
        scheduled_start timestamptz,
        scheduled_end timestamptz,
        mode text CHECK (mode IN ('REMOTE','ON_SITE')),
        meeting_url text,
        started_at timestamptz,
        ended_at timestamptz,
        report_due_at timestamptz,
        report_escalated_at timestamptz,
        reminders_sent text[] NOT NULL DEFAULT '{}',
        decline_reason text,
        cancel_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (tenant_id, patient_id) REFERENCES patient (tenant_id, id),
        FOREIGN KEY (tenant_id, requesting_institution_id) REFERENCES institution (tenant_id, id),
        FOREIGN KEY (tenant_id, requesting_practitioner_id) REFERENCES practitioner (tenant_id, id),
        CONSTRAINT consultation_tenant_number UNIQUE (tenant_id, number),
        CONSTRAINT consultation_tenant_id UNIQUE (tenant_id, id),
        CONSTRAINT consultation_scheduled_has_time CHECK (state IN ('REQUESTED','DECLINED','CANCELLED') OR scheduled_start IS NOT NULL),
        CONSTRAINT consultation_scheduled_has_consent CHECK (state IN ('REQUESTED','DECLINED','CANCELLED') OR consent IS NOT NULL),
        CONSTRAINT consultation_decline_reason CHECK (state <> 'DECLINED' OR decline_reason IS NOT NULL),
        CONSTRAINT consultation_cancel_reason CHECK (state <> 'CANCELLED' OR cancel_reason IS NOT NULL)
      )`);
    await q.query(
      `CREATE INDEX consultation_requesting ON consultation (requesting_institution_id, created_at DESC, id)`,
    );
    await q.query(`CREATE INDEX consultation_tenant ON consultation (tenant_id, created_at DESC, id)`);
    await q.query(`
      CREATE TABLE consultation_expert (
        consultation_id uuid NOT NULL,
        practitioner_id uuid NOT NULL,
        tenant_id uuid NOT NULL,
        named boolean NOT NULL DEFAULT false,
        assigned boolean NOT NULL DEFAULT false,
        PRIMARY KEY (consultation_id, practitioner_id),
        FOREIGN KEY (tenant_id, consultation_id) REFERENCES consultation (tenant_id, id),
        FOREIGN KEY (tenant_id, practitioner_id) REFERENCES practitioner (tenant_id, id)
      )`);
    await q.query(`CREATE INDEX consultation_expert_practitioner ON consultation_expert (practitioner_id)`);
    // Double booking is impossible in the database itself: no two active bookings of one
    // expert may overlap. Ranges are half-open, so back-to-back sessions are fine.
    await q.query(`
      CREATE TABLE consultation_booking (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        consultation_id uuid NOT NULL,
        practitioner_id uuid NOT NULL,
        during tstzrange NOT NULL CHECK (NOT isempty(during) AND lower_inc(during) AND NOT upper_inc(during)),
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        released_at timestamptz,
        FOREIGN KEY (tenant_id, consultation_id) REFERENCES consultation (tenant_id, id),
        FOREIGN KEY (tenant_id, practitioner_id) REFERENCES practitioner (tenant_id, id),
        CONSTRAINT booking_no_overlap EXCLUDE USING gist (practitioner_id WITH =, during WITH &&) WHERE (active)
      )`);
    await q.query(`CREATE INDEX consultation_booking_consultation ON consultation_booking (consultation_id)`);
    await q.query(`
      CREATE TABLE consultation_step (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        consultation_id uuid NOT NULL REFERENCES consultation(id),
        tenant_id uuid NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        actor_user_id uuid,
        action text NOT NULL,
        from_state text,
        to_state text NOT NULL,
        note text,
        details jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX consultation_step_consultation ON consultation_step (consultation_id, id)`);
    await q.query(`
      CREATE TABLE consultation_report (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        consultation_id uuid NOT NULL,
        version int NOT NULL CHECK (version > 0),
        author_practitioner_id uuid NOT NULL,
        author_user_id uuid NOT NULL REFERENCES app_user(id),
        opinion text NOT NULL,
        suggested_diagnoses jsonb NOT NULL DEFAULT '[]',
        recommendations text NOT NULL,
        amendment_reason text,
        signed_at timestamptz NOT NULL,
        content_hash text NOT NULL,
        FOREIGN KEY (tenant_id, consultation_id) REFERENCES consultation (tenant_id, id),
        FOREIGN KEY (tenant_id, author_practitioner_id) REFERENCES practitioner (tenant_id, id),
        CONSTRAINT consultation_report_version UNIQUE (consultation_id, version),
        CHECK (version = 1 OR amendment_reason IS NOT NULL)
      )`);
    // A signed report is never edited: amendments are new signed versions.
    await q.query(`
      CREATE FUNCTION consultation_report_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '已签署的报告不能修改 (a signed report cannot be changed; submit an amendment)'
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER consultation_report_no_update_delete BEFORE UPDATE OR DELETE ON consultation_report
        FOR EACH ROW EXECUTE FUNCTION consultation_report_immutable()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE consultation_report`);
    await q.query(`DROP FUNCTION consultation_report_immutable()`);
    await q.query(`DROP TABLE consultation_step`);
    await q.query(`DROP TABLE consultation_booking`);
    await q.query(`DROP TABLE consultation_expert`);
    await q.query(`DROP TABLE consultation`);
    await q.query(`DROP TABLE expert_availability_exception`);
    await q.query(`DROP TABLE expert_availability_rule`);
  }
}
