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
  NotFoundError,
} from '@yg/core';
import { ConsultationEntity } from './entities/consultation.entity';
import { ConsultationKind, ConsultationState, SessionModeValue } from './domain/consultation.enums';
import { consultationSettings, meetingUrl, reportHours } from './domain/settings';
import { Busy, freeSlots, guarded } from './domain/slots';
import { assertSessionRange, bookingTimers, CheckedBooking, checkBooking, firstBusy } from './domain/booking';
import { BookConsultationInput, RescheduleConsultationInput } from './dto/consultation.inputs';
import { ConsultationConsents } from './consultation-consents';
import { ConsultationAccess } from './consultation-access.service';
import { BookingRead, BookingExperts, SchedulingRepository } from './scheduling.repository';
import { ConsultationRecorder } from './consultation-recorder.service';

/** An expert is booked in the range: from the first read, or from inside the transaction (answered after it rolls back). */
class ExpertBusy extends Error {
  constructor(
    readonly expertId: string,
    /** That expert's bookings over the first search window, when the first read found them. */
    readonly firstWindow?: Busy[],
  ) {
    super(`expert ${expertId} is busy`);
  }
}

/** Free slots offered with a CONFLICT. */
const NEXT_SLOTS = 3;
/** Searched first for them; two weeks only if these days have too few. */
const FIRST_SEARCH_DAYS = 1;
const FULL_SEARCH_DAYS = 14;
const DAY_MS = 86_400_000;
/** How far before the range the first read looks for bookings (and so the longest buffer it can judge). */
const PRECHECK_MARGIN_MS = DAY_MS;

/**
 * Booking experts' time. One or several experts for one range, all or none, in one
 * transaction. Each expert's bookings are serialised by a transaction-scoped advisory lock
 * taken in a fixed order (so an MDT booking never deadlocks with another) and as late as
 * possible (so the lock is held for as little as the commit), and the exclusion constraint on
 * (expert, range) is the last word: double booking is impossible in the database.
 */
