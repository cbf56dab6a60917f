import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuthUser, fromJsonObject, isUniqueViolation, jsonObjectOf, pgCode, PG } from '@yg/core';
import { PractitionerEntity } from '@yg/network';
import { ConsultationEntity, ConsultationExpertEntity } from './entities/consultation.entity';
import { AvailabilityException, Busy, exceptionOf, SessionMode, WeeklyRule } from './domain/slots';
import { ConsultationAccess, consultationNotFound } from './consultation-access.service';

export interface Schedule {
  rules: WeeklyRule[];
  exceptions: AvailabilityException[];
}

export interface Expert {
  id: string;
  name: string;
}

/** Who a booking is for: the experts given, or the consultation's named or assigned ones. */
export type BookingExperts = string[] | 'named' | 'assigned';

/** What a booking reads beside the consultation row, in one statement. */
export interface BookingRead {
  timeZone: string;
  settings: Record<string, unknown>;
  /** The experts, in uuid order (as reserve_expert_time reports the busy one). */
  expertIds: string[];
  /** Those of them found in the consortium. */
  experts: Expert[];
  schedules: Map<string, Schedule>;
  /** Their active bookings over `around` widened as bookingWindow says, when asked for. */
  bookings: Map<string, Busy[]> | null;
}

/** How far before and after the range the booking read fetches the experts' bookings. */
export interface BookingWindow {
  start: Date;
  end: Date;
}

interface ScheduleRow {
  rules: (WeeklyRule & { expert: string })[];
  exceptions: {
    expert: string;
    date: string;
    kind: 'DAY_OFF' | 'EXTRA_WINDOW';
    start: string | null;
    end: string | null;
    sessionMinutes: number | null;
    mode: SessionMode | null;
  }[];
}

interface RawBookingRead extends ScheduleRow {
  timeZone: string;
  settings: Record<string, unknown>;
  expertIds: string[];
  experts: Expert[];
  bookings: { expert: string; start: string; end: string }[] | null;
}

/**
 * JSON of the rules and exceptions of the experts in the uuid[] expression `ids`: JSON
 * aggregates let one statement carry both tables and whatever else it reads alongside (on this
 * kind of machine every statement costs the api about 0.1 ms of CPU before any row is mapped).
 */
function scheduleJson(ids: string): { rules: string; exceptions: string } {
  return {
    rules: `(SELECT coalesce(json_agg(json_build_object(
              'expert', practitioner_id, 'weekday', weekday, 'start', start_time, 'end', end_time,
              'sessionMinutes', session_minutes, 'mode', mode, 'validFrom', valid_from, 'validTo', valid_to)), '[]')
              FROM expert_availability_rule WHERE practitioner_id = ANY(${ids}))`,
    exceptions: `(SELECT coalesce(json_agg(json_build_object(
              'expert', practitioner_id, 'date', date, 'kind', kind, 'start', start_time, 'end', end_time,
              'sessionMinutes', session_minutes, 'mode', mode)), '[]')
              FROM expert_availability_exception WHERE practitioner_id = ANY(${ids}))`,
  };
}

function schedulesFrom(expertIds: string[], row: ScheduleRow): Map<string, Schedule> {
  const out = new Map<string, Schedule>(expertIds.map((id) => [id, { rules: [], exceptions: [] }]));
  for (const { expert, ...r } of row.rules) out.get(expert)?.rules.push(r);
  for (const e of row.exceptions) out.get(e.expert)?.exceptions.push(exceptionOf(e));
  return out;
}

function byExpert(rows: { expert: string; start: Date | string; end: Date | string }[]): Map<string, Busy[]> {
  const out = new Map<string, Busy[]>();
  for (const r of rows) {
    const list = out.get(r.expert) ?? [];
    list.push({ start: new Date(r.start), end: new Date(r.end) });
    out.set(r.expert, list);
  }
  return out;
}

/** A tstzrange literal, half-open as the bookings are. */
const range = (r: Busy) => `[${r.start.toISOString()},${r.end.toISOString()})`;

/**
 * The SQL of experts' time: their schedules, their bookings and the booking decision
 * (reserve_expert_time, see its migrations). Rules stay in the services and the domain; this
 * class only reads and writes the tables the consultations module owns.
 */
@Injectable()
export class SchedulingRepository {
  constructor(private readonly access: ConsultationAccess) {}

