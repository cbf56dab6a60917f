import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '@yg/core';
import { SupplyRequestState } from '../domain/drug.enums';
import { SupplySettings, supplySettings } from '../domain/supply';
import { SupplyRequestEntity } from '../entities/supply.entities';
import { SupplyRecorder } from './supply-recorder.service';

/** What a timer run decided: done, or come back at `retryAt` (it ran early). */
export type SupplyTimerOutcome = { done: true; changed: boolean } | { done: false; retryAt: Date };

const UNCHANGED: SupplyTimerOutcome = { done: true, changed: false };

/**
 * Supply deadlines: the reminder before the decision deadline, the decision and delivery
 * overdue notices. Each re-reads the request under a row lock and acts only when its moment
 * has come and it has not acted yet (the *_at column): early runs wait, late runs still act,
 * a second run changes nothing. The sweep is the safety net for jobs lost with Redis.
 */
@Injectable()
export class SupplyTimers {
  private readonly logger = new Logger(SupplyTimers.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly recorder: SupplyRecorder,
    private readonly clock: Clock,
  ) {}

  reminder(id: string): Promise<SupplyTimerOutcome> {
    return this.withRequest(id, async (em, s, settings) => {
      if (s.state !== SupplyRequestState.REQUESTED || s.remindedAt || !s.decideDueAt) return UNCHANGED;
      const remindAt = new Date(s.decideDueAt.getTime() - settings.reminderBeforeSeconds * 1000);
      const now = this.clock.now();
      if (now < remindAt) return { done: false, retryAt: remindAt };
      // Past the deadline the overdue notice speaks instead.
      if (now >= s.decideDueAt) return UNCHANGED;
      await em.update(SupplyRequestEntity, { id: s.id }, { remindedAt: now });
      s.remindedAt = now;
      await this.recorder.record(em, s, null, now, {
        action: 'remind',
        from: s.state,
        event: 'supply.reminder',
        details: { decideDueAt: s.decideDueAt.toISOString() },
      });
      return { done: true, changed: true };
    });
  }

  decisionDue(id: string): Promise<SupplyTimerOutcome> {
    return this.withRequest(id, async (em, s) => {
      if (s.state !== SupplyRequestState.REQUESTED || s.decideOverdueAt || !s.decideDueAt) return UNCHANGED;
      const now = this.clock.now();
      if (now < s.decideDueAt) return { done: false, retryAt: s.decideDueAt };
      await em.update(SupplyRequestEntity, { id: s.id }, { decideOverdueAt: now });
      s.decideOverdueAt = now;
      await this.recorder.record(em, s, null, now, {
        action: 'decision-overdue',
        from: s.state,
        event: 'supply.decision-overdue',
        details: { decideDueAt: s.decideDueAt.toISOString() },
      });
      return { done: true, changed: true };
    });
  }

  deliveryDue(id: string): Promise<SupplyTimerOutcome> {
    return this.withRequest(id, async (em, s) => {
      const waiting = s.state === SupplyRequestState.APPROVED || s.state === SupplyRequestState.DISPATCHED;
      if (!waiting || s.deliverOverdueAt || !s.deliverDueAt) return UNCHANGED;
      const now = this.clock.now();
      if (now < s.deliverDueAt) return { done: false, retryAt: s.deliverDueAt };
      await em.update(SupplyRequestEntity, { id: s.id }, { deliverOverdueAt: now });
      s.deliverOverdueAt = now;
      await this.recorder.record(em, s, null, now, {
        action: 'delivery-overdue',
        from: s.state,
        event: 'supply.delivery-overdue',
        details: { deliverDueAt: s.deliverDueAt.toISOString() },
      });
      return { done: true, changed: true };
    });
  }

  /** Requests whose moment has passed without their job having acted. Returns how many changed. */
  async sweep(limit = 500): Promise<number> {
    const now = this.clock.now();
    const tenants: { id: string; settings: Record<string, unknown> }[] = await this.dataSource.query(
      `SELECT id, settings FROM network_consortium`,
    );
    let changed = 0;
    for (const t of tenants) {
      const before = supplySettings(t.settings).reminderBeforeSeconds;
      const rows: { id: string; kind: 'remind' | 'decide' | 'deliver' }[] = await this.dataSource.query(
        `(SELECT id, 'decide' AS kind FROM supply_request
           WHERE tenant_id = $1 AND state = 'REQUESTED' AND decide_due_at <= $2 AND decide_overdue_at IS NULL LIMIT ${limit})
         UNION ALL
         (SELECT id, 'remind' FROM supply_request
           WHERE tenant_id = $1 AND state = 'REQUESTED' AND reminded_at IS NULL
             AND decide_due_at > $2 AND decide_due_at - make_interval(secs => $3) <= $2
             AND created_at <= decide_due_at - make_interval(secs => $3) LIMIT ${limit})
         UNION ALL
         (SELECT id, 'deliver' FROM supply_request
           WHERE tenant_id = $1 AND state IN ('APPROVED','DISPATCHED') AND deliver_due_at <= $2
             AND deliver_overdue_at IS NULL LIMIT ${limit})`,
        [t.id, now, before],
      );
      for (const r of rows) {
        const run =
          r.kind === 'decide'
            ? this.decisionDue(r.id)
            : r.kind === 'remind'
              ? this.reminder(r.id)
              : this.deliveryDue(r.id);
        const o = await run;
        if (o.done && o.changed) changed++;
      }
    }
    if (changed) this.logger.log(`sweep acted on ${changed} supply request(s)`);
    return changed;
  }

  private withRequest(
    id: string,
    fn: (em: EntityManager, s: SupplyRequestEntity, settings: SupplySettings) => Promise<SupplyTimerOutcome>,
  ): Promise<SupplyTimerOutcome> {
    return this.dataSource.transaction(async (em) => {
      const s = await em
        .getRepository(SupplyRequestEntity)
        .createQueryBuilder('s')
        .where('s.id = :id', { id })
        .setLock('pessimistic_write')
        .getOne();
      if (!s) return UNCHANGED;
      const [consortium]: { settings: Record<string, unknown> }[] = await em.query(
        `SELECT settings FROM network_consortium WHERE id = $1`,
        [s.tenantId],
      );
      return fn(em, s, supplySettings(consortium.settings));
    });
  }
}
