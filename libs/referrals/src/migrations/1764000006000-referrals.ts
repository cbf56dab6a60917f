import { MigrationInterface, QueryRunner } from 'typeorm';

export class Referrals1764000006000 implements MigrationInterface {
  name = 'Referrals1764000006000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE referral (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        number text NOT NULL,
        direction text NOT NULL CHECK (direction IN ('UP','DOWN','LATERAL')),
        state text NOT NULL CHECK (state IN ('DRAFT','SUBMITTED','ACCEPTED','REJECTED','ARRIVED','COMPLETED','CANCELLED','NO_SHOW')),
        urgency text NOT NULL CHECK (urgency IN ('EMERGENCY','URGENT','ROUTINE')),
        urgency_rank smallint NOT NULL,
        patient_id uuid NOT NULL,
        from_institution_id uuid NOT NULL,
        from_practitioner_id uuid,
        from_user_id uuid NOT NULL REFERENCES app_user(id),
        contact_phone text NOT NULL,
        to_institution_id uuid NOT NULL,
        to_department_id uuid,
        diagnosis_code text NOT NULL,
        diagnosis_name text NOT NULL,
        purpose text NOT NULL,
        clinical_summary text NOT NULL,
        attention_notes text,
        attachments jsonb NOT NULL DEFAULT '[]',
        insurance_type text NOT NULL,
        discharge_summary text,
        rehab_plan text,
        medication_plan jsonb NOT NULL DEFAULT '[]',
        appointment_at timestamptz,
        appointment_place text,
        bed text,
        response_due_at timestamptz,
        due_at timestamptz NOT NULL,
        escalation_level smallint NOT NULL DEFAULT 0,
        escalated_at timestamptz,
        reminder_sent_for timestamptz,
        reject_code text,
        reject_reason text,
        cancel_reason text,
        resubmission_of uuid REFERENCES referral(id),
        idempotency_key text,
        content_hash text NOT NULL,
        submitted_at timestamptz,
        answered_at timestamptz,
        arrived_at timestamptz,
        closed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (tenant_id, patient_id) REFERENCES patient (tenant_id, id),
        FOREIGN KEY (tenant_id, from_institution_id) REFERENCES institution (tenant_id, id),
        FOREIGN KEY (tenant_id, to_institution_id) REFERENCES institution (tenant_id, id),
        FOREIGN KEY (tenant_id, from_practitioner_id) REFERENCES practitioner (tenant_id, id),
        FOREIGN KEY (tenant_id, to_department_id) REFERENCES department (tenant_id, id),
        CONSTRAINT referral_not_to_self CHECK (from_institution_id <> to_institution_id),
        CONSTRAINT referral_rejection_reason CHECK (state <> 'REJECTED' OR (reject_code IS NOT NULL AND reject_reason IS NOT NULL)),
        CONSTRAINT referral_cancel_reason CHECK (state <> 'CANCELLED' OR cancel_reason IS NOT NULL),
        CONSTRAINT referral_accepted_has_appointment CHECK (state NOT IN ('ACCEPTED','ARRIVED','COMPLETED','NO_SHOW') OR appointment_at IS NOT NULL),
        CONSTRAINT referral_tenant_number UNIQUE (tenant_id, number),
        CONSTRAINT referral_idempotency UNIQUE (tenant_id, from_institution_id, idempotency_key)
      )`);
    // Worklists: one index per side, in the order the list is read.
    await q.query(`CREATE INDEX referral_incoming ON referral (to_institution_id, urgency_rank, due_at, id)`);
    await q.query(
      `CREATE INDEX referral_outgoing ON referral (from_institution_id, urgency_rank, due_at, id)`,
    );
    await q.query(`CREATE INDEX referral_tenant_order ON referral (tenant_id, urgency_rank, due_at, id)`);
    await q.query(
      `CREATE INDEX referral_awaiting_answer ON referral (response_due_at) WHERE state = 'SUBMITTED'`,
    );
    await q.query(
      `CREATE INDEX referral_awaiting_arrival ON referral (appointment_at) WHERE state = 'ACCEPTED'`,
    );
    await q.query(`CREATE INDEX referral_patient ON referral (patient_id)`);
    await q.query(`
      CREATE TABLE referral_step (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        referral_id uuid NOT NULL REFERENCES referral(id),
        tenant_id uuid NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        actor_user_id uuid,
        action text NOT NULL,
        from_state text,
        to_state text NOT NULL,
        note text,
        details jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX referral_step_referral ON referral_step (referral_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE referral_step`);
    await q.query(`DROP TABLE referral`);
  }
}
