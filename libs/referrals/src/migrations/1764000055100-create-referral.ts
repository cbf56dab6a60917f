import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A referral's creation in one round trip: the number, the idempotent insert, the receiving
 * institution's access to the patient (when submitted at once), the timeline, the audit events
 * and the outbox rows. One statement is atomic on its own, so no transaction is opened for it.
 *
 * The rules stay in the service: it validates, decides the state and deadlines and builds every
 * row; this function only writes them together. Outbox payloads carry `{{referral.number}}`
 * where the number goes, since the number is drawn here.
 */
export class CreateReferral1764000055100 implements MigrationInterface {
  name = 'CreateReferral1764000055100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION create_referral(p_referral jsonb, p_year int, p_grant_reason text,
                                      p_steps jsonb, p_audit jsonb, p_outbox jsonb)
        RETURNS TABLE (number text, created_at timestamptz, updated_at timestamptz, audit_ids bigint[])
        LANGUAGE plpgsql AS $$
      #variable_conflict use_column
      DECLARE
        v referral;
        v_number text;
        v_created timestamptz;
        v_updated timestamptz;
        v_audit bigint[];
      BEGIN
        v := jsonb_populate_record(NULL::referral, p_referral);
        -- Numbers restart each local year: ZZ-2026-000001.
        v_number := 'ZZ-' || p_year || '-' || lpad(next_document_number('refno', v.tenant_id, p_year)::text, 6, '0');
        -- Parallel retries of one idempotency key: one insert wins, the others return no row.
        INSERT INTO referral AS r (
          id, tenant_id, number, direction, state, urgency, urgency_rank, patient_id,
          from_institution_id, from_practitioner_id, from_user_id, contact_phone, to_institution_id,
          to_department_id, diagnosis_code, diagnosis_name, purpose, clinical_summary, attention_notes,
          attachments, insurance_type, discharge_summary, rehab_plan, medication_plan, due_at,
          submitted_at, response_due_at, escalation_level, resubmission_of, idempotency_key, content_hash)
        VALUES (
          v.id, v.tenant_id, v_number, v.direction, v.state, v.urgency, v.urgency_rank, v.patient_id,
          v.from_institution_id, v.from_practitioner_id, v.from_user_id, v.contact_phone, v.to_institution_id,
          v.to_department_id, v.diagnosis_code, v.diagnosis_name, v.purpose, v.clinical_summary, v.attention_notes,
          v.attachments, v.insurance_type, v.discharge_summary, v.rehab_plan, v.medication_plan, v.due_at,
          v.submitted_at, v.response_due_at, v.escalation_level, v.resubmission_of, v.idempotency_key, v.content_hash)
        ON CONFLICT ON CONSTRAINT referral_idempotency DO NOTHING
        RETURNING r.created_at, r.updated_at INTO v_created, v_updated;
        IF NOT FOUND THEN
          RETURN;
        END IF;
        IF p_grant_reason IS NOT NULL THEN
          PERFORM grant_patient_access(v.tenant_id, v.patient_id, v.to_institution_id, p_grant_reason);
        END IF;
        INSERT INTO referral_step (referral_id, tenant_id, at, actor_user_id, action, from_state, to_state, note, details)
        SELECT v.id, v.tenant_id, s.at, s.actor_user_id, s.action, s.from_state, s.to_state, s.note, s.details
          FROM jsonb_populate_recordset(NULL::referral_step, p_steps) WITH ORDINALITY AS s(x, referral_id, tenant_id, at,
               actor_user_id, action, from_state, to_state, note, details, n)
         ORDER BY s.n;
        WITH ins AS (
          INSERT INTO audit_event (tenant_id, occurred_at, actor_user_id, actor_roles, actor_institution_id, action,
                                   entity_type, entity_id, outcome, error_code, request_id, client_ip, details)
          SELECT a.tenant_id, a.occurred_at, a.actor_user_id, a.actor_roles, a.actor_institution_id, a.action,
                 a.entity_type, a.entity_id, a.outcome, a.error_code, a.request_id, a.client_ip, a.details
            FROM jsonb_populate_recordset(NULL::audit_event, p_audit) a
          RETURNING id)
        SELECT array_agg(id ORDER BY id) INTO v_audit FROM ins;
        INSERT INTO outbox_message (tenant_id, queue, job_name, payload, run_at, attempts)
        SELECT o.tenant_id, o.queue, o.job_name, replace(o.payload::text, '{{referral.number}}', v_number)::jsonb,
               o.run_at, o.attempts
          FROM jsonb_populate_recordset(NULL::outbox_message, p_outbox) o;
        RETURN QUERY SELECT v_number, v_created, v_updated, coalesce(v_audit, '{}');
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION create_referral(jsonb, int, text, jsonb, jsonb, jsonb)`);
  }
}
