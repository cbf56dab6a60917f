import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthUser, BadInputError, Clock, ForbiddenError, hasRole, Role } from '@yg/core';
import { AuditService } from '@yg/audit';
import { NetworkService, PractitionerEntity } from '@yg/network';
import { AvailabilityExceptionEntity, AvailabilityRuleEntity } from './entities/availability.entities';
import { exceptionOf, freeSlots, guarded, Slot, WeeklyRule, windows } from './domain/slots';
import { consultationSettings } from './domain/settings';
import {
  AvailabilityWindowsArgs,
  AvailableSlotsArgs,
  PublishAvailabilityInput,
} from './dto/consultation.inputs';
import { AvailabilityWindowModel, ExpertAvailabilityModel } from './models/consultation.models';
import { Schedule, SchedulingRepository } from './scheduling.repository';

const MAX_RANGE_DAYS = 31;
const MAX_EXPERTS = 50;

function assertRange(from: Date, to: Date): void {
  if (to <= from || to.getTime() - from.getTime() > MAX_RANGE_DAYS * 86_400_000) {
    throw new BadInputError(
      `查询区间须为正且不超过 ${MAX_RANGE_DAYS} 天 (range must be positive and at most ${MAX_RANGE_DAYS} days)`,
      { field: 'to' },
    );
  }
}

