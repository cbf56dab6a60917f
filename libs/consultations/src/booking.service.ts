import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  APP_CONFIG,
  AppConfig,
  AuthUser,
  BadInputError,
  Clock,
  ConflictError,
  InvalidTransitionError,
  isUniqueViolation,
  JOBS,
  NotFoundError,
  pgCode,
  PG,
} from '@yg/core';
import { ConsultationEntity, ConsultationExpertEntity } from './entities/consultation.entity';
import {
  ConsultationKind,
  ConsultationState,
  READ_KINDS,
  SessionModeValue,
} from './domain/consultation.enums';
import { consultationSettings, ConsultationSettings, meetingUrl, reportHours } from './domain/settings';
import { freeSlots, withinAvailability } from './domain/slots';
import { BookConsultationInput, RescheduleConsultationInput } from './dto/consultation.inputs';
import { ConsultationAccess } from './consultation-access.service';
import { AvailabilityService, Schedule, scheduleColumns, schedulesFrom } from './availability.service';
import { ConsultationRecorder, ConsultationTimer } from './consultation-recorder.service';

const MAX_SESSION_MINUTES = 8 * 60;

/** Thrown inside the booking transaction so that alternatives are looked up after it rolls back. */
class ExpertBusy extends Error {
  constructor(readonly expertId: string) {
    super(`expert ${expertId} is busy`);
  }
}

/**
 * Booking experts' time. One or several experts for one range, all or none, in one
 * transaction. Each expert's bookings are serialised by a transaction-scoped advisory lock
 * taken in a fixed order (so an MDT booking never deadlocks with another), and the exclusion
 * constraint on (expert, range) is the last word: double booking is impossible in the database.
 */
/** Emergencies may be booked at once; everything else with the consortium's minimum notice. */
function noticeFor(c: ConsultationEntity, settings: ConsultationSettings): number {
  return c.urgency === 'EMERGENCY' ? 0 : settings.minNoticeMinutes;
}

/** Free slots offered with a CONFLICT. */
const NEXT_SLOTS = 3;

interface Expert {
  id: string;
  name: string;
}

/** What a booking attempt read before it found an expert busy, reused for the CONFLICT answer. */
interface BookingReads {
  expertIds: string[];
  experts: Expert[];
  schedules: Map<string, Schedule>;
  settings: ConsultationSettings;
  timeZone: string;
  /** The minimum notice this consultation books with (none for emergencies). */
  noticeMinutes: number;
}

