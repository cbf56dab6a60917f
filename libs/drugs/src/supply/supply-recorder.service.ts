import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AuthUser, JOBS, QUEUES } from '@yg/core';
import { AuditService } from '@yg/audit';
import { eventEntry, OutboxEntry, OutboxService } from '@yg/outbox';
import { SupplyRequestState } from '../domain/drug.enums';
import { SupplyRequestEntity, SupplyRequestStepEntity } from '../entities/supply.entities';
import { SupplyEventType, supplyEvent } from './supply-events';

export interface SupplyStep {
  action: string;
  from: SupplyRequestState | null;
  note?: string | null;
  details?: Record<string, unknown>;
  event?: SupplyEventType;
}

export type SupplyTimerJob =
  typeof JOBS.SUPPLY_REMINDER | typeof JOBS.SUPPLY_DECISION_DUE | typeof JOBS.SUPPLY_DELIVERY_DUE;

export interface SupplyTimerPayload {
  supplyRequestId: string;
  tenantId: string;
}

/**
 * Everything a supply step leaves behind, in the step's own transaction: the timeline entry,
 * the audit event, the domain event (inbox, live push) and any deadline jobs.
 */
@Injectable()
export class SupplyRecorder {
  constructor(
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  async record(
    em: EntityManager,
    s: SupplyRequestEntity,
    actor: AuthUser | null,
    at: Date,
    step: SupplyStep,
    timers: { name: SupplyTimerJob; runAt: Date }[] = [],
  ): Promise<void> {
    const details = step.details ?? {};
    await em.insert(SupplyRequestStepEntity, {
      tenantId: s.tenantId,
      supplyRequestId: s.id,
      at,
      actorUserId: actor?.id ?? null,
      action: step.action,
      fromState: step.from,
      toState: s.state,
      note: step.note ?? null,
      details,
    } as QueryDeepPartialEntity<SupplyRequestStepEntity>);
    await this.audit.record(em, {
      action: `supply.${step.action}`,
      entityType: 'SupplyRequest',
      entityId: s.id,
      tenantId: s.tenantId,
      actor,
      details: { number: s.number, from: step.from, to: s.state, ...details },
    });
    const entries: OutboxEntry[] = timers.map((t) => ({
      tenantId: s.tenantId,
      queue: QUEUES.DRUG_TASKS,
      jobName: t.name,
      runAt: t.runAt,
      payload: {
        supplyRequestId: s.id,
        tenantId: s.tenantId,
      } satisfies SupplyTimerPayload as unknown as Record<string, unknown>,
    }));
    if (step.event) {
      const [item]: { generic_name: string; spec: string | null }[] = await em.query(
        `SELECT generic_name, spec FROM formulary_item WHERE id = $1`,
        [s.formularyItemId],
      );
      const drug = item ? `${item.generic_name}${item.spec ? ` ${item.spec}` : ''}` : '';
      entries.push(eventEntry(supplyEvent(step.event, s, { drug }, actor?.id ?? null, at)));
    }
    await this.outbox.enqueue(em, ...entries);
  }
}
