import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig, Clock } from '@yg/core';
import { AuditChainService } from './audit-chain.service';
import { CHECKPOINT_STORE, CheckpointStore } from './checkpoints/checkpoint-store';
import { signCheckpoint } from './domain/checkpoint';

export type CheckpointOutcome = 'written' | 'current' | 'empty' | 'busy' | 'refused';

/**
 * Writes signed checkpoints of each tenant's chain head outside the database. Whoever can
 * write the database and holds the chain key could recompute a whole chain; an earlier
 * checkpoint, signed with a key the database never sees and stored where it cannot reach,
 * still names the old head, and the auditor's check (`audit:verify`) finds the difference.
 *
 * A checkpoint is only written after the links since the previous one verify, so each one
 * vouches for the chain up to it. Safe to run twice or concurrently: per tenant, one writer
 * at a time (an advisory lock), and a head already checkpointed is not written again.
 */
@Injectable()
export class AuditCheckpointService {
  private readonly logger = new Logger(AuditCheckpointService.name);
  /** When this process last wrote or confirmed each tenant's checkpoint; start-up counts as one. */
  private readonly lastWritten = new Map<string, number>();
  private readonly startedAt = Date.now();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly chain: AuditChainService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(CHECKPOINT_STORE) private readonly store: CheckpointStore | null,
  ) {}

  get enabled(): boolean {
    return !!this.store;
  }

  /** Checkpoints every tenant whose head moved; returns how many were written. */
  async writeAll(): Promise<number> {
    if (!this.store) return 0;
    let written = 0;
    for (const { tenantId } of await this.chain.heads()) {
      if ((await this.writeTenant(tenantId)) === 'written') written += 1;
    }
    return written;
  }

  /**
   * After sealing: checkpoints the tenant when this process has not done so for a period, so a
   * busy chain is anchored at least that often even if a periodic run is missed.
   */
  async writeIfDue(tenantId: string): Promise<void> {
    if (!this.store) return;
    const last = this.lastWritten.get(tenantId) ?? this.startedAt;
    if (Date.now() - last < this.config.audit.checkpointEveryMs) return;
    try {
      await this.writeTenant(tenantId);
    } catch (err) {
      this.logger.warn(
        `checkpoint of tenant ${tenantId} left to the periodic run: ${(err as Error).message}`,
      );
    }
  }

  async writeTenant(tenantId: string): Promise<CheckpointOutcome> {
    const store = this.store;
    if (!store) return 'empty';
    // A session lock, not a transaction: verifying a long stretch must not count as idle in one.
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    const key = `audit-checkpoint:${tenantId}`;
    try {
      const [{ locked }] = await runner.query(
        `SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked`,
        [key],
      );
      // Another writer is at it; its checkpoint or the next run's covers this head.
      if (!locked) return 'busy';
      try {
        const outcome = await this.writeLocked(store, tenantId);
        if (outcome === 'written' || outcome === 'current') this.lastWritten.set(tenantId, Date.now());
        return outcome;
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [key]);
      }
    } finally {
      await runner.release();
    }
  }

  private async writeLocked(store: CheckpointStore, tenantId: string): Promise<CheckpointOutcome> {
    const latest = await store.latest(tenantId);
    const head = await this.chain.head(tenantId);
    if (!head) return latest ? this.refuse(tenantId, latest.seq, 'the chain has no links') : 'empty';
    if (latest && BigInt(latest.seq) >= BigInt(head.seq)) {
      if (latest.seq === head.seq && latest.hash === head.hash) return 'current';
      return this.refuse(tenantId, latest.seq, `the chain head is now link ${head.seq} (${head.hash})`);
    }
    const check = await this.chain.verifySince(tenantId, latest);
    if (!check.ok) return this.refuse(tenantId, check.brokenAtSeq, check.reason);
    const at = check.head!;
    // The store is only provided together with a signer.
    const { privateKey, publicKey } = this.config.audit.checkpointSigner!;
    await store.append(
      signCheckpoint(
        { v: 1, tenantId, seq: at.seq, hash: at.hash, keyId: at.keyId, at: this.clock.now().toISOString() },
        privateKey,
        publicKey,
      ),
    );
    return 'written';
  }

  /** Never vouch for a chain that no longer matches: say so loudly, write nothing. */
  private refuse(tenantId: string, seq: string, why: string): CheckpointOutcome {
    this.logger.error(
      `审计链与检查点不符,未写入新检查点 (audit chain of tenant ${tenantId} does not match at link ${seq}: ${why}; ` +
        `no checkpoint written, run audit:verify)`,
    );
    return 'refused';
  }
}