@Injectable()
export class BookingService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: ConsultationAccess,
    private readonly scheduling: SchedulingRepository,
    private readonly recorder: ConsultationRecorder,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly consents: ConsultationConsents,
  ) {}

  /**
   * Books in two steps. First one read without locks: the consultation, its experts, their
   * schedules, the consortium's settings and the experts' bookings around the range; every
   * check runs on it, and an expert already booked there answers CONFLICT at once — a
   * committed, clashing booking refuses the attempt whenever it is made, so no lock or
   * transaction is needed to say so. In a storm most attempts end there, in one statement.
   * Otherwise the transaction: the consultation moves to SCHEDULED only if it is still
   * REQUESTED (which also locks its row against a concurrent booking of it), its experts,
   * timeline, audit and outbox are written, and last the experts' locks, the check and the
   * insert (reserve_expert_time), right before the commit.
   */
  async book(user: AuthUser, input: BookConsultationInput): Promise<ConsultationEntity> {
    const range = { start: input.start, end: input.end };
    assertSessionRange(range.start, range.end);
    // One connection for the first read and the transaction: attempts are decided in the order
    // they get a connection, and each first read sees what those before it committed. Taking a
    // connection for each, a storm's attempts queued for the pool twice: all of them were read
    // before any had committed, the first read refused nothing and every attempt went on to
    // the transaction.
    const runner = this.dataSource.createQueryRunner();
    let checked: CheckedBooking | undefined;
    try {
      return await this.decide(runner.manager, user, input, range, (ch) => (checked = ch)).finally(() =>
        runner.release(),
      );
    } catch (err) {
      // After the release: the CONFLICT's slot search may read, and must not hold a connection meanwhile.
      if (err instanceof ExpertBusy && checked) throw await this.busyConflict(err, range, checked);
      throw err;
    }
  }

  private async decide(
    em: EntityManager,
    user: AuthUser,
    input: BookConsultationInput,
    range: Busy,
    keep: (checked: CheckedBooking) => void,
  ): Promise<ConsultationEntity> {
    const now = this.clock.now();
    const { c, read } = await this.read(em, user, input.id, input.expertIds ?? 'named', {
      start: new Date(range.start.getTime() - PRECHECK_MARGIN_MS),
      end: new Date(range.start.getTime() + (FIRST_SEARCH_DAYS + 1) * DAY_MS),
    });
    this.access.assertRequestingSide(user, c);
    if (c.state !== ConsultationState.REQUESTED)
      throw new InvalidTransitionError('Consultation', c.state, 'book');
    if (input.consent) this.consents.check(input.consent, now);
    const consentGiven = input.consent;
    if (!c.consent && !consentGiven) {
      throw new BadInputError(
        '预约前须登记患者知情同意 (the patient’s written consent is required before booking)',
        {
          field: 'consent',
          reason: 'CONSENT_REQUIRED',
        },
      );
    }
    const checked = checkBooking(c, read, this.settings(read), range, now);
    keep(checked);
    const { expertIds, settings } = checked;
    // Bookings read cover a day before the range: a longer buffer is left to the transaction.
    if (read.bookings && settings.bufferMinutes * 60_000 <= PRECHECK_MARGIN_MS) {
      const busy = firstBusy(read.bookings, expertIds, range, settings.bufferMinutes);
      if (busy) throw new ExpertBusy(busy, read.bookings.get(busy));
    }
    return em.transaction(async (em) => {
      const from = c.state;
      const consent = c.consent ?? (await this.consents.keep(em, user, consentGiven!, c));
      Object.assign(c, {
        state: ConsultationState.SCHEDULED,
        consent,
        scheduledStart: range.start,
        scheduledEnd: range.end,
        mode:
          input.mode ??
          (c.kind === ConsultationKind.ON_SITE_CLINIC ? SessionModeValue.ON_SITE : SessionModeValue.REMOTE),
        meetingUrl: meetingUrl(settings.meetingUrlTemplate, c.id, c.number),
        reportDueAt: new Date(range.end.getTime() + reportHours(c.kind, settings) * 3600_000),
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
      await this.scheduling.assign(em, c, expertIds);
      await this.recorder.record(
        em,
        c,
        user,
        now,
        {
          action: 'book',
          from,
          event: 'consultation.scheduled',
          details: { experts: expertIds, start: range.start, end: range.end },
        },
        bookingTimers(c, settings, now),
      );
      await this.reserve(em, c, expertIds, range, settings.bufferMinutes);
      return c;
    });
  }

  async reschedule(user: AuthUser, input: RescheduleConsultationInput): Promise<ConsultationEntity> {
    const range = { start: input.start, end: input.end };
    assertSessionRange(range.start, range.end);
    let checked: CheckedBooking | undefined;
    try {
      return await this.dataSource.transaction(async (em) => {
        const now = this.clock.now();
        const { c, read } = await this.read(em, user, input.id, 'assigned', undefined, true);
        this.access.assertRequestingSide(user, c);
        if (c.state !== ConsultationState.SCHEDULED) {
          throw new InvalidTransitionError('Consultation', c.state, 'reschedule');
        }
        checked = checkBooking(c, read, this.settings(read), range, now);
        const { expertIds, settings } = checked;
        const before = { start: c.scheduledStart, end: c.scheduledEnd };
        Object.assign(c, {
          scheduledStart: range.start,
          scheduledEnd: range.end,
          reportDueAt: new Date(range.end.getTime() + reportHours(c.kind, settings) * 3600_000),
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
            details: { before, after: range },
          },
          bookingTimers(c, settings, now),
        );
        // The new bookings must fit beside everyone else's, not beside the ones they replace.
        await this.scheduling.release(em, c.id);
        await this.reserve(em, c, expertIds, range, settings.bufferMinutes);
        return c;
      });
    } catch (err) {
      // ExpertBusy comes only from reserve(), after checkBooking has filled `checked`.
      if (err instanceof ExpertBusy && checked) throw await this.busyConflict(err, range, checked);
      throw err;
    }
  }

  /** Frees a consultation's experts (cancelled, declined, no-show). */
  release(em: EntityManager, consultationId: string): Promise<void> {
    return this.scheduling.release(em, consultationId);
  }

  /** The consultation with its booking read; a missing consortium is NOT_FOUND. */
  private async read(
    em: EntityManager,
    user: AuthUser,
    id: string,
    experts: BookingExperts,
    window?: Busy,
    lock = false,
  ): Promise<{ c: ConsultationEntity; read: BookingRead }> {
    const { c, read } = await this.scheduling.forBooking(em, user, id, { lock, experts, window });
    if (!read) throw new NotFoundError('Consortium', '医共体', user.tenantId);
    return { c, read };
  }

  private settings(read: BookingRead) {
    return consultationSettings(read.settings, this.config.consultations.meetingUrlTemplate);
  }

  /** Books the range for every expert, keeping the buffer free around it; an expert busy → ExpertBusy. */
  private async reserve(
    em: EntityManager,
    c: ConsultationEntity,
    expertIds: string[],
    range: Busy,
    buffer: number,
  ) {
    const busy = await this.scheduling.reserve(em, c, expertIds, range, guarded(range, buffer));
    if (busy) throw new ExpertBusy(busy);
  }

  /**
   * CONFLICT naming the busy expert, with that expert's next free slots of the same length.
   * Runs after the rollback, so no lock is held while slots are computed, and reuses what the
   * attempt read, including the expert's bookings over the next day when the first read found
   * them. Two weeks are searched (and read) only if that day has too few.
   */
  private async busyConflict(busy: ExpertBusy, range: Busy, read: CheckedBooking): Promise<ConflictError> {
    const { expertId } = busy;
    const expert = read.experts.find((e) => e.id === expertId)!;
    const schedule = read.schedules.get(expertId)!;
    const { start, end } = range;
    const duration = Math.round((end.getTime() - start.getTime()) / 60_000);
    let slots: { start: Date; end: Date }[] = [];
    for (const days of [FIRST_SEARCH_DAYS, FULL_SEARCH_DAYS]) {
      const to = new Date(start.getTime() + days * DAY_MS);
      // Bookings just outside the window still block its edges through their buffers.
      const around = guarded({ start, end: to }, read.settings.bufferMinutes);
      const bookings =
        days === FIRST_SEARCH_DAYS && busy.firstWindow
          ? busy.firstWindow
          : ((await this.scheduling.busy(this.dataSource.manager, [expertId], around.start, around.end)).get(
              expertId,
            ) ?? []);
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
}
