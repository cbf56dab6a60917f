import type { RecordedAttachment } from '@yg/documents';
import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { ConsultationKind, ConsultationState, SessionModeValue } from '../domain/consultation.enums';

export interface Consent {
  signedBy: string;
  relationship: string;
  signedAt: string;
  /** Where the scan is; for an upload, where the api serves it. */
  documentUri: string;
  /** Set when the scan was uploaded to the document store. */
  documentId?: string;
}

/** A study or file: given by address (PACS, DICOMweb), or uploaded (then `documentId` is set). */
export type StudyAttachment = RecordedAttachment;

/** A remote consultation or visiting-expert session (远程会诊 / 专家坐诊). */
@Entity('consultation')
export class ConsultationEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId!: string;
  @Column({ type: 'text' }) number!: string;
  @Column({ type: 'text' }) kind!: ConsultationKind;
  @Column({ type: 'text' }) state!: ConsultationState;
  @Column({ type: 'text' }) urgency!: string;
  @Column({ name: 'patient_id', type: 'uuid' }) patientId!: string;
  @Column({ name: 'requesting_institution_id', type: 'uuid' }) requestingInstitutionId!: string;
  @Column({ name: 'requesting_practitioner_id', type: 'uuid', nullable: true }) requestingPractitionerId!:
    string | null;
  @Column({ name: 'requesting_user_id', type: 'uuid' }) requestingUserId!: string;
  @Column({ type: 'text' }) purpose!: string;
  @Column({ name: 'case_summary', type: 'text' }) caseSummary!: string;
  @Column({ type: 'text' }) question!: string;
  @Column({ type: 'jsonb' }) attachments!: StudyAttachment[];
  @Column({ name: 'requested_specialty', type: 'text', nullable: true }) requestedSpecialty!: string | null;
  @Column({ name: 'requested_title', type: 'text', nullable: true }) requestedTitle!: string | null;
  @Column({ type: 'jsonb', nullable: true }) consent!: Consent | null;
  @Column({ name: 'scheduled_start', type: 'timestamptz', nullable: true }) scheduledStart!: Date | null;
  @Column({ name: 'scheduled_end', type: 'timestamptz', nullable: true }) scheduledEnd!: Date | null;
  @Column({ type: 'text', nullable: true }) mode!: SessionModeValue | null;
  @Column({ name: 'meeting_url', type: 'text', nullable: true }) meetingUrl!: string | null;
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true }) startedAt!: Date | null;
  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true }) endedAt!: Date | null;
  @Column({ name: 'report_due_at', type: 'timestamptz', nullable: true }) reportDueAt!: Date | null;
  @Column({ name: 'report_escalated_at', type: 'timestamptz', nullable: true })
  reportEscalatedAt!: Date | null;
  @Column({ name: 'reminders_sent', type: 'text', array: true }) remindersSent!: string[];
  @Column({ name: 'decline_reason', type: 'text', nullable: true }) declineReason!: string | null;
  @Column({ name: 'cancel_reason', type: 'text', nullable: true }) cancelReason!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** An expert on a consultation: named by the requester, and/or assigned by a booking. */
@Entity('consultation_expert')
export class ConsultationExpertEntity {
  @PrimaryColumn({ name: 'consultation_id', type: 'uuid' }) consultationId!: string;
  @PrimaryColumn({ name: 'practitioner_id', type: 'uuid' }) practitionerId!: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId!: string;
  @Column({ type: 'boolean' }) named!: boolean;
  @Column({ type: 'boolean' }) assigned!: boolean;
}

@Entity('consultation_step')
export class ConsultationStepEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ name: 'consultation_id', type: 'uuid' }) consultationId!: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId!: string;
  @Column({ type: 'timestamptz' }) at!: Date;
  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true }) actorUserId!: string | null;
  @Column({ type: 'text' }) action!: string;
  @Column({ name: 'from_state', type: 'text', nullable: true }) fromState!: string | null;
  @Column({ name: 'to_state', type: 'text' }) toState!: string;
  @Column({ type: 'text', nullable: true }) note!: string | null;
  @Column({ type: 'jsonb' }) details!: Record<string, unknown>;
}

export interface SuggestedDiagnosis {
  code: string | null;
  name: string;
}

/** A signed expert report; never edited, amended by a new version. */
@Entity('consultation_report')
export class ConsultationReportEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId!: string;
  @Column({ name: 'consultation_id', type: 'uuid' }) consultationId!: string;
  @Column({ type: 'int' }) version!: number;
  @Column({ name: 'author_practitioner_id', type: 'uuid' }) authorPractitionerId!: string;
  @Column({ name: 'author_user_id', type: 'uuid' }) authorUserId!: string;
  @Column({ type: 'text' }) opinion!: string;
  @Column({ name: 'suggested_diagnoses', type: 'jsonb' }) suggestedDiagnoses!: SuggestedDiagnosis[];
  @Column({ type: 'text' }) recommendations!: string;
  @Column({ name: 'amendment_reason', type: 'text', nullable: true }) amendmentReason!: string | null;
  @Column({ name: 'signed_at', type: 'timestamptz' }) signedAt!: Date;
  @Column({ name: 'content_hash', type: 'text' }) contentHash!: string;
}
