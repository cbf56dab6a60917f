import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type AuditOutcome = 'SUCCESS' | 'FAILURE' | 'DENIED';

/** One thing someone did or read. Append-only; never holds plaintext ID numbers, phones or names. */
@Entity('audit_event')
export class AuditEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId!: string;
  @Column({ name: 'occurred_at', type: 'timestamptz' }) occurredAt!: Date;
  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true }) actorUserId!: string | null;
  @Column({ name: 'actor_roles', type: 'text', array: true }) actorRoles!: string[];
  @Column({ name: 'actor_institution_id', type: 'uuid', nullable: true })
  actorInstitutionId!: string | null;
  @Column({ type: 'text' }) action!: string;
  @Column({ name: 'entity_type', type: 'text', nullable: true }) entityType!: string | null;
  @Column({ name: 'entity_id', type: 'text', nullable: true }) entityId!: string | null;
  @Column({ type: 'text' }) outcome!: AuditOutcome;
  @Column({ name: 'error_code', type: 'text', nullable: true }) errorCode!: string | null;
  @Column({ name: 'request_id', type: 'text', nullable: true }) requestId!: string | null;
  @Column({ name: 'client_ip', type: 'text', nullable: true }) clientIp!: string | null;
  @Column({ type: 'jsonb' }) details!: Record<string, unknown>;
}
