import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Links one event into its tenant's hash chain: hash = HMAC(key, keyId ‖ seq ‖ prevHash ‖ canonical(event)). */
@Entity('audit_seal')
export class AuditSealEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' }) tenantId!: string;
  @PrimaryColumn({ type: 'bigint' }) seq!: string;
  @Column({ name: 'event_id', type: 'bigint' }) eventId!: string;
  @Column({ name: 'prev_hash', type: 'text' }) prevHash!: string;
  @Column({ type: 'text' }) hash!: string;
  /** Null on links sealed before the chain had keys (unkeyed SHA-256). */
  @Column({ name: 'key_id', type: 'text', nullable: true }) keyId!: string | null;
  @Column({ name: 'sealed_at', type: 'timestamptz' }) sealedAt!: Date;
}