/** Expert schedules (weekly rules and exceptions) and the free slots computed from them. */
@Injectable()
export class AvailabilityService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly network: NetworkService,
    private readonly audit: AuditService,
    private readonly scheduling: SchedulingRepository,
    private readonly clock: Clock,
  ) {}

  /** Replaces an expert's schedule. Experts publish their own; their institution's admin or the consortium's may too. */
  publish(user: AuthUser, input: PublishAvailabilityInput): Promise<ExpertAvailabilityModel> {
    return this.dataSource.transaction(async (em) => {
      const expertId = input.expertId ?? user.practitionerId;
      if (!expertId) throw new BadInputError('请指定专家 (give expertId)', { field: 'expertId' });
      const expert = await this.network.practitioner(user.tenantId, expertId, em);
      const own = hasRole(user, Role.EXPERT) && user.practitionerId === expert.id;
      const admin =
        hasRole(user, Role.CONSORTIUM_ADMIN) ||
        (hasRole(user, Role.INSTITUTION_ADMIN) && user.institutionId === expert.institutionId);
      if (!own && !admin)
        throw new ForbiddenError('只能发布本人或本机构专家的安排 (you may publish only your own schedule)');
      input.rules.forEach((r, i) => {
        if (!(r.start < r.end || r.end === '24:00')) {
          throw new BadInputError(
            `第 ${i + 1} 条规则的开始时间须早于结束时间 (rule ${i + 1}: start must be before end)`,
            {
              field: `rules.${i}`,
            },
          );
        }
        if (r.validTo && r.validTo < r.validFrom) {
          throw new BadInputError(
            `第 ${i + 1} 条规则的有效期有误 (rule ${i + 1}: validTo is before validFrom)`,
            { field: `rules.${i}` },
          );
        }
      });
      input.exceptions.forEach((e, i) => {
        if (
          e.kind === 'EXTRA_WINDOW' &&
          (!e.start || !e.end || !e.sessionMinutes || !e.mode || !(e.start < e.end || e.end === '24:00'))
        ) {
          throw new BadInputError(
            `第 ${i + 1} 个加诊须给出开始、结束、时长和方式 (exception ${i + 1}: an extra window needs start < end, sessionMinutes and mode)`,
            {
              field: `exceptions.${i}`,
            },
          );
        }
      });
      await em.delete(AvailabilityRuleEntity, { practitionerId: expert.id, tenantId: user.tenantId });
      await em.delete(AvailabilityExceptionEntity, { practitionerId: expert.id, tenantId: user.tenantId });
      if (input.rules.length) {
        await em.insert(
          AvailabilityRuleEntity,
          input.rules.map((r) => ({
            tenantId: user.tenantId,
            practitionerId: expert.id,
            weekday: r.weekday,
            startTime: r.start,
            endTime: r.end,
            sessionMinutes: r.sessionMinutes,
            mode: r.mode,
            validFrom: r.validFrom,
            validTo: r.validTo ?? null,
          })),
        );
      }
      if (input.exceptions.length) {
        await em.insert(
          AvailabilityExceptionEntity,
          input.exceptions.map((e) => ({
            tenantId: user.tenantId,
            practitionerId: expert.id,
            date: e.date,
            kind: e.kind,
            startTime: e.kind === 'EXTRA_WINDOW' ? e.start! : null,
            endTime: e.kind === 'EXTRA_WINDOW' ? e.end! : null,
            sessionMinutes: e.kind === 'EXTRA_WINDOW' ? e.sessionMinutes! : null,
            mode: e.kind === 'EXTRA_WINDOW' ? e.mode! : null,
          })),
        );
      }
      await this.audit.record(em, {
        action: 'availability.publish',
        entityType: 'Practitioner',
        entityId: expert.id,
        details: { rules: input.rules.length, exceptions: input.exceptions.length },
      });
      const { timeZone } = await this.network.consortium(user.tenantId, em);
      return this.toModel(expert.id, timeZone, await this.scheduling.schedules(em, [expert.id]));
    });
  }

  async schedule(user: AuthUser, expertId: string): Promise<ExpertAvailabilityModel> {
    const expert = await this.network.practitioner(user.tenantId, expertId);
    const { timeZone } = await this.network.consortium(user.tenantId);
    return this.toModel(
      expert.id,
      timeZone,
      await this.scheduling.schedules(this.dataSource.manager, [expert.id]),
    );
  }

  /**
   * The windows a schedule offers in a bounded range, as booking reads them (day off and extra
   * windows applied, wall-clock hours in the consortium's zone): what a calendar shows.
   */
  windowsOf(schedule: ExpertAvailabilityModel, range: AvailabilityWindowsArgs): AvailabilityWindowModel[] {
    assertRange(range.from, range.to);
    const rules: WeeklyRule[] = schedule.rules;
    const exceptions = schedule.exceptions.map(exceptionOf);
    const from = range.from.getTime();
    const to = range.to.getTime();
    return windows(rules, exceptions, range.from, range.to, schedule.timeZone)
      .filter((w) => w.start < to && w.end > from)
      .sort((a, b) => a.start - b.start)
      .map((w) => ({
        start: new Date(w.start),
        end: new Date(w.end),
        sessionMinutes: w.sessionMinutes,
        mode: w.mode as never,
        extra: w.extra,
      }));
  }

  /** Free slots per expert chosen by id, specialty or institution, within a bounded range. */
  async availableSlots(
    user: AuthUser,
    args: AvailableSlotsArgs,
  ): Promise<{ expert: PractitionerEntity; slots: Slot[] }[]> {
    if (!args.expertId && !args.specialty && !args.institutionId) {
      throw new BadInputError('请按专家、专科或合作医院查询 (give expertId, specialty or institutionId)', {
        field: 'expertId',
      });
    }
    assertRange(args.from, args.to);
    const experts = await this.scheduling.bookableExperts(
      this.dataSource.manager,
      user.tenantId,
      { id: args.expertId, specialty: args.specialty, institutionId: args.institutionId },
      MAX_EXPERTS,
    );
    if (!experts.length) return [];
    const consortium = await this.network.consortium(user.tenantId);
    const settings = consultationSettings(consortium.settings);
    const ids = experts.map((e) => e.id);
    // Bookings just outside the range still block its edges through their buffers.
    const around = guarded({ start: args.from, end: args.to }, settings.bufferMinutes);
    const [schedules, busy] = await Promise.all([
      this.scheduling.schedules(this.dataSource.manager, ids),
      this.scheduling.busy(this.dataSource.manager, ids, around.start, around.end),
    ]);
    const now = this.clock.now();
    return experts.map((expert) => ({
      expert,
      slots: freeSlots(
        schedules.get(expert.id)!.rules,
        schedules.get(expert.id)!.exceptions,
        busy.get(expert.id) ?? [],
        {
          from: args.from,
          to: args.to,
          durationMinutes: args.durationMinutes,
          timeZone: consortium.timeZone,
          now,
          minNoticeMinutes: settings.minNoticeMinutes,
          bufferMinutes: settings.bufferMinutes,
          mode: args.mode,
        },
      ),
    }));
  }

  private toModel(
    expertId: string,
    timeZone: string,
    schedules: Map<string, Schedule>,
  ): ExpertAvailabilityModel {
    const s = schedules.get(expertId)!;
    return {
      expertId,
      timeZone,
      rules: s.rules.map((r) => ({ ...r, mode: r.mode as never })),
      exceptions: s.exceptions.map((e) =>
        e.kind === 'DAY_OFF'
          ? { date: e.date, kind: e.kind, start: null, end: null, sessionMinutes: null, mode: null }
          : {
              date: e.date,
              kind: e.kind,
              start: e.start,
              end: e.end,
              sessionMinutes: e.sessionMinutes,
              mode: e.mode as never,
            },
      ),
    };
  }
}
