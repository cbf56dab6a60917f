import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { AuthUser, Clock, JOBS, QUEUES, RequestContext, requestContext } from '@yg/core';
import type { AuditOutcome } from './entities/audit-event.entity';
import { PLATFORM_TENANT } from './domain/chain';
import type { AuditEntityType } from './domain/entity-types';

/** Who acted: a tenant user, or a platform operator (no institution, the platform tenant). */
export interface AuditActor {
  id: string;
  tenantId: string;
  institutionId: string | null;
  roles: readonly string[];
}

export interface AuditEntry {
  action: string;
  entityType?: AuditEntityType | null;
  entityId?: string | null;
  outcome?: AuditOutcome;
  errorCode?: string | null;
  /** Non-identifying facts only (state changes, field names): never names, ID numbers or phones. */
  details?: Record<string, unknown>;
  /** Defaults to the caller's tenant. */
  tenantId?: string;
  /** Defaults to the caller. */
  actor?: AuditActor | AuthUser | null;
}

/** Seal requests within one window share a job, which runs SEAL_DELAY_MS after the window. */
const SEAL_WINDOW_MS = 100;
const SEAL_DELAY_MS = 200;

/** One audit_event row as written, keyed by column. */
export type AuditRow = {
  tenant_id: string;
  occurred_at: Date;
  actor_user_id: string | null;
  actor_roles: readonly string[];
  actor_institution_id: string | null;
  action: string;
  entity_type: string | null;
  entity_id: string | null;
  outcome: AuditOutcome;
  error_code: string | null;
  request_id: string | null;
  client_ip: string | null;
  details: Record<string, unknown>;
};

