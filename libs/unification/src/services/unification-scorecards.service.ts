import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuthUser, BadInputError, Clock, ForbiddenError, hasRole, Role } from '@yg/core';
import { NetworkService, Tier } from '@yg/network';
import { MeasureRegistry } from '@yg/indicators/measures/measure-registry';
import type { MeasureSource, MeasureValue, MonthRange } from '@yg/indicators/measures/measure-source';
import { clampRange, monthsIn, Period, periodLabel, rangeOf } from '@yg/indicators/domain/period';
import { currentMonth } from '@yg/indicators/engine/months';
import { ScopeInput, ScopeKind } from '@yg/indicators/models/indicator.models';
import { daysInMonth, lastDayOf, nextMonth, today } from '../domain/calendar';
import { MemberInstitution, scorecard, Scorecard } from '../domain/evaluate';
import {
  ItemKind,
  MeasureLookup,
  PERIOD_DAYS,
  QualitativeResult,
  UnificationItem,
} from '../domain/scorecard';
import { versionsAt } from '../domain/versions';
import { UnificationEvidence } from './unification-evidence.service';
import { UnificationItems } from './unification-items.service';

/** Monthly measure values loaded once, totalled for any months inside what was loaded. */
export class MeasureTotals {
  private readonly byKey = new Map<string, Map<string, Map<string, number>>>();

  constructor(
    values: readonly MeasureValue[],
    private readonly availableKeys: ReadonlySet<string>,
    private readonly levelKeys: ReadonlySet<string>,
  ) {
    for (const v of values) {
      if (v.institutionId === null) continue;
      let insts = this.byKey.get(v.key);
      if (!insts) this.byKey.set(v.key, (insts = new Map()));
      let months = insts.get(v.institutionId);
      if (!months) insts.set(v.institutionId, (months = new Map()));
      months.set(v.month, (months.get(v.month) ?? 0) + v.value);
    }
  }

  /** Flows are summed over the months, levels averaged (unless `sum`), as the indicators do. */
  lookup(months: readonly string[], days: number): MeasureLookup {
    return {
      days,
      available: (key) => this.availableKeys.has(key),
      total: (key, institutionId, opts) => {
        const byMonth = this.byKey.get(key)?.get(institutionId);
        let total = 0;
        for (const m of months) total += byMonth?.get(m) ?? 0;
        return this.levelKeys.has(key) && !opts?.sum ? total / months.length : total;
      },
    };
  }
}

export interface ScorecardReport {
  scopeKind: ScopeKind;
  tier: Tier | null;
  institutionId: string | null;
  label: string;
  from: string;
  to: string;
  card: Scorecard;
  /** Item versions the period was judged with. */
  items: UnificationItem[];
}

interface Loaded {
  all: UnificationItem[];
  institutions: MemberInstitution[];
  totals: MeasureTotals;
  evidence: Awaited<ReturnType<UnificationEvidence['upTo']>>;
  timeZone: string;
  nowMonth: string;
  today: string;
}

/**
 * The scorecard for a scope and period. Measures come through the indicators' MeasureRegistry,
 * looked up when needed: the registry's sources include this library's uni.* source, which
 * itself reads scorecards, so neither can take the other in its constructor.
 */
