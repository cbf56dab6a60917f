import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AuditRow } from '@yg/audit';
import type { OutboxRow } from '@yg/outbox';
import type { Tier } from '@yg/network';
import type { ReferralEntity } from './entities/referral.entity';
import type { ReferralState } from './domain/referral.enums';
import type { StepRow } from './referral-recorder.service';

/** Where outbox payloads carry the referral's number, which `create_referral` draws. */
export const NUMBER_MARK = '{{referral.number}}';

export interface InstitutionFacts {
  id: string;
  name: string;
  tier: Tier;
  active: boolean;
}

/** Everything a referral's creation is checked against, read in one statement. */
export interface CreationFacts {
  /** The referral an earlier call with the same idempotency key created. */
  existing: { id: string; contentHash: string } | null;
  patientVisible: boolean;
  from: InstitutionFacts | null;
  to: InstitutionFacts | null;
  /** The institution of the named department, of the named practitioner (null: none named or not found). */
  departmentInstitutionId: string | null;
  departmentFound: boolean;
  practitionerInstitutionId: string | null;
  practitionerFound: boolean;
  resubmitted: { fromInstitutionId: string; state: ReferralState; patientId: string } | null;
  consortium: { timeZone: string; settings: Record<string, unknown> } | null;
}

export interface CreationQuery {
  tenantId: string;
  institutionId: string;
  tenantWide: boolean;
  idempotencyKey: string | null;
  patientId: string;
  toInstitutionId: string;
  toDepartmentId: string | null;
  fromPractitionerId: string | null;
  resubmissionOf: string | null;
}

export interface CreationRows {
  referral: ReferralEntity;
  year: number;
  /** The reason recorded on the receiving institution's access to the patient; null: no grant (a draft). */
  grantReason: string | null;
  steps: StepRow[];
  audit: AuditRow[];
  outbox: OutboxRow[];
}

export interface Created {
  number: string;
  createdAt: Date;
  updatedAt: Date;
  auditIds: string[];
}

/** The statements of a referral's creation: one read of what it is checked against, one write. */
@Injectable()
export class ReferralCreationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async facts(q: CreationQuery, em: EntityManager = this.dataSource.manager): Promise<CreationFacts> {
    const [row] = await em.query(
      `SELECT
         (SELECT json_build_object('id', r.id, 'contentHash', r.content_hash) FROM referral r
           WHERE r.tenant_id = $1 AND r.from_institution_id = $2 AND r.idempotency_key = $3) AS existing,
         patient_visible_to($1, $4, $2, $5) AS "patientVisible",
         (SELECT json_build_object('id', i.id, 'name', i.name, 'tier', i.tier, 'active', i.active)
            FROM network_institution i WHERE i.tenant_id = $1 AND i.id = $2) AS "from",
         (SELECT json_build_object('id', i.id, 'name', i.name, 'tier', i.tier, 'active', i.active)
            FROM network_institution i WHERE i.tenant_id = $1 AND i.id = $6) AS "to",
         (SELECT json_build_object('institutionId', d.institution_id) FROM network_department d
           WHERE d.tenant_id = $1 AND d.id = $7) AS department,
         (SELECT json_build_object('institutionId', p.institution_id) FROM network_practitioner p
           WHERE p.tenant_id = $1 AND p.id = $8) AS practitioner,
         (SELECT json_build_object('fromInstitutionId', o.from_institution_id, 'state', o.state, 'patientId', o.patient_id)
            FROM referral o WHERE o.tenant_id = $1 AND o.id = $9) AS resubmitted,
         (SELECT json_build_object('timeZone', c.time_zone, 'settings', c.settings) FROM network_consortium c
           WHERE c.id = $1) AS consortium`,
      [
        q.tenantId,
        q.institutionId,
        q.idempotencyKey,
        q.patientId,
        q.tenantWide,
        q.toInstitutionId,
        q.toDepartmentId,
        q.fromPractitionerId,
        q.resubmissionOf,
      ],
    );
    return {
      existing: row.existing,
      patientVisible: row.patientVisible,
      from: row.from,
      to: row.to,
      departmentFound: !!row.department,
      departmentInstitutionId: row.department?.institutionId ?? null,
      practitionerFound: !!row.practitioner,
      practitionerInstitutionId: row.practitioner?.institutionId ?? null,
      resubmitted: row.resubmitted,
      consortium: row.consortium,
    };
  }

  /**
   * Writes the referral and everything its creation leaves behind in one statement
   * (`create_referral`). Null when a parallel call with the same idempotency key won.
   */
  async create(rows: CreationRows, em: EntityManager = this.dataSource.manager): Promise<Created | null> {
    const r = rows.referral;
    const referral = {
      id: r.id,
      tenant_id: r.tenantId,
      direction: r.direction,
      state: r.state,
      urgency: r.urgency,
      urgency_rank: r.urgencyRank,
      patient_id: r.patientId,
      from_institution_id: r.fromInstitutionId,
      from_practitioner_id: r.fromPractitionerId,
      from_user_id: r.fromUserId,
      contact_phone: r.contactPhone,
      to_institution_id: r.toInstitutionId,
      to_department_id: r.toDepartmentId,
      diagnosis_code: r.diagnosisCode,
      diagnosis_name: r.diagnosisName,
      purpose: r.purpose,
      clinical_summary: r.clinicalSummary,
      attention_notes: r.attentionNotes,
      attachments: r.attachments,
      insurance_type: r.insuranceType,
      discharge_summary: r.dischargeSummary,
      rehab_plan: r.rehabPlan,
      medication_plan: r.medicationPlan,
      due_at: r.dueAt,
      submitted_at: r.submittedAt,
      response_due_at: r.responseDueAt,
      escalation_level: r.escalationLevel,
      resubmission_of: r.resubmissionOf,
      idempotency_key: r.idempotencyKey,
      content_hash: r.contentHash,
    };
    const result: { number: string; created_at: Date; updated_at: Date; audit_ids: string[] }[] =
      await em.query(
        `SELECT number, created_at, updated_at, audit_ids FROM create_referral($1::jsonb, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb)`,
        [
          JSON.stringify(referral),
          rows.year,
          rows.grantReason,
          JSON.stringify(rows.steps),
          JSON.stringify(rows.audit),
          JSON.stringify(rows.outbox),
        ],
      );
    if (!result.length) return null;
    const [c] = result;
    return {
      number: c.number,
      createdAt: c.created_at,
      updatedAt: c.updated_at,
      auditIds: c.audit_ids.map(String),
    };
  }
}