@Injectable()
export class BookingService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: ConsultationAccess,
    private readonly availability: AvailabilityService,
    private readonly recorder: ConsultationRecorder,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async book(user: AuthUser, input: BookConsultationInput): Promise<ConsultationEntity> {
    this.assertRange(input.start, input.end);
    let read: BookingReads | undefined;
    try {
      return await this.dataSource.transaction(async (em) => {
        const now = this.clock.now();
        const c = await this.access.visible(em, user, input.id, true);
        this.access.assertRequestingSide(user, c);
        if (c.state !== ConsultationState.REQUESTED)
          throw new InvalidTransitionError('Consultation', c.state, 'book');
        if (input.consent && input.consent.signedAt > now) {
          throw new BadInputError('知情同意签署时间不能晚于现在 (consent cannot be signed in the future)', {
            field: 'consent.signedAt',
          });
        }
        const consent =
          c.consent ??
          (input.consent ? { ...input.consent, signedAt: input.consent.signedAt.toISOString() } : null);
        if (!consent) {
          throw new BadInputError(
            '预约前须登记患者知情同意 (the patient’s written consent is required before booking)',
            {
              field: 'consent',
              reason: 'CONSENT_REQUIRED',
            },
          );
        }
        read = await this.prepareBooking(
          em,
          user,
          c,
          input.expertIds ?? 'named',
          input.start,
          input.end,
          now,
        );
        const { expertIds } = read;
        const { settings } = read;
        await this.reserve(em, c, expertIds, input.start, input.end, settings.bufferMinutes);
        const from = c.state;
        Object.assign(c, {
          state: ConsultationState.SCHEDULED,
          consent,
          scheduledStart: input.start,
          scheduledEnd: input.end,
          mode:
            input.mode ??
            (c.kind === ConsultationKind.ON_SITE_CLINIC ? SessionModeValue.ON_SITE : SessionModeValue.REMOTE),
          meetingUrl: meetingUrl(settings.meetingUrlTemplate, c.id, c.number),
          reportDueAt: new Date(input.end.getTime() + reportHours(c.kind, settings) * 3600_000),
          remindersSent: [],
        });
        await em.update(ConsultationEntity, { id: c.id }, {
          state: c.state,
          consent: c.consent as object,
          scheduledStart: c.scheduledStart,
          scheduledEnd: c.scheduledEnd,
          mode: c.mode,
          meetingUrl: c.meetingUrl,
          reportDueAt: c.reportDueAt,
          remindersSent: [],
          // jsonb columns confuse TypeORM's deep-partial typing; the values are complete.
        } as never);
        await em
          .createQueryBuilder()
          .insert()
          .into(ConsultationExpertEntity)
          .values(
            expertIds.map((id) => ({
              consultationId: c.id,
              practitionerId: id,
              tenantId: c.tenantId,
              named: false,
              assigned: true,
            })),
          )
          .orUpdate(['assigned'], ['consultation_id', 'practitioner_id'])
          .execute();
        await this.recorder.record(
          em,
          c,
          user,
          now,
          {
            action: 'book',
            from,
            event: 'consultation.scheduled',
            details: { experts: expertIds, start: input.start, end: input.end },
          },
          this.timers(c, settings, now),
        );
        return c;
      });
    } catch (err) {
      // ExpertBusy comes only from reserve(), after prepareBooking has filled `read`.
      if (err instanceof ExpertBusy && read)
        throw await this.busyConflict(err.expertId, input.start, input.end, read);
      throw err;
    }
  }

  async reschedule(user: AuthUser, input: RescheduleConsultationInput): Promise<ConsultationEntity> {
    this.assertRange(input.start, input.end);
    let read: BookingReads | undefined;
    try {
      return await this.dataSource.transaction(async (em) => {
        const now = this.clock.now();
        const c = await this.access.visible(em, user, input.id, true);
        this.access.assertRequestingSide(user, c);
        if (c.state !== ConsultationState.SCHEDULED) {
          throw new InvalidTransitionError('Consultation', c.state, 'reschedule');
        }
        read = await this.prepareBooking(em, user, c, 'assigned', input.start, input.end, now);
        const { expertIds } = read;
        const { settings } = read;
        // The old bookings stay on record, inactive; the new ones must fit beside everyone else's.
        await this.release(em, c.id);
        await this.reserve(em, c, expertIds, input.start, input.end, settings.bufferMinutes);
        const before = { start: c.scheduledStart, end: c.scheduledEnd };
        Object.assign(c, {
          scheduledStart: input.start,
          scheduledEnd: input.end,
          reportDueAt: new Date(input.end.getTime() + reportHours(c.kind, settings) * 3600_000),
          remindersSent: [],
        });
        await em.update(
          ConsultationEntity,
          { id: c.id },
          {
            scheduledStart: c.scheduledStart,
            scheduledEnd: c.scheduledEnd,
            reportDueAt: c.reportDueAt,
            remindersSent: [],
          },
        );
        await this.recorder.record(
          em,
          c,
          user,
          now,
          {
            action: 'reschedule',
            from: c.state,
            note: input.reason,
            event: 'consultation.rescheduled',
            details: { before, after: { start: input.start, end: input.end } },
          },
          this.timers(c, settings, now),
        );
        return c;
      });
    } catch (err) {
      // ExpertBusy comes only from reserve(), after prepareBooking has filled `read`.
      if (err instanceof ExpertBusy && read)
        throw await this.busyConflict(err.expertId, input.start, input.end, read);
      throw err;
    }
  }

  /** Frees a consultation's experts (cancelled, declined, no-show). */
  async release(em: EntityManager, consultationId: string): Promise<void> {
    await em.query(
      `UPDATE consultation_booking SET active = false, released_at = now() WHERE consultation_id = $1 AND active`,
      [consultationId],
    );
  }

  /**
   * Takes every expert's lock in a fixed order, checks, then inserts — in one call of
   * reserve_expert_time (see its migration); an expert busy → ExpertBusy. The check keeps the
   * consortium's buffer around existing bookings, as the slot search does, so a time
   * availableSlots leaves out cannot be booked either (the exclusion constraint only forbids
   * true overlaps; back-to-back stays possible when the buffer is 0).
   */
  private async reserve(
    em: EntityManager,
    c: ConsultationEntity,
    expertIds: string[],
    start: Date,
    end: Date,
    bufferMinutes: number,
  ) {
    let busy: string | null;
    try {
      [{ busy }] = await em.query(`SELECT reserve_expert_time($1, $2, $3::uuid[], $4, $5, $6) AS busy`, [
        c.tenantId,
        c.id,
        expertIds,
        start,
        end,
        bufferMinutes,
      ]);
    } catch (err) {
      // Only reachable if a booking bypassed the locks; the constraint still refuses it.
      if (pgCode(err) === PG.EXCLUSION_VIOLATION || isUniqueViolation(err))
        throw new ExpertBusy([...expertIds].sort()[0]);
      throw err;
    }
    if (busy) throw new ExpertBusy(busy);
  }

  /**
   * Reads what booking needs — the experts (those given, or the consultation's named or
   * assigned ones), their schedules and the consortium's settings — in one statement, and
   * checks the range against the notice and their availability. What it read is kept for the
   * CONFLICT answer should an expert turn out to be busy.
   */
  private async prepareBooking(
    em: EntityManager,
    user: AuthUser,
    c: ConsultationEntity,
    who: string[] | 'named' | 'assigned',
    start: Date,
    end: Date,
    now: Date,
  ): Promise<BookingReads> {
    const [row] = await em.query(
      `WITH ids AS (
         SELECT coalesce($3::uuid[], ARRAY(
                  SELECT practitioner_id FROM consultation_expert
                   WHERE consultation_id = $2 AND CASE $4 WHEN 'assigned' THEN assigned ELSE named END
                   ORDER BY practitioner_id)) AS ids)
       SELECT cs.time_zone, cs.settings, ids.ids AS expert_ids,
              (SELECT coalesce(json_agg(json_build_object('id', p.id, 'name', p.name)), '[]')
                 FROM practitioner p WHERE p.tenant_id = $1 AND p.id = ANY(ids.ids)) AS experts,
              ${scheduleColumns('ids.ids')}
         FROM consortium cs, ids
        WHERE cs.id = $1`,
      [user.tenantId, c.id, Array.isArray(who) ? who : null, Array.isArray(who) ? null : who],
    );
    if (!row) throw new NotFoundError('Consortium', '医共体', user.tenantId);
    const expertIds = [...new Set<string>(row.expert_ids)];
    if (!expertIds.length) {
      throw new BadInputError('请选择专家 (choose at least one expert)', { field: 'expertIds' });
    }
    if (c.kind === ConsultationKind.MDT && expertIds.length < 2) {
      throw new BadInputError('多学科会诊至少需要两位专家 (an MDT needs at least two experts)', {
        field: 'expertIds',
      });
    }
    const found = new Map<string, Expert>((row.experts as Expert[]).map((e) => [e.id, e]));
    const experts = expertIds.map((id) => {
      const e = found.get(id);
      if (!e) throw new NotFoundError('Practitioner', '医务人员', id);
      return e;
    });
    const settings = consultationSettings(row.settings, this.config.consultations.meetingUrlTemplate);
    const timeZone: string = row.time_zone;
    const noticeMinutes = noticeFor(c, settings);
    if (start.getTime() < now.getTime() + noticeMinutes * 60_000) {
      throw new BadInputError(
        `须至少提前 ${noticeMinutes} 分钟预约 (book at least ${noticeMinutes} minutes ahead)`,
        { field: 'start', reason: 'TOO_SOON' },
      );
    }
    const schedules = schedulesFrom(expertIds, row);
    for (const e of experts) {
      const s = schedules.get(e.id)!;
      if (!withinAvailability(s.rules, s.exceptions, start, end, timeZone)) {
        throw new BadInputError(`${e.name} 在该时段不出诊 (expert ${e.name} does not offer that time)`, {
          field: 'start',
          reason: 'OUTSIDE_AVAILABILITY',
          expertId: e.id,
        });
      }
    }
    return { expertIds, experts, schedules, settings, timeZone, noticeMinutes };
  }

  private assertRange(start: Date, end: Date) {
    const minutes = (end.getTime() - start.getTime()) / 60_000;
    if (!(minutes >= 5 && minutes <= MAX_SESSION_MINUTES)) {
      throw new BadInputError(`时段须为 5 分钟到 8 小时 (a session lasts 5 minutes to 8 hours)`, {
        field: 'end',
      });
    }
  }

  /**
   * CONFLICT naming the busy expert, with that expert's next free slots of the same length.
   * Runs after the rollback, so no lock is held while slots are computed, and reuses what the
   * attempt read: only the bookings are read again. The next day is searched first, two weeks
   * only if it has too few.
   */
  private async busyConflict(
    expertId: string,
    start: Date,
    end: Date,
    read: BookingReads,
  ): Promise<ConflictError> {
    const expert = read.experts.find((e) => e.id === expertId)!;
    const schedule = read.schedules.get(expertId)!;
    const duration = Math.round((end.getTime() - start.getTime()) / 60_000);
    let slots: { start: Date; end: Date }[] = [];
    for (const days of [1, 14]) {
      const to = new Date(start.getTime() + days * 86_400_000);
      const busy = await this.availability.busy(this.dataSource.manager, [expertId], start, to);
      slots = freeSlots(schedule.rules, schedule.exceptions, busy.get(expertId) ?? [], {
        from: start,
        to,
        durationMinutes: duration,
        timeZone: read.timeZone,
        now: this.clock.now(),
        minNoticeMinutes: read.noticeMinutes,
        bufferMinutes: read.settings.bufferMinutes,
      });
      if (slots.length >= NEXT_SLOTS) break;
    }
    const nextSlots = slots
      .slice(0, NEXT_SLOTS)
      .map((s) => ({ start: s.start.toISOString(), end: s.end.toISOString() }));
    return new ConflictError(
      `${expert.name} 在该时段已有预约 (expert ${expert.name} is already booked at that time)`,
      {
        busyExpertId: expert.id,
        busyExpertName: expert.name,
        nextSlots,
      },
    );
  }

  /** Reminders before the start, the no-show check after it, and the report deadline. */
  private timers(c: ConsultationEntity, s: ConsultationSettings, now: Date): ConsultationTimer[] {
    const start = c.scheduledStart!;
    const payload = { consultationId: c.id, tenantId: c.tenantId, scheduledStart: start.toISOString() };
    const timers: ConsultationTimer[] = s.reminderMinutesBefore
      .map((m) => ({
        name: JOBS.CONSULTATION_REMINDER,
        runAt: new Date(start.getTime() - m * 60_000),
        payload: { ...payload, minutesBefore: m },
      }))
      .filter((t) => t.runAt > now);
    if (!READ_KINDS.includes(c.kind)) {
      timers.push({
        name: JOBS.CONSULTATION_NO_SHOW_CHECK,
        runAt: new Date(start.getTime() + s.noShowAfterMinutes * 60_000),
        payload,
      });
    }
    timers.push({ name: JOBS.CONSULTATION_REPORT_DUE, runAt: c.reportDueAt!, payload });
    return timers;
  }
}
