import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AuthUser, Clock, JOBS, QUEUES, RequestContext, requestContext } from '@yg/core';
import { AuditEventEntity, AuditOutcome } from './entities/audit-event.entity';
import { PLATFORM_TENANT } from './domain/chain';

export interface AuditEntry {
  action: string;
  entityType?: string | null;
  entityId?: string | null;
  outcome?: AuditOutcome;
  errorCode?: string | null;
  /** Non-identifying facts only (state changes, field names): never names, ID numbers or phones. */
  details?: Record<string, unknown>;
  /** Defaults to the caller's tenant. */
  tenantId?: string;
  /** Defaults to the caller. */
  actor?: AuthUser | null;
}

const SEAL_DELAY_MS = 200;

/** Writes the trail. Call `record` inside the transaction of the change it describes. */
@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QUEUES.AUDIT) private readonly queue: Queue,
    private readonly clock: Clock,
  ) {}

  async record(em: EntityManager, entry: AuditEntry): Promise<void> {
    await this.recordMany(em, [entry]);
  }

  async recordMany(em: EntityManager, entries: AuditEntry[]): Promise<void> {
    if (!entries.length) return;
    const ctx = requestContext.get();
    const now = this.clock.now();
    const rows = entries.map((entry) => {
      const actor = entry.actor === undefined ? ctx?.user : entry.actor;
      return em.create(AuditEventEntity, {
        tenantId: entry.tenantId ?? actor?.tenantId ?? PLATFORM_TENANT,
        occurredAt: now,
        actorUserId: actor?.id ?? null,
        actorRoles: actor?.roles ?? [],
        actorInstitutionId: actor?.institutionId ?? null,
        action: entry.action,
        entityType: entry.entityType ?? null,
        entityId: entry.entityId ?? null,
        outcome: entry.outcome ?? 'SUCCESS',
        errorCode: entry.errorCode ?? null,
        requestId: ctx?.requestId ?? null,
        clientIp: ctx?.ip ?? null,
        details: entry.details ?? {},
      });
    });
    // jsonb details confuse TypeORM's deep-partial typing; the rows are complete entities.
    const inserted = await em.insert(AuditEventEntity, rows as QueryDeepPartialEntity<AuditEventEntity>[]);
    if (ctx) {
      ctx.auditedTenants ??= new Set();
      rows.forEach((r) => ctx.auditedTenants!.add(r.tenantId));
      ctx.auditCount = (ctx.auditCount ?? 0) + rows.length;
      const ids = this.requestEvents.get(ctx) ?? [];
      ids.push(...inserted.identifiers.map((i) => String(i.id)));
      this.requestEvents.set(ctx, ids);
    }
  }

  /** Events recorded so far in the current request, oldest first; committed or not. */
  private readonly requestEvents = new WeakMap<RequestContext, string[]>();

  recordedInRequest(): readonly string[] {
    const ctx = requestContext.get();
    return (ctx && this.requestEvents.get(ctx)) ?? [];
  }

  /**
   * Whether one of these events is stored as a refusal or failure, i.e. the service committed
   * its own account of what went wrong (a failed login does). Events of a rolled-back
   * transaction are not stored and do not count.
   */
  async storedRefusalAmong(ids: readonly string[]): Promise<boolean> {
    if (!ids.length) return false;
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM audit_event WHERE id = ANY($1::bigint[]) AND outcome <> 'SUCCESS' LIMIT 1`,
      [ids],
    );
    return rows.length > 0;
  }

  /** Records outside any business transaction (failures, whose own transaction rolled back). */
  async recordStandalone(entry: AuditEntry): Promise<void> {
    // One INSERT statement is atomic on its own; a wrapping transaction would only add round trips.
    await this.record(this.dataSource.manager, entry);
  }

  /**
   * Asks a worker to seal the tenant's new events soon. Best effort: the periodic sealer
   * catches up on anything a lost request leaves behind.
   */
  async requestSeal(tenantId: string | undefined): Promise<void> {
    const tenant = tenantId ?? PLATFORM_TENANT;
    // Always asked of Redis: skipping a request because another was sent moments ago is unsafe,
    // as that one may have joined a job already due, which then runs before this commit is seen.
    try {
      await this.queue.add(
        JOBS.AUDIT_SEAL_TENANT,
        { tenantId: tenant },
        // While a seal job waits, later requests join it (it will see their committed events).
        // A ttl window would also drop requests arriving while or just after the job runs,
        // leaving their events unsealed until the periodic sealer; keepLastIfActive instead
        // queues one follow-up job when the current one is already running.
        { deduplication: { id: `seal-${tenant}`, keepLastIfActive: true }, delay: SEAL_DELAY_MS },
      );
    } catch (err) {
      this.logger.warn(`seal request deferred to the periodic sealer: ${(err as Error).message}`);
    }
  }
}