/** audit_event's columns as recordMany writes them, in order; the id and chain columns are the database's. */
const AUDIT_COLUMNS = [
  'tenant_id',
  'occurred_at',
  'actor_user_id',
  'actor_roles',
  'actor_institution_id',
  'action',
  'entity_type',
  'entity_id',
  'outcome',
  'error_code',
  'request_id',
  'client_ip',
  'details',
] as const satisfies readonly (keyof AuditRow)[];
const AUDIT_CASTS: Partial<Record<(typeof AUDIT_COLUMNS)[number], string>> = {
  tenant_id: '::uuid',
  occurred_at: '::timestamptz',
  actor_user_id: '::uuid',
  actor_roles: '::text[]',
  actor_institution_id: '::uuid',
  details: '::jsonb',
};

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
    const rows = this.rows(entries);
    // Plain SQL: every mutation writes here, and building the INSERT through the ORM cost more
    // CPU than sending it.
    const width = AUDIT_COLUMNS.length;
    const inserted: { id: string }[] = await em.query(
      `INSERT INTO audit_event (${AUDIT_COLUMNS.join(', ')}) VALUES ${rows
        .map(
          (_, r) =>
            `(${AUDIT_COLUMNS.map((c, i) => `$${r * width + i + 1}${AUDIT_CASTS[c] ?? ''}`).join(', ')})`,
        )
        .join(', ')} RETURNING id`,
      rows.flatMap((r) => AUDIT_COLUMNS.map((c) => (c === 'details' ? JSON.stringify(r[c]) : r[c]))),
    );
    this.noteRecorded(
      rows,
      inserted.map((i) => i.id),
    );
  }

  /**
   * One event written by a read's own statement, as a data-modifying CTE, so the rows shown and
   * their trail are one statement and one round trip: `INSERT … SELECT` with the entry's columns
   * as parameters (added through `param`) and `details` a SQL expression over `from` (`FROM …
   * [GROUP BY …] [HAVING …]`; no row from it, no event). It returns the event's id: pass it with
   * `row` to `noteRecorded`.
   */
  insertSelect(
    entry: AuditEntry,
    param: (value: unknown) => string,
    details: string,
    from: string,
  ): { sql: string; row: AuditRow } {
    const [row] = this.rows([{ ...entry, details: {} }]);
    const values = AUDIT_COLUMNS.map((c) =>
      c === 'details' ? `(${details})::jsonb` : `${param(row[c])}${AUDIT_CASTS[c] ?? '::text'}`,
    );
    return {
      sql: `INSERT INTO audit_event (${AUDIT_COLUMNS.join(', ')}) SELECT ${values.join(', ')} ${from} RETURNING id`,
      row,
    };
  }

  /**
   * The audit_event rows for these entries, keyed by column, for a statement that writes them
   * together with the change they describe (a SQL function taking them as JSON). Call
   * `noteRecorded` with the ids it returns.
   */
  rows(entries: readonly AuditEntry[]): AuditRow[] {
    const ctx = requestContext.get();
    const now = this.clock.now();
    return entries.map((entry) => {
      const actor = entry.actor === undefined ? ctx?.user : entry.actor;
      return {
        tenant_id: entry.tenantId ?? actor?.tenantId ?? PLATFORM_TENANT,
        occurred_at: now,
        actor_user_id: actor?.id ?? null,
        actor_roles: actor?.roles ?? [],
        actor_institution_id: actor?.institutionId ?? null,
        action: entry.action,
        entity_type: entry.entityType ?? null,
        entity_id: entry.entityId ?? null,
        outcome: entry.outcome ?? 'SUCCESS',
        error_code: entry.errorCode ?? null,
        request_id: ctx?.requestId ?? null,
        client_ip: ctx?.ip ?? null,
        details: entry.details ?? {},
      };
    });
  }

  /** Tells the request which events it wrote (sealing, and the refusal check of failed requests). */
  noteRecorded(rows: readonly AuditRow[], ids: readonly (string | number)[]): void {
    const ctx = requestContext.get();
    if (!ctx) return;
    ctx.auditedTenants ??= new Set();
    rows.forEach((r) => ctx.auditedTenants!.add(r.tenant_id));
    ctx.auditCount = (ctx.auditCount ?? 0) + rows.length;
    const list = this.requestEvents.get(ctx) ?? [];
    list.push(...ids.map(String));
    this.requestEvents.set(ctx, list);
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
   * Asks a worker to seal the tenant's new events soon. Best effort, never throws, and callers
   * need not wait for it: the queue connection bounds each command (REDIS_COMMAND_TIMEOUT_MS)
   * and the periodic sealer catches up on anything a lost request leaves behind.
   *
   * Requests are grouped into windows of SEAL_WINDOW_MS: the window's job (one id per tenant
   * and window) runs SEAL_DELAY_MS after the window closes, so it sees every event committed
   * before a request made in that window. A process that has already placed the current
   * window's job (or is placing it) skips Redis for the rest of the window: under load that is
   * one queue call per tenant per window instead of one per request, also while Redis stalls. Several api processes share a window's
   * job by its id; their clocks must agree within SEAL_DELAY_MS (NTP does far better).
   */
  async requestSeal(tenantId: string | undefined): Promise<void> {
    const tenant = tenantId ?? PLATFORM_TENANT;
    const now = Date.now();
    const window = Math.floor(now / SEAL_WINDOW_MS);
    if (this.sealWindows.get(tenant) === window) return;
    if (this.sealWindows.size > 10_000) this.sealWindows.clear();
    this.sealWindows.set(tenant, window);
    try {
      await this.queue.add(
        JOBS.AUDIT_SEAL_TENANT,
        { tenantId: tenant },
        { jobId: `seal-${tenant}-${window}`, delay: (window + 1) * SEAL_WINDOW_MS + SEAL_DELAY_MS - now },
      );
    } catch (err) {
      // Not placed: the next request of this window tries again (same id, a no-op if it was).
      if (this.sealWindows.get(tenant) === window) this.sealWindows.delete(tenant);
      this.logger.warn(`seal request deferred to the periodic sealer: ${(err as Error).message}`);
    }
  }

  /** The window whose seal job this process has placed or is placing, per tenant. */
  private readonly sealWindows = new Map<string, number>();
}
