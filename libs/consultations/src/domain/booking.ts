import { BadInputError, JOBS, NotFoundError } from '@yg/core';
import type { ConsultationEntity } from '../entities/consultation.entity';
import type { ConsultationTimer } from '../consultation-recorder.service';
import type { BookingRead, Expert, Schedule } from '../scheduling.repository';
import { ConsultationKind, READ_KINDS } from './consultation.enums';
import { ConsultationSettings } from './settings';
import { Busy, clashes, withinAvailability } from './slots';

const MAX_SESSION_MINUTES = 8 * 60;

/** What a booking checked, kept for the CONFLICT answer should an expert turn out to be busy. */
export interface CheckedBooking {
  expertIds: string[];
  experts: Expert[];
  schedules: Map<string, Schedule>;
  settings: ConsultationSettings;
  timeZone: string;
  /** The minimum notice this consultation books with (none for emergencies). */
  noticeMinutes: number;
}

/** A session lasts 5 minutes to 8 hours. */
export function assertSessionRange(start: Date, end: Date): void {
  const minutes = (end.getTime() - start.getTime()) / 60_000;
  if (!(minutes >= 5 && minutes <= MAX_SESSION_MINUTES)) {
    throw new BadInputError(`时段须为 5 分钟到 8 小时 (a session lasts 5 minutes to 8 hours)`, {
      field: 'end',
    });
  }
}

/** Emergencies may be booked at once; everything else with the consortium's minimum notice. */
export function noticeFor(c: ConsultationEntity, settings: ConsultationSettings): number {
  return c.urgency === 'EMERGENCY' ? 0 : settings.minNoticeMinutes;
}

/** The experts, the notice and their availability, checked on what the booking read. */
export function checkBooking(
  c: ConsultationEntity,
  read: BookingRead,
  settings: ConsultationSettings,
  range: Busy,
  now: Date,
): CheckedBooking {
  const { expertIds, timeZone } = read;
  if (!expertIds.length) {
    throw new BadInputError('请选择专家 (choose at least one expert)', { field: 'expertIds' });
  }
  if (c.kind === ConsultationKind.MDT && expertIds.length < 2) {
    throw new BadInputError('多学科会诊至少需要两位专家 (an MDT needs at least two experts)', {
      field: 'expertIds',
    });
  }
  const found = new Map(read.experts.map((e) => [e.id, e]));
  const experts = expertIds.map((id) => {
    const e = found.get(id);
    if (!e) throw new NotFoundError('Practitioner', '医务人员', id);
    return e;
  });
  const noticeMinutes = noticeFor(c, settings);
  if (range.start.getTime() < now.getTime() + noticeMinutes * 60_000) {
    throw new BadInputError(
      `须至少提前 ${noticeMinutes} 分钟预约 (book at least ${noticeMinutes} minutes ahead)`,
      { field: 'start', reason: 'TOO_SOON' },
    );
  }
  for (const e of experts) {
    const s = read.schedules.get(e.id)!;
    if (!withinAvailability(s.rules, s.exceptions, range.start, range.end, timeZone)) {
      throw new BadInputError(`${e.name} 在该时段不出诊 (expert ${e.name} does not offer that time)`, {
        field: 'start',
        reason: 'OUTSIDE_AVAILABILITY',
        expertId: e.id,
      });
    }
  }
  return { expertIds, experts, schedules: read.schedules, settings, timeZone, noticeMinutes };
}

/** The first of `expertIds` in uuid order (as reserve_expert_time reports it) with a booking that clashes with `range`. */
export function firstBusy(
  bookings: Map<string, Busy[]>,
  expertIds: string[],
  range: Busy,
  bufferMinutes: number,
): string | undefined {
  return [...expertIds]
    .sort()
    .find((id) => (bookings.get(id) ?? []).some((b) => clashes(b, range, bufferMinutes)));
}

/** Reminders before the start, the no-show check after it, and the report deadline. */
export function bookingTimers(
  c: ConsultationEntity,
  s: ConsultationSettings,
  now: Date,
): ConsultationTimer[] {
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
