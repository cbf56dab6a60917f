import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Links one event into its tenant's hash chain: hash = sha256(prevHash ‖ canonical(event)). */
@Entity('audit_seal')
export class AuditSealEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' }) tenantId!: string;
  @PrimaryColumn({ type: 'bigint' }) seq!: string;
  @Column({ name: 'event_id', type: 'bigint' }) eventId!: string;
  @Column({ name: 'prev_hash', type: 'text' }) prevHash!: string;
  @Column({ type: 'text' }) hash!: string;
  @Column({ name: 'sealed_at', type: 'timestamptz' }) sealedAt!: Date;
}