  /**
   * The consultation the user may see (locked when rescheduling), with what booking it needs in
   * the same statement: the experts (in uuid order), their names, weekly rules and exceptions,
   * the consortium's time zone and settings and, when `window` is given, the experts' active
   * bookings overlapping it. One statement instead of six: the api's CPU per statement, not
   * Postgres, set the pace of a booking storm. `read` is null when the consortium is missing.
   */
  async forBooking(
    em: EntityManager,
    user: AuthUser,
    id: string,
    opts: { lock: boolean; experts: BookingExperts; window?: BookingWindow },
  ): Promise<{ c: ConsultationEntity; read: BookingRead | null }> {
    this.access.assertId(id);
    // Plain SQL with positional parameters: a storm sends thousands of these, and a query
    // builder rebuilt the same text (and mapped the row into an entity) on every call.
    const params: unknown[] = [
      id,
      Array.isArray(opts.experts) ? opts.experts : null,
      Array.isArray(opts.experts) ? 'given' : opts.experts,
    ];
    const meta = em.connection.getMetadata(ConsultationEntity);
    const schedule = scheduleJson('ids.ids');
    const bookings = opts.window
      ? `(SELECT coalesce(json_agg(json_build_object('expert', b.practitioner_id, 'start', lower(b.during), 'end', upper(b.during))), '[]')
            FROM consultation_booking b
           WHERE b.active AND b.practitioner_id = ANY(ids.ids)
             AND b.during && $${params.push(range(opts.window))}::tstzrange)`
      : 'NULL';
    const [row]: { c: unknown; booking: RawBookingRead | null }[] = await em.query(
      `SELECT ${jsonObjectOf(meta, 'c')} AS c,
              (SELECT json_build_object(
                 'timeZone', cs.time_zone, 'settings', cs.settings, 'expertIds', to_json(ids.ids),
                 'experts', (SELECT coalesce(json_agg(json_build_object('id', p.id, 'name', p.name)), '[]')
                               FROM network_practitioner p WHERE p.tenant_id = c.tenant_id AND p.id = ANY(ids.ids)),
                 'rules', ${schedule.rules},
                 'exceptions', ${schedule.exceptions},
                 'bookings', ${bookings})
                 FROM network_consortium cs,
                      (SELECT coalesce($2::uuid[], ARRAY(
                         SELECT ce.practitioner_id FROM consultation_expert ce
                          WHERE ce.consultation_id = c.id
                            AND CASE $3::text WHEN 'assigned' THEN ce.assigned ELSE ce.named END
                          ORDER BY ce.practitioner_id))) AS ids(ids)
                WHERE cs.id = c.tenant_id) AS booking
         FROM consultation c
        WHERE c.id = $1 AND ${this.access.scopeSql(user, params)}
        ${opts.lock ? 'FOR UPDATE OF c' : ''}`,
      params,
    );
    if (!row) throw consultationNotFound(id);
    const c = Object.assign(
      Object.create(ConsultationEntity.prototype) as ConsultationEntity,
      fromJsonObject<ConsultationEntity>(meta, row.c),
    );
    const raw = row.booking;
    const expertIds = raw ? [...new Set(raw.expertIds)] : [];
    return {
      c,
      read: raw && {
        timeZone: raw.timeZone,
        settings: raw.settings,
        expertIds,
        experts: raw.experts,
        schedules: schedulesFrom(expertIds, raw),
        bookings: raw.bookings && byExpert(raw.bookings),
      },
    };
  }

  /** Rules and exceptions of these experts, read in one statement. */
  /**
   * Active practitioners of the tenant who offer consultation hours (a weekly rule), by id,
   * specialty or institution, ordered by name: from the network's published practitioners.
   */
  async bookableExperts(
    em: EntityManager,
    tenantId: string,
    by: { id?: string | null; specialty?: string | null; institutionId?: string | null },
    limit: number,
  ): Promise<PractitionerEntity[]> {
    const meta = em.connection.getMetadata(PractitionerEntity);
    const rows: { p: unknown }[] = await em.query(
      `SELECT ${jsonObjectOf(meta, 'p')} AS p FROM network_practitioner p
        WHERE p.tenant_id = $1 AND p.active
          AND ($2::uuid IS NULL OR p.id = $2) AND ($3::text IS NULL OR $3 = ANY(p.specialties))
          AND ($4::uuid IS NULL OR p.institution_id = $4)
          AND EXISTS (SELECT 1 FROM expert_availability_rule r WHERE r.practitioner_id = p.id)
        ORDER BY p.name, p.id LIMIT $5`,
      [tenantId, by.id ?? null, by.specialty ?? null, by.institutionId ?? null, limit],
    );
    return rows.map((r) => fromJsonObject<PractitionerEntity>(meta, r.p)!);
  }

  async schedules(em: EntityManager, expertIds: string[]): Promise<Map<string, Schedule>> {
    const { rules, exceptions } = scheduleJson('$1::uuid[]');
    const [row] = await em.query(`SELECT ${rules} AS rules, ${exceptions} AS exceptions`, [expertIds]);
    return schedulesFrom(expertIds, row);
  }

  /** Active bookings overlapping [from, to), by expert. */
  async busy(em: EntityManager, expertIds: string[], from: Date, to: Date): Promise<Map<string, Busy[]>> {
    return byExpert(
      await em.query(
        `SELECT practitioner_id AS expert, lower(during) AS start, upper(during) AS "end"
           FROM consultation_booking
          WHERE active AND practitioner_id = ANY($1::uuid[]) AND during && tstzrange($2, $3)`,
        [expertIds, from, to],
      ),
    );
  }

  /**
   * Books `during` for every expert unless one has an active booking overlapping `keepFree`:
   * locks, check and insert in one call of reserve_expert_time. Returns the first busy expert
   * (uuid order), or null when booked. Its advisory locks last until the transaction ends, so
   * callers take them as late as they can.
   */
  async reserve(
    em: EntityManager,
    c: ConsultationEntity,
    expertIds: string[],
    during: Busy,
    keepFree: Busy,
  ): Promise<string | null> {
    try {
      const [{ busy }] = await em.query(
        `SELECT reserve_expert_time($1, $2, $3::uuid[], $4::tstzrange, $5::tstzrange) AS busy`,
        [c.tenantId, c.id, expertIds, range(during), range(keepFree)],
      );
      return busy;
    } catch (err) {
      // Only reachable if a booking bypassed the locks; the constraint still refuses it.
      if (pgCode(err) === PG.EXCLUSION_VIOLATION || isUniqueViolation(err)) return [...expertIds].sort()[0];
      throw err;
    }
  }

  /** Frees a consultation's experts; the old bookings stay on record, inactive. */
  async release(em: EntityManager, consultationId: string): Promise<void> {
    await em.query(
      `UPDATE consultation_booking SET active = false, released_at = now() WHERE consultation_id = $1 AND active`,
      [consultationId],
    );
  }

  /** Marks the experts as booked for the consultation (named ones stay named). */
  async assign(em: EntityManager, c: ConsultationEntity, expertIds: string[]): Promise<void> {
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
  }
}
