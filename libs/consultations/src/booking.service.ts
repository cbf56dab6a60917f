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
import { Busy, freeSlots, withinAvailability } from './domain/slots';
import { BookConsultationInput, RescheduleConsultationInput } from './dto/consultation.inputs';
import { ConsultationAccess } from './consultation-access.service';
import {
  AvailabilityService,
  Schedule,
  scheduleJson,
  ScheduleRow,
  schedulesFrom,
} from './availability.service';
import { ConsultationRecorder, ConsultationTimer } from './consultation-recorder.service';

const MAX_SESSION_MINUTES = 8 * 60;

/** An expert is booked in the range: from the first read, or from inside the transaction (so that alternatives are looked up after it rolls back). */
class ExpertBusy extends Error {
  constructor(
    readonly expertId: string,
    /** That expert's bookings over the first search window, when the first read found them. */
    readonly firstWindow?: Busy[],
  ) {
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
/** Searched first for them; two weeks only if these days have too few. */
const FIRST_SEARCH_DAYS = 1;
const FULL_SEARCH_DAYS = 14;

interface Expert {
  id: string;
  name: string;
}

/** What bookingReadsSql gives: JSON, so one statement can carry several tables. */
interface RawBookingReads extends ScheduleRow {
  timeZone: string;
  settings: Record<string, unknown>;
  expertIds: string[];
  experts: Expert[];
  /** Active bookings of those experts around the range, when asked for. */
  bookings: { expert: string; start: string; end: string }[] | null;
}

/** How far before the range the first read looks for bookings (and so the longest buffer it can judge). */
const PRECHECK_MARGIN_MS = 86_400_000;

/**
 * The first of `expertIds` (in uuid order, as reserve_expert_time reports it) with a booking
 * within the buffer of [start, end), with that expert's bookings from the read; null if none or
 * if the buffer is longer than the read can judge.
 */
function busyIn(
  bookings: { expert: string; start: string; end: string }[],
  expertIds: string[],
  start: Date,
  end: Date,
  bufferMinutes: number,
): ExpertBusy | null {
  const buffer = bufferMinutes * 60_000;
  if (buffer > PRECHECK_MARGIN_MS) return null;
  const from = start.getTime() - buffer;
  const to = end.getTime() + buffer;
  const ranges = bookings.map((b) => ({ expert: b.expert, start: new Date(b.start), end: new Date(b.end) }));
  const busy = [...expertIds]
    .sort()
    .find((id) => ranges.some((r) => r.expert === id && r.start.getTime() < to && from < r.end.getTime()));
  if (!busy) return null;
  return new ExpertBusy(
    busy,
    ranges.filter((r) => r.expert === busy).map(({ start: s, end: e }) => ({ start: s, end: e })),
  );
}

/**
 * The booking's reads as one JSON expression beside the consultation row (locked when
 * rescheduling): the experts (those given, or the consultation's named or assigned ones, in
 * uuid order), their weekly rules and exceptions, the consortium's time zone and settings and,
 * when `around` is given, the experts' bookings near it. One statement instead of six: the
 * api's CPU per statement, not Postgres, set the pace of a booking storm.
 */
function bookingReadsSql(who: string[] | 'named' | 'assigned', around?: { start: Date; end: Date }) {
  const schedule = scheduleJson('ids.ids');
  // The experts' bookings from a day before the range to two days after: enough for the
  // buffer-aware check (buffers up to a day; longer ones leave it to the transaction) and for
  // the next day's free slots a CONFLICT offers.
  const bookings = around
    ? `(SELECT coalesce(json_agg(json_build_object('expert', b.practitioner_id, 'start', lower(b.during), 'end', upper(b.during))), '[]')
          FROM consultation_booking b
         WHERE b.active AND b.practitioner_id = ANY(ids.ids)
           AND b.during && tstzrange(CAST(:bookFrom AS timestamptz), CAST(:bookTo AS timestamptz)))`
    : 'NULL';
  return {
    sql: `(SELECT json_build_object(
              'timeZone', cs.time_zone, 'settings', cs.settings, 'expertIds', to_json(ids.ids),
              'experts', (SELECT coalesce(json_agg(json_build_object('id', p.id, 'name', p.name)), '[]')
                            FROM practitioner p WHERE p.tenant_id = c.tenant_id AND p.id = ANY(ids.ids)),
              'rules', ${schedule.rules},
              'exceptions', ${schedule.exceptions},
              'bookings', ${bookings})
             FROM consortium cs,
                  (SELECT coalesce(CAST(:bookExperts AS uuid[]), ARRAY(
                     SELECT ce.practitioner_id FROM consultation_expert ce
                      WHERE ce.consultation_id = c.id
                        AND CASE :bookWho WHEN 'assigned' THEN ce.assigned ELSE ce.named END
                      ORDER BY ce.practitioner_id))) AS ids(ids)
            WHERE cs.id = c.tenant_id)`,
    params: {
      bookExperts: Array.isArray(who) ? who : null,
      bookWho: Array.isArray(who) ? 'given' : who,
      ...(around && {
        bookFrom: new Date(around.start.getTime() - PRECHECK_MARGIN_MS),
        bookTo: new Date(around.start.getTime() + (FIRST_SEARCH_DAYS + 1) * 86_400_000),
      }),
    },
  };
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

  /**
   * Books in two steps. First one read without locks: the consultation, its experts, their
   * schedules, the consortium's settings and the experts' bookings around the range; every
   * check runs on it, and an expert already booked there answers CONFLICT at once — a
   * committed, overlapping booking refuses the attempt whenever it is made, so no lock or
   * transaction is needed to say so. In a storm most attempts end there, in one statement.
   * Otherwise the transaction: the consultation moves to SCHEDULED only if it is still
   * REQUESTED (which also locks its row against a concurrent booking of it), then the
   * experts' locks, the check and the insert (reserve_expert_time), the rest of the step.
   */
  async book(user: AuthUser, input: BookConsultationInput): Promise<ConsultationEntity> {
    this.assertRange(input.start, input.end);
    const now = this.clock.now();
    const { c, extra } = await this.access.visibleWith<RawBookingReads | null>(
      this.dataSource.manager,
      user,
      input.id,
      false,
      bookingReadsSql(input.expertIds ?? 'named', { start: input.start, end: input.end }),
    );
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
    const read = this.prepareBooking(user, c, extra, input.start, input.end, now);
    const { expertIds, settings } = read;
    const taken =
      extra?.bookings && busyIn(extra.bookings, expertIds, input.start, input.end, settings.bufferMinutes);
    if (taken) throw await this.busyConflict(taken, input.start, input.end, read);
    try {
      return await this.dataSource.transaction(async (em) => {
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
        const moved = await em.update(ConsultationEntity, { id: c.id, state: from }, {
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
        if (!moved.affected) {
          // Booked, cancelled or declined since the first read.
          const current = await this.access.visible(em, user, c.id);
          throw new InvalidTransitionError('Consultation', current.state, 'book');
        }
        await this.reserve(em, c, expertIds, input.start, input.end, settings.bufferMinutes);
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
      if (err instanceof ExpertBusy) throw await this.busyConflict(err, input.start, input.end, read);
      throw err;
    }
  }

  async reschedule(user: AuthUser, input: RescheduleConsultationInput): Promise<ConsultationEntity> {
    this.assertRange(input.start, input.end);
    let read: BookingReads | undefined;
    try {
      return await this.dataSource.transaction(async (em) => {
        const now = this.clock.now();
        const { c, extra } = await this.access.visibleWith<RawBookingReads | null>(
          em,
          user,
          input.id,
          true,
          bookingReadsSql('assigned'),
        );
        this.access.assertRequestingSide(user, c);
        if (c.state !== ConsultationState.SCHEDULED) {
          throw new InvalidTransitionError('Consultation', c.state, 'reschedule');
        }
        read = this.prepareBooking(user, c, extra, input.start, input.end, now);
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
      if (err instanceof ExpertBusy && read) throw await this.busyConflict(err, input.start, input.end, read);
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
   * Checks what the booking read alongside the consultation (see bookingReadsSql): the
   * experts, the notice and their availability. What it read is kept for the CONFLICT answer
   * should an expert turn out to be busy.
   */
  private prepareBooking(
    user: AuthUser,
    c: ConsultationEntity,
    row: RawBookingReads | null,
    start: Date,
    end: Date,
    now: Date,
  ): BookingReads {
    if (!row) throw new NotFoundError('Consortium', '医共体', user.tenantId);
    const expertIds = [...new Set(row.expertIds)];
    if (!expertIds.length) {
      throw new BadInputError('请选择专家 (choose at least one expert)', { field: 'expertIds' });
    }
    if (c.kind === ConsultationKind.MDT && expertIds.length < 2) {
      throw new BadInputError('多学科会诊至少需要两位专家 (an MDT needs at least two experts)', {
        field: 'expertIds',
      });
    }
    const found = new Map(row.experts.map((e) => [e.id, e]));
    const experts = expertIds.map((id) => {
      const e = found.get(id);
      if (!e) throw new NotFoundError('Practitioner', '医务人员', id);
      return e;
    });
    const settings = consultationSettings(row.settings, this.config.consultations.meetingUrlTemplate);
    const timeZone = row.timeZone;
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
   * attempt read, including the expert's bookings over the next day when the first read found
   * them. Two weeks are searched (and read) only if that day has too few.
   */
  private async busyConflict(
    busy: ExpertBusy,
    start: Date,
    end: Date,
    read: BookingReads,
  ): Promise<ConflictError> {
    const { expertId } = busy;
    const expert = read.experts.find((e) => e.id === expertId)!;
    const schedule = read.schedules.get(expertId)!;
    const duration = Math.round((end.getTime() - start.getTime()) / 60_000);
    const buffer = read.settings.bufferMinutes * 60_000;
    let slots: { start: Date; end: Date }[] = [];
    for (const days of [FIRST_SEARCH_DAYS, FULL_SEARCH_DAYS]) {
      const to = new Date(start.getTime() + days * 86_400_000);
      // Bookings just outside the window still block its edges through their buffers.
      const bookings =
        days === FIRST_SEARCH_DAYS && busy.firstWindow
          ? busy.firstWindow
          : ((
              await this.availability.busy(
                this.dataSource.manager,
                [expertId],
                new Date(start.getTime() - buffer),
                new Date(to.getTime() + buffer),
              )
            ).get(expertId) ?? []);
      slots = freeSlots(schedule.rules, schedule.exceptions, bookings, {
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
