import type { RecordedAttachment } from '@yg/documents';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import {
  InsuranceType,
  ReferralDirection,
  ReferralState,
  RejectReasonCode,
  Urgency,
} from '../domain/referral.enums';

/** Given by address, or uploaded to the document store (then `documentId` is set). */
export type Attachment = RecordedAttachment;

export interface MedicationItem {
  /** As written on the form; matched to the unified list when nothing more precise is given. */
  drug: string;
  /** 医保药品代码, when the sender names one. */
  nationalCode?: string;
  /** An item of the consortium's unified drug list, when the sender picks one. */
  formularyItemId?: string;
  dose: string;
  route: string;
  frequency: string;
  duration: string;
}

/** A two-way referral (双向转诊单) and where it stands. */
@Entity('referral')
export class ReferralEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId!: string;
  @Column({ type: 'text' }) number!: string;
  @Column({ type: 'text' }) direction!: ReferralDirection;
  @Column({ type: 'text' }) state!: ReferralState;
  @Column({ type: 'text' }) urgency!: Urgency;
  @Column({ name: 'urgency_rank', type: 'smallint' }) urgencyRank!: number;
  @Column({ name: 'patient_id', type: 'uuid' }) patientId!: string;
  @Column({ name: 'from_institution_id', type: 'uuid' }) fromInstitutionId!: string;
  @Column({ name: 'from_practitioner_id', type: 'uuid', nullable: true }) fromPractitionerId!: string | null;
  @Column({ name: 'from_user_id', type: 'uuid' }) fromUserId!: string;
  @Column({ name: 'contact_phone', type: 'text' }) contactPhone!: string;
  @Column({ name: 'to_institution_id', type: 'uuid' }) toInstitutionId!: string;
  @Column({ name: 'to_department_id', type: 'uuid', nullable: true }) toDepartmentId!: string | null;
  @Column({ name: 'diagnosis_code', type: 'text' }) diagnosisCode!: string;
  @Column({ name: 'diagnosis_name', type: 'text' }) diagnosisName!: string;
  @Column({ type: 'text' }) purpose!: string;
  @Column({ name: 'clinical_summary', type: 'text' }) clinicalSummary!: string;
  @Column({ name: 'attention_notes', type: 'text', nullable: true }) attentionNotes!: string | null;
  @Column({ type: 'jsonb' }) attachments!: Attachment[];
  @Column({ name: 'insurance_type', type: 'text' }) insuranceType!: InsuranceType;
  @Column({ name: 'discharge_summary', type: 'text', nullable: true }) dischargeSummary!: string | null;
  @Column({ name: 'rehab_plan', type: 'text', nullable: true }) rehabPlan!: string | null;
  @Column({ name: 'medication_plan', type: 'jsonb' }) medicationPlan!: MedicationItem[];
  @Column({ name: 'appointment_at', type: 'timestamptz', nullable: true }) appointmentAt!: Date | null;
  @Column({ name: 'appointment_place', type: 'text', nullable: true }) appointmentPlace!: string | null;
  @Column({ type: 'text', nullable: true }) bed!: string | null;
  @Column({ name: 'response_due_at', type: 'timestamptz', nullable: true }) responseDueAt!: Date | null;
  /** What the worklist sorts by: the answer deadline, then the appointment, else creation. */
  @Column({ name: 'due_at', type: 'timestamptz' }) dueAt!: Date;
  @Column({ name: 'escalation_level', type: 'smallint' }) escalationLevel!: number;
  @Column({ name: 'escalated_at', type: 'timestamptz', nullable: true }) escalatedAt!: Date | null;
  @Column({ name: 'reminder_sent_for', type: 'timestamptz', nullable: true }) reminderSentFor!: Date | null;
  @Column({ name: 'reject_code', type: 'text', nullable: true }) rejectCode!: RejectReasonCode | null;
  @Column({ name: 'reject_reason', type: 'text', nullable: true }) rejectReason!: string | null;
  @Column({ name: 'cancel_reason', type: 'text', nullable: true }) cancelReason!: string | null;
  @Column({ name: 'resubmission_of', type: 'uuid', nullable: true }) resubmissionOf!: string | null;
  @Column({ name: 'idempotency_key', type: 'text', nullable: true }) idempotencyKey!: string | null;
  @Column({ name: 'content_hash', type: 'text' }) contentHash!: string;
  @Column({ name: 'submitted_at', type: 'timestamptz', nullable: true }) submittedAt!: Date | null;
  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true }) answeredAt!: Date | null;
  @Column({ name: 'arrived_at', type: 'timestamptz', nullable: true }) arrivedAt!: Date | null;
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true }) closedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
