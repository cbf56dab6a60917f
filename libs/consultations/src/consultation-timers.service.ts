import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock, Role } from '@yg/core';
import { NetworkService } from '@yg/network';
import { ConsultationEntity } from './entities/consultation.entity';
import { ConsultationState, READ_KINDS } from './domain/consultation.enums';
import { consultationSettings, ConsultationSettings } from './domain/settings';
import { ConsultationRecorder } from './consultation-recorder.service';
import { BookingService } from './booking.service';

export type ConsultationTimerOutcome = { done: true; changed: boolean } | { done: false; retryAt: Date };
const UNCHANGED: ConsultationTimerOutcome = { done: true, changed: false };

/**
 * Reminders, no-shows and overdue reports. Every check re-reads the consultation under a row
 * lock and knows which schedule it was set for, so early runs wait, late runs act, repeated
 * runs and runs for a superseded schedule do nothing.
 */
@Injectable()
export class ConsultationTimers {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly recorder: ConsultationRecorder,
    private readonly booking: BookingService,
    private readonly network: NetworkService,
    private readonly clock: Clock,
  ) {}

  reminder(id: string, scheduledStart: Date, minutesBefore: number): Promise<ConsultationTimerOutcome> {
    return this.locked(id, async (em, c) => {
      const key = `${scheduledStart.toISOString()}/${minutesBefore}`;
      if (
        c.state !== ConsultationState.SCHEDULED ||
        c.scheduledStart?.getTime() !== scheduledStart.getTime() ||
        c.remindersSent.includes(key)
      ) {
        return UNCHANGED;
      }
      const due = new Date(scheduledStart.getTime() - minutesBefore * 60_000);
      const now = this.clock.now();
      if (now < due) return { done: false, retryAt: due };
      if (now >= scheduledStart) return UNCHANGED;
      await em.query(
        `UPDATE consultation SET reminders_sent = array_append(reminders_sent, $2) WHERE id = $1`,
        [id, key],
      );
      await this.recorder.record(em, c, null, now, {
        action: 'remind',
        from: c.state,
        event: 'consultation.reminder',
        details: { minutesBefore },
        titleSuffix:
          minutesBefore >= 60
            ? `(${minutesBefore / 60} 小时后 / in ${minutesBefore / 60} h)`
            : `(${minutesBefore} 分钟后 / in ${minutesBefore} min)`,
      });
      return { done: true, changed: true };
    });
  }

  /** SCHEDULED but not started some minutes after the start → NO_SHOW, experts freed. */
  noShow(id: string, scheduledStart: Date): Promise<ConsultationTimerOutcome> {
    return this.locked(id, async (em, c, s) => {
      if (c.state !== ConsultationState.SCHEDULED || c.scheduledStart?.getTime() !== scheduledStart.getTime())
        return UNCHANGED;
      // A read has no live session to miss; its deadline is the report's.
      if (READ_KINDS.includes(c.kind)) return UNCHANGED;
      const after = new Date(scheduledStart.getTime() + s.noShowAfterMinutes * 60_000);
      const now = this.clock.now();
      if (now < after) return { done: false, retryAt: after };
      await em.update(ConsultationEntity, { id }, { state: ConsultationState.NO_SHOW });
      await this.booking.release(em, id);
      c.state = ConsultationState.NO_SHOW;
      await this.recorder.record(em, c, null, now, {
        action: 'noShow',
        from: ConsultationState.SCHEDULED,
        event: 'consultation.no-show',
      });
      return { done: true, changed: true };
    });
  }

  /** No signed report by the deadline: tell the experts, the requester and the consortium, once. */
  reportDue(id: string): Promise<ConsultationTimerOutcome> {
    return this.locked(id, async (em, c) => {
      const waiting = [ConsultationState.SCHEDULED, ConsultationState.IN_PROGRESS].includes(c.state);
      if (!waiting || !c.reportDueAt || c.reportEscalatedAt) return UNCHANGED;
      const now = this.clock.now();
      if (now < c.reportDueAt) return { done: false, retryAt: c.reportDueAt };
      // A session that never started is the no-show check's business.
      if (c.state === ConsultationState.SCHEDULED && !READ_KINDS.includes(c.kind)) return UNCHANGED;
      await em.update(ConsultationEntity, { id }, { reportEscalatedAt: now });
      c.reportEscalatedAt = now;
      const experts: { practitioner_id: string }[] = await em.query(
        `SELECT practitioner_id FROM consultation_expert WHERE consultation_id = $1 AND assigned`,
        [id],
      );
      await this.recorder.record(em, c, null, now, {
        action: 'report-overdue',
        from: c.state,
        event: 'consultation.report-overdue',
        audience: [
          { practitionerIds: experts.map((e) => e.practitioner_id) },
          { userIds: [c.requestingUserId] },
          { tenantRoles: [Role.CONSORTIUM_ADMIN] },
        ],
      });
      return { done: true, changed: true };
    });
  }

  /** Safety net for timer jobs lost with Redis: acts on whatever is past due. */
  async sweep(limit = 500): Promise<number> {
    const now = this.clock.now();
    let changed = 0;
    const tenants = await this.network.consortia();
    for (const t of tenants) {
      const s = consultationSettings(t.settings);
      const late: { id: string; scheduled_start: Date }[] = await this.dataSource.query(
        `SELECT id, scheduled_start FROM consultation
          WHERE tenant_id = $1 AND state = 'SCHEDULED' AND kind NOT IN ('IMAGING_READ','ECG_READ','PATHOLOGY_READ')
            AND scheduled_start + make_interval(mins => $3) <= $2 LIMIT ${limit}`,
        [t.id, now, s.noShowAfterMinutes],
      );
      for (const r of late) changed += count(await this.noShow(r.id, new Date(r.scheduled_start)));
      const overdue: { id: string }[] = await this.dataSource.query(
        `SELECT id FROM consultation
          WHERE tenant_id = $1 AND state IN ('SCHEDULED','IN_PROGRESS') AND report_escalated_at IS NULL AND report_due_at <= $2
          LIMIT ${limit}`,
        [t.id, now],
      );
      for (const r of overdue) changed += count(await this.reportDue(r.id));
    }
    return changed;
  }

  private locked(
    id: string,
    fn: (
      em: EntityManager,
      c: ConsultationEntity,
      s: ConsultationSettings,
    ) => Promise<ConsultationTimerOutcome>,
  ): Promise<ConsultationTimerOutcome> {
    return this.dataSource.transaction(async (em) => {
      const c = await em
        .getRepository(ConsultationEntity)
        .createQueryBuilder('c')
        .where('c.id = :id', { id })
        .setLock('pessimistic_write')
        .getOne();
      if (!c) return UNCHANGED;
      const consortium = await this.network.consortium(c.tenantId, em);
      return fn(em, c, consultationSettings(consortium.settings));
    });
  }
}

function count(o: ConsultationTimerOutcome): number {
  return o.done && o.changed ? 1 : 0;
}
