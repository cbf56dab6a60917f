import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { SupplyRequestState } from '../domain/drug.enums';
import { SupplyUrgency } from '../domain/supply';

/** A shortage registration (基层缺药登记): a request to the central pharmacy for a missing item. */
@Entity('supply_request')
export class SupplyRequestEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId!: string;
  @Column({ type: 'text' }) number!: string;
  @Column({ name: 'requesting_institution_id', type: 'uuid' }) requestingInstitutionId!: string;
  @Column({ name: 'supplying_institution_id', type: 'uuid' }) supplyingInstitutionId!: string;
  @Column({ name: 'formulary_item_id', type: 'uuid' }) formularyItemId!: string;
  /** The requesting institution's own item that receiving puts stock on. */
  @Column({ name: 'catalogue_item_id', type: 'uuid', nullable: true }) catalogueItemId!: string | null;
  @Column({ type: 'numeric' }) quantity!: string;
  @Column({ type: 'text', nullable: true }) unit!: string | null;
  @Column({ name: 'referral_id', type: 'uuid', nullable: true }) referralId!: string | null;
  @Column({ name: 'plan_item_id', type: 'uuid', nullable: true }) planItemId!: string | null;
  @Column({ type: 'text' }) state!: SupplyRequestState;
  @Column({ type: 'text' }) urgency!: SupplyUrgency;
  @Column({ type: 'text' }) reason!: string;
  @Column({ name: 'reject_reason', type: 'text', nullable: true }) rejectReason!: string | null;
  @Column({ name: 'needed_by', type: 'timestamptz', nullable: true }) neededBy!: Date | null;
  @Column({ name: 'decide_due_at', type: 'timestamptz', nullable: true }) decideDueAt!: Date | null;
  @Column({ name: 'deliver_due_at', type: 'timestamptz', nullable: true }) deliverDueAt!: Date | null;
  @Column({ name: 'quantity_dispatched', type: 'numeric', nullable: true }) quantityDispatched!:
    string | null;
  @Column({ name: 'quantity_received', type: 'numeric', nullable: true }) quantityReceived!: string | null;
  @Column({ name: 'idempotency_key', type: 'text', nullable: true }) idempotencyKey!: string | null;
  /** SHA-256 of the request's content: a retry with the same key must carry the same content. */
  @Column({ name: 'content_hash', type: 'text', nullable: true }) contentHash!: string | null;
  /** When the reminder before the approval deadline, and each overdue notice, went out. */
  @Column({ name: 'reminded_at', type: 'timestamptz', nullable: true }) remindedAt!: Date | null;
  @Column({ name: 'decide_overdue_at', type: 'timestamptz', nullable: true }) decideOverdueAt!: Date | null;
  @Column({ name: 'deliver_overdue_at', type: 'timestamptz', nullable: true }) deliverOverdueAt!: Date | null;
  /** Bumped by every step: a decision names the version it saw, so of two parallel ones one wins. */
  @Column({ type: 'int' }) version!: number;
  @Column({ name: 'requested_by', type: 'uuid' }) requestedBy!: string;
  @Column({ name: 'decided_by', type: 'uuid', nullable: true }) decidedBy!: string | null;
  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true }) decidedAt!: Date | null;
  @Column({ name: 'dispatched_at', type: 'timestamptz', nullable: true }) dispatchedAt!: Date | null;
  @Column({ name: 'received_at', type: 'timestamptz', nullable: true }) receivedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** The timeline of a supply request (append-only). */
@Entity('supply_request_step')
export class SupplyRequestStepEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id!: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId!: string;
  @Column({ name: 'supply_request_id', type: 'uuid' }) supplyRequestId!: string;
  @Column({ type: 'timestamptz' }) at!: Date;
  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true }) actorUserId!: string | null;
  @Column({ type: 'text' }) action!: string;
  @Column({ name: 'from_state', type: 'text', nullable: true }) fromState!: SupplyRequestState | null;
  @Column({ name: 'to_state', type: 'text' }) toState!: SupplyRequestState;
  @Column({ type: 'text', nullable: true }) note!: string | null;
  @Column({ type: 'jsonb' }) details!: Record<string, unknown>;
}