@Injectable()
export class UnificationScorecards {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly items: UnificationItems,
    private readonly evidence: UnificationEvidence,
    private readonly network: NetworkService,
    private readonly clock: Clock,
    private readonly moduleRef: ModuleRef,
  ) {}

  private registry(): MeasureRegistry {
    return this.moduleRef.get(MeasureRegistry, { strict: false });
  }

  report(user: AuthUser, scope: ScopeInput, period: Period): Promise<ScorecardReport> {
    return this.dataSource.transaction('REPEATABLE READ', async (em) => {
      const consortium = await this.network.consortium(user.tenantId, em);
      const nowMonth = currentMonth(consortium.timeZone, this.clock.now());
      const range = clampRange(rangeOf(period), nowMonth);
      if (!range) throw new BadInputError('该期间尚未开始 (the period has not begun)');
      const members = await this.members(em, user.tenantId);
      const chosen = await this.scope(em, user, scope, members);
      const loaded = await this.load(em, user.tenantId, range, chosen);
      const { card, items } = await this.judge(em, loaded, range);
      const full = rangeOf(period);
      return {
        scopeKind: scope.kind,
        tier:
          scope.kind === ScopeKind.TIER
            ? (scope.tier ?? null)
            : scope.kind === ScopeKind.INSTITUTION
              ? (chosen[0].tier as Tier)
              : null,
        institutionId: scope.kind === ScopeKind.INSTITUTION ? chosen[0].id : null,
        label: periodLabel(period),
        from: full.from,
        to: range.to,
        card,
        items,
      };
    });
  }

  /** The qualitative indicators for the whole consortium, month by month (months not yet begun are left out). */
  async qualitativeByMonth(
    em: EntityManager,
    tenantId: string,
    range: MonthRange,
  ): Promise<Map<string, QualitativeResult[]>> {
    const consortium = await this.network.consortium(tenantId, em);
    const clamped = clampRange(range, currentMonth(consortium.timeZone, this.clock.now()));
    const out = new Map<string, QualitativeResult[]>();
    if (!clamped) return out;
    const loaded = await this.load(em, tenantId, clamped, await this.members(em, tenantId), true);
    for (const month of monthsIn(clamped)) {
      out.set(month, (await this.judge(em, loaded, { from: month, to: month })).card.qualitative);
    }
    return out;
  }

  private async judge(em: EntityManager, l: Loaded, range: MonthRange) {
    const [{ end }] = await em.query(`SELECT ($1::date::timestamp AT TIME ZONE $2) AS end`, [
      `${nextMonth(range.to)}-01`,
      l.timeZone,
    ]);
    const items = versionsAt(l.all, new Date(end));
    const months = monthsIn(range);
    // The month in progress counts its days before today: today's visits may still be coming in.
    const days = months.reduce(
      (s, m) => s + (m === l.nowMonth ? Number(l.today.slice(8, 10)) - 1 : daysInMonth(m)),
      0,
    );
    const lastDay = range.to === l.nowMonth ? l.today : lastDayOf(range.to);
    const card = scorecard(items, l.institutions, l.totals.lookup(months, days), l.evidence, lastDay);
    return { card, items };
  }

  private async load(
    em: EntityManager,
    tenantId: string,
    range: MonthRange,
    institutions: MemberInstitution[],
    wholeConsortium = false,
  ): Promise<Loaded> {
    const consortium = await this.network.consortium(tenantId, em);
    const now = this.clock.now();
    const all = await this.items.all(em, tenantId);
    const registry = this.registry();
    const keys = new Set<string>();
    for (const i of all) {
      if (i.kind !== ItemKind.DATA || !i.data) continue;
      for (const k of [...i.data.numerator, ...(i.data.denominator ?? [])])
        if (k !== PERIOD_DAYS) keys.add(k);
    }
    const bySource = new Map<MeasureSource, string[]>();
    for (const k of keys) {
      const s = registry.sourceOf(k);
      if (s) bySource.set(s, [...(bySource.get(s) ?? []), k]);
    }
    // The whole consortium is read as the indicators read it (every institution; only members
    // are looked up), so inside an indicator report these come from the registry's memo.
    const ids = wholeConsortium ? null : institutions.map((i) => i.id);
    const values: MeasureValue[] = [];
    if (ids === null || ids.length) {
      for (const [source, list] of bySource) {
        values.push(...(await registry.monthly(em, source, { tenantId, institutionIds: ids }, list, range)));
      }
    }
    const lastDay = lastDayOf(range.to);
    return {
      all,
      institutions,
      totals: new MeasureTotals(values, registry.availableKeys, registry.levelKeys),
      evidence: await this.evidence.upTo(em, tenantId, lastDay),
      timeZone: consortium.timeZone,
      nowMonth: currentMonth(consortium.timeZone, now),
      today: today(consortium.timeZone, now),
    };
  }

  /** Active institutions of the county's three tiers: partner hospitals are not members. */
  private async members(em: EntityManager, tenantId: string): Promise<MemberInstitution[]> {
    return em.query(
      `SELECT id, name, tier FROM institution
        WHERE tenant_id = $1 AND active AND tier IN ('COUNTY','TOWNSHIP','VILLAGE')
        ORDER BY array_position(ARRAY['COUNTY','TOWNSHIP','VILLAGE'], tier), name, id`,
      [tenantId],
    );
  }

  /** Another tenant's institution is NOT_FOUND; an institution admin reads only their own. */
  private async scope(
    em: EntityManager,
    user: AuthUser,
    s: ScopeInput,
    members: MemberInstitution[],
  ): Promise<MemberInstitution[]> {
    const wide = hasRole(user, Role.CONSORTIUM_ADMIN, Role.AUDITOR);
    const ownOnly = () =>
      new ForbiddenError('只能查看本机构的七统一评估 (you may read your own institution’s scorecard only)');
    switch (s.kind) {
      case ScopeKind.CONSORTIUM:
        if (!wide) throw ownOnly();
        return members;
      case ScopeKind.TIER:
        if (!s.tier) throw new BadInputError('按层级查看需指定层级 (a TIER scope needs a tier)');
        if (!wide) throw ownOnly();
        return members.filter((m) => m.tier === (s.tier as string));
      case ScopeKind.INSTITUTION: {
        if (!s.institutionId) {
          throw new BadInputError('按机构查看需指定机构 (an INSTITUTION scope needs an institution)');
        }
        const inst = await this.network.institution(user.tenantId, s.institutionId, em);
        if (!wide && inst.id !== user.institutionId) throw ownOnly();
        const member = members.find((m) => m.id === inst.id);
        if (!member) {
          throw new BadInputError('该机构不是医共体成员单位 (the institution is not an active member)');
        }
        return [member];
      }
    }
  }
}
