import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Audience, AuthUser, JOBS, QUEUES, Role } from '@yg/core';
import { AuditEntry, AuditService } from '@yg/audit';
import { InstitutionKind } from '@yg/network';
import { eventEntry, OutboxEntry, OutboxService } from '@yg/outbox';
import { ReferralEntity } from './entities/referral.entity';
import { ReferralStepEntity } from './entities/referral-step.entity';
import { ReferralEventType, referralEvent, ReferralSide } from './domain/referral-events';
import { ReferralState } from './domain/referral.enums';

export interface StepRecord {
  action: string;
  from: ReferralState | null;
  /** The state the step left; defaults to the referral's current state. */
  to?: ReferralState;
  note?: string | null;
  details?: Record<string, unknown>;
  event?: ReferralEventType;
  level?: number;
  /** Who acted, for an event told to the other side (attachments added). */
  by?: ReferralSide;
  /** How many attachments the step added, for the notification's title. */
  count?: number;
}

/** One referral_step row as written (the referral's id and tenant are the caller's). */
export interface StepRow {
  at: Date;
  actor_user_id: string | null;
  action: string;
  from_state: ReferralState | null;
  to_state: ReferralState;
  note: string | null;
  details: Record<string, unknown>;
}

export type TimerJob =
  | { name: typeof JOBS.REFERRAL_RESPONSE_DUE; runAt: Date; level: number }
  | { name: typeof JOBS.REFERRAL_APPOINTMENT_REMINDER; runAt: Date; appointmentAt: Date }
  | { name: typeof JOBS.REFERRAL_NO_SHOW_CHECK; runAt: Date; appointmentAt: Date };

export interface TimerPayload {
  referralId: string;
  tenantId: string;
  level?: number;
  appointmentAt?: string;
}

/**
 * Everything a referral step leaves behind, written in the step's own transaction: the
 * timeline entry, the audit event, the domain event (notifications, live push) and any timers.
 */
@Injectable()
export class ReferralRecorder {
  constructor(
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  /** Records one or several steps (e.g. create and submit at once) with as few statements as possible. */
  async record(
    em: EntityManager,
    r: ReferralEntity,
    actor: AuthUser | null,
    at: Date,
    stepOrSteps: StepRecord | StepRecord[],
    timers: TimerJob[] = [],
  ): Promise<void> {
    const steps = Array.isArray(stepOrSteps) ? stepOrSteps : [stepOrSteps];
    const referralCentre = steps.some((s) => s.event === 'referral.escalated')
      ? await this.referralCentre(em, r.tenantId)
      : [];
    const trail = this.trail(r, actor, at, steps, timers, referralCentre);
    await em.getRepository(ReferralStepEntity).insert(
      trail.steps.map((step) => ({
        referralId: r.id,
        tenantId: r.tenantId,
        at: step.at,
        actorUserId: step.actor_user_id,
        action: step.action,
        fromState: step.from_state,
        toState: step.to_state,
        note: step.note,
        details: step.details as object,
      })),
    );
    await this.audit.recordMany(em, trail.audit);
    await this.outbox.enqueue(em, ...trail.outbox);
  }

  /**
   * What the steps leave behind, built without writing: the timeline rows, the audit entries,
   * the events and the timers. `record` writes them; a statement that writes a step's change
   * and its trail at once (a referral's creation) takes them as they are.
   */
  trail(
    r: ReferralEntity,
    actor: AuthUser | null,
    at: Date,
    steps: StepRecord[],
    timers: TimerJob[] = [],
    referralCentre: Audience[] = [],
  ): { steps: StepRow[]; audit: AuditEntry[]; outbox: OutboxEntry[] } {
    const entries: OutboxEntry[] = [];
    for (const step of steps) {
      if (!step.event) continue;
      entries.push(
        eventEntry(
          referralEvent(step.event, r, actor?.id ?? null, at, {
            referralCentre,
            level: step.level,
            by: step.by,
            count: step.count,
          }),
        ),
      );
    }
    for (const t of timers) {
      entries.push({
        tenantId: r.tenantId,
        queue: QUEUES.TIMERS,
        jobName: t.name,
        runAt: t.runAt,
        payload: {
          referralId: r.id,
          tenantId: r.tenantId,
          ...('level' in t ? { level: t.level } : {}),
          ...('appointmentAt' in t ? { appointmentAt: t.appointmentAt.toISOString() } : {}),
        } satisfies TimerPayload as Record<string, unknown>,
      });
    }
    return {
      steps: steps.map((step) => ({
        at,
        actor_user_id: actor?.id ?? null,
        action: step.action,
        from_state: step.from,
        to_state: step.to ?? r.state,
        note: step.note ?? null,
        details: step.details ?? {},
      })),
      audit: steps.map((step) => ({
        action: `referral.${step.action}`,
        entityType: 'Referral',
        entityId: r.id,
        tenantId: r.tenantId,
        actor,
        details: { from: step.from, to: step.to ?? r.state, ...(step.details ?? {}) },
      })),
      outbox: entries,
    };
  }

  /** 医共体转诊中心: the consortium admins and the lead hospital's referral coordinators. */
  private async referralCentre(em: EntityManager, tenantId: string): Promise<Audience[]> {
    const leads: { id: string }[] = await em.query(
      `SELECT id FROM network_institution WHERE tenant_id = $1 AND kind = $2 AND active`,
      [tenantId, InstitutionKind.GENERAL_HOSPITAL],
    );
    return [
      { tenantRoles: [Role.CONSORTIUM_ADMIN] },
      ...leads.map((l) => ({ institutionId: l.id, roles: [Role.REFERRAL_COORDINATOR] })),
    ];
  }
}
