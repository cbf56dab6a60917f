import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type OutsideChannel = 'SMS' | 'WEBHOOK';

/** Which outside channels a user wants besides the inbox and the live push. */
@Entity('notification_preference')
export class NotificationPreferenceEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' }) userId!: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId!: string;
  @Column({ type: 'text', array: true }) channels!: OutsideChannel[];
  @Column({ name: 'webhook_url', type: 'text', nullable: true }) webhookUrl!: string | null;
  @Column({ name: 'webhook_secret', type: 'text', nullable: true, select: false }) webhookSecret!:
    string | null;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
