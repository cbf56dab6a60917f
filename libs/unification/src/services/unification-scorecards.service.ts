import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuthUser, BadInputError, Clock, ForbiddenError, hasRole, readSnapshot, Role } from '@yg/core';
import { NetworkService, Tier } from '@yg/network';
import { MeasureRegistry } from '@yg/indicators/measures/measure-registry';
import type { MeasureSource, MeasureValue, MonthRange } from '@yg/indicators/measures/measure-source';
import {
  clampRange,
  monthsAsked,
  monthsIn,
  Period,
  periodLabel,
  rangeOf,
} from '@yg/indicators/domain/period';
import { currentMonth } from '@yg/indicators/engine/months';
import { tenantInstitutions } from '@yg/indicators/engine/indicator-engine';
import { ScopeInput, ScopeKind } from '@yg/indicators/models/indicator.models';
import { daysInMonth, lastDayOf, nextMonth, today } from '../domain/calendar';
import {
  evidenceByInstitution,
  MemberInstitution,
  qualitativeOutcomes,
  scorecard,
  Scorecard,
} from '../domain/evaluate';
import {
  EvidenceRecord,
  ItemKind,
  MeasureLookup,
  MEMBER_TIERS,
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

interface Base {
  all: UnificationItem[];
  members: MemberInstitution[];
  evidenceOf: Map<string, EvidenceRecord[]>;
  timeZone: string;
  nowMonth: string;
  today: string;
  /** Month → the first instant after it in the consortium's zone. */
  ends: Map<string, Date>;
}

/** The measure keys the data items read (every version's). */
function dataKeys(all: readonly UnificationItem[]): Set<string> {
  const keys = new Set<string>();
  for (const i of all) {
    if (i.kind !== ItemKind.DATA || !i.data) continue;
    for (const k of [...i.data.numerator, ...(i.data.denominator ?? [])]) if (k !== PERIOD_DAYS) keys.add(k);
  }
  return keys;
}

/** Days the months count: the month in progress its days before today (today's visits may still come in). */
function periodDays(months: readonly string[], nowMonth: string, todayIs: string): number {
  return months.reduce((s, m) => s + (m === nowMonth ? Number(todayIs.slice(8, 10)) - 1 : daysInMonth(m)), 0);
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
    return readSnapshot(this.dataSource, async (em) => {
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

  /**
   * The qualitative indicators for the whole consortium, month by month: the range's months, or
   * its selection (`MonthRange.months`) when it has one; months not yet begun are left out. Judged by outcome alone (qualitativeOutcomes: no per-member card or reason
   * text); the consortium, its members, items, evidence and month ends are read once per
   * transaction, so a report that asks for several runs of months reads them once.
   */
  async qualitativeByMonth(
    em: EntityManager,
    tenantId: string,
    range: MonthRange,
  ): Promise<Map<string, QualitativeResult[]>> {
    const base = await this.base(em, tenantId);
    const clamped = clampRange(range, base.nowMonth);
    const out = new Map<string, QualitativeResult[]>();
    if (!clamped) return out;
    const totals = await this.totals(em, tenantId, base.all, clamped, null);
    const months = monthsAsked(clamped);
    const ends = await this.monthEnds(em, base, months);
    for (const month of months) {
      const items = versionsAt(base.all, ends.get(month)!);
      const lastDay = month === base.nowMonth ? base.today : lastDayOf(month);
      const lookup = totals.lookup([month], periodDays([month], base.nowMonth, base.today));
      out.set(month, qualitativeOutcomes(items, base.members, lookup, base.evidenceOf, lastDay));
    }
    return out;
  }

  /** The measures qualitativeByMonth reads through the registry (the data items' terms). */
  async measureKeys(em: EntityManager, tenantId: string): Promise<string[]> {
    return [...dataKeys((await this.base(em, tenantId)).all)];
  }

  /** What every month judged in one transaction shares, read once (see MeasureRegistry.once). */
  private base(em: EntityManager, tenantId: string): Promise<Base> {
    const registry = this.registry();
    return registry.once(em, `unification|${tenantId}`, async () => {
      const consortium = await registry.once(em, `consortium|${tenantId}`, () =>
        this.network.consortium(tenantId, em),
      );
      const now = this.clock.now();
      const members = (await tenantInstitutions(registry, em, tenantId))
        .filter((i) => i.active && MEMBER_TIERS.includes(i.tier))
        .map(({ id, name, tier }) => ({ id, name, tier }));
      return {
        all: await this.items.all(em, tenantId),
        members,
        // Every record: each month is judged up to its own last day (judgeEvidence's window).
        evidenceOf: evidenceByInstitution(await this.evidence.all(em, tenantId)),
        timeZone: consortium.timeZone,
        nowMonth: currentMonth(consortium.timeZone, now),
        today: today(consortium.timeZone, now),
        ends: new Map(),
      };
    });
  }

  /** The first instant after each month in the consortium's zone, by Postgres, one statement for all. */
  private async monthEnds(em: EntityManager, base: Base, months: readonly string[]) {
    const missing = months.filter((m) => !base.ends.has(m));
    if (missing.length) {
      const rows: { month: string; end: Date }[] = await em.query(
        `SELECT m AS month, (d::date::timestamp AT TIME ZONE $3) AS end
           FROM unnest($1::text[], $2::text[]) AS x(m, d)`,
        [missing, missing.map((m) => `${nextMonth(m)}-01`), base.timeZone],
      );
      for (const r of rows) base.ends.set(r.month, new Date(r.end));
    }
    return base.ends;
  }

  private async judge(em: EntityManager, l: Loaded, range: MonthRange) {
    const [{ end }] = await em.query(`SELECT ($1::date::timestamp AT TIME ZONE $2) AS end`, [
      `${nextMonth(range.to)}-01`,
      l.timeZone,
    ]);
    const items = versionsAt(l.all, new Date(end));
    const months = monthsIn(range);
    const days = periodDays(months, l.nowMonth, l.today);
    const lastDay = range.to === l.nowMonth ? l.today : lastDayOf(range.to);
    const card = scorecard(items, l.institutions, l.totals.lookup(months, days), l.evidence, lastDay);
    return { card, items };
  }

  private async load(
    em: EntityManager,
    tenantId: string,
    range: MonthRange,
    institutions: MemberInstitution[],
  ): Promise<Loaded> {
    const consortium = await this.network.consortium(tenantId, em);
    const now = this.clock.now();
    const all = await this.items.all(em, tenantId);
    return {
      all,
      institutions,
      totals: await this.totals(
        em,
        tenantId,
        all,
        range,
        institutions.map((i) => i.id),
      ),
      evidence: await this.evidence.upTo(em, tenantId, lastDayOf(range.to)),
      timeZone: consortium.timeZone,
      nowMonth: currentMonth(consortium.timeZone, now),
      today: today(consortium.timeZone, now),
    };
  }

  /**
   * The measures the data items read, over the range, through the registry. `ids` null: the
   * whole consortium, read as the indicators read it (every institution; only members are
   * looked up), so inside an indicator report these come from the registry's memo.
   */
  private async totals(
    em: EntityManager,
    tenantId: string,
    all: readonly UnificationItem[],
    range: MonthRange,
    ids: string[] | null,
  ): Promise<MeasureTotals> {
    const registry = this.registry();
    const keys = dataKeys(all);
    const bySource = new Map<MeasureSource, string[]>();
    for (const k of keys) {
      const s = registry.sourceOf(k);
      if (s) bySource.set(s, [...(bySource.get(s) ?? []), k]);
    }
    const values: MeasureValue[] = [];
    if (ids === null || ids.length) {
      for (const [source, list] of bySource) {
        values.push(...(await registry.monthly(em, source, { tenantId, institutionIds: ids }, list, range)));
      }
    }
    return new MeasureTotals(values, registry.availableKeys, registry.levelKeys);
  }

  /** Active institutions of the county's three tiers: partner hospitals are not members. */
  private async members(em: EntityManager, tenantId: string): Promise<MemberInstitution[]> {
    return em.query(
      `SELECT id, name, tier FROM network_institution
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
