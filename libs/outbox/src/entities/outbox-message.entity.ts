import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A job that must not be lost, written in the same transaction as the change that causes it.
 * The relay hands each row to BullMQ once it commits; until then it waits here, whatever
 * happens to Redis or the worker.
 */
@Entity('outbox_message')
export class OutboxMessageEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ name: 'tenant_id', type: 'uuid', nullable: true }) tenantId!: string | null;
  @Column({ type: 'text' }) queue!: string;
  @Column({ name: 'job_name', type: 'text' }) jobName!: string;
  @Column({ type: 'jsonb' }) payload!: Record<string, unknown>;
  /** When the job should run; the relay turns it into a BullMQ delay. */
  @Column({ name: 'run_at', type: 'timestamptz' }) runAt!: Date;
  @Column({ type: 'int', nullable: true }) attempts!: number | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'published_at', type: 'timestamptz', nullable: true }) publishedAt!: Date | null;
  /**
   * When its job finished in BullMQ: completed (for an event, every handler succeeded) or failed
   * for good (kept in the failed set). A row published long ago and not settled may have lost
   * its job with Redis; the relay's reconciliation checks and publishes it again.
   */
  @Column({ name: 'settled_at', type: 'timestamptz', nullable: true }) settledAt!: Date | null;
  /** How often the reconciliation published it again; its job id is `ob-<id>-r<n>` then. */
  @Column({ type: 'int', default: 0 }) republished!: number;
}
