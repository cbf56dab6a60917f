import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  AuthUser,
  BadInputError,
  Clock,
  ForbiddenError,
  hasRole,
  NotFoundError,
  readSnapshot,
  Role,
} from '@yg/core';
import { NetworkService, Tier } from '@yg/network';
import type { IndicatorDefinition } from '../domain/definition';
import {
  decidingTarget,
  difference,
  evaluate,
  InstitutionFacts,
  isMet,
  MeasureTable,
} from '../domain/evaluate';
import {
  clampRange,
  lastYearRange,
  monthsIn,
  Period,
  PeriodKind,
  periodLabel,
  previousRange,
  rangeOf,
  addMonths,
} from '../domain/period';
import type { MonthRange } from '../measures/measure-source';
import { MeasureRegistry } from '../measures/measure-registry';
import {
  ContributorPageModel,
  FormulaModel,
  IndicatorDefinitionModel,
  IndicatorDetailModel,
  IndicatorReportModel,
  IndicatorResultModel,
  PeriodModel,
  ScopeInput,
  ScopeKind,
  ScopeModel,
} from '../models/indicator.models';
import { IndicatorDefinitions } from './definitions.service';
import { IndicatorEngine } from './indicator-engine';
import { currentMonth } from './months';

interface ResolvedScope {
  model: ScopeModel;
  /** null: the whole consortium. */
  institutionIds: string[] | null;
}

interface Context {
  scope: ResolvedScope;
  institutions: Map<string, InstitutionFacts>;
  nowMonth: string;
}

export function definitionModel(d: IndicatorDefinition): IndicatorDefinitionModel {
  return { ...d, formula: d.formula as FormulaModel, own: d.tenantId !== null };
}

export const CONTRIBUTOR_PAGE_MAX = 200;

/**
 * Indicator results for a scope and period. Auditors and consortium admins read any scope;
 * an institution admin only its own institution. Reads run in one REPEATABLE READ
 * transaction, so every figure of a report comes from the same snapshot.
 */
@Injectable()
export class IndicatorReports {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly definitions: IndicatorDefinitions,
    private readonly engine: IndicatorEngine,
    private readonly registry: MeasureRegistry,
    private readonly network: NetworkService,
    private readonly clock: Clock,
  ) {}

  report(user: AuthUser, scopeIn: ScopeInput, period: Period): Promise<IndicatorReportModel> {
    return readSnapshot(this.dataSource, async (em) => {
      const ctx = await this.context(em, user, scopeIn);
      const ranges = this.ranges(period, ctx.nowMonth);
      const published =
        period.kind === PeriodKind.MONTH &&
        (await this.definitions.isPublished(em, user.tenantId, period.month));
      let defs = await this.definitions.effective(em, user.tenantId);
      if (published) {
        const pinned = (await this.definitions.pinned(em, user.tenantId, [period.month])).get(period.month)!;
        defs = defs.map((d) => pinned.get(d.code) ?? d);
      }
      const table = await this.engine.table(
        em,
        user.tenantId,
        defs,
        ctx.institutions,
        ctx.scope.institutionIds,
        [ranges.current, ranges.previous, ranges.lastYear],
      );
      return {
        scope: ctx.scope.model,
        period: this.periodModel(period, ranges.current),
        published,
        results: defs.map((d) => this.result(table, d, ranges)),
      };
    });
  }

  indicator(
    user: AuthUser,
    code: string,
    scopeIn: ScopeInput,
    period: Period,
    trendMonths: number,
  ): Promise<IndicatorDetailModel> {
    return readSnapshot(this.dataSource, async (em) => {
      const ctx = await this.context(em, user, scopeIn);
      const ranges = this.ranges(period, ctx.nowMonth);
      const current = (await this.definitions.effective(em, user.tenantId)).find((d) => d.code === code);
      if (!current) throw new NotFoundError('IndicatorDefinition', '指标', code);
      const end = ranges.current?.to ?? rangeOf(period).to;
      const trendRange: MonthRange = { from: addMonths(end, -(trendMonths - 1)), to: end };
      const months = monthsIn(trendRange);
      const pinned = await this.definitions.pinned(em, user.tenantId, [...months, period.month]);
      const defOf = (month: string) => pinned.get(month)?.get(code) ?? current;
      const def = period.kind === PeriodKind.MONTH ? defOf(period.month) : current;
      const defs = [def, ...months.map(defOf)];
      const table = await this.engine.table(
        em,
        user.tenantId,
        defs,
        ctx.institutions,
        ctx.scope.institutionIds,
        [ranges.current, ranges.previous, ranges.lastYear, clampRange(trendRange, ctx.nowMonth)],
      );
      return {
        scope: ctx.scope.model,
        period: this.periodModel(period, ranges.current),
        result: this.result(table, def, ranges),
        trend: months.map((month) => {
          const d = defOf(month);
          const e = evaluate(table, d.kind, d.formula, clampRange({ from: month, to: month }, ctx.nowMonth));
          return { month, ...e, definitionVersion: d.version };
        }),
      };
    });
  }

  contributors(
    user: AuthUser,
    code: string,
    scopeIn: ScopeInput,
    period: Period,
    measure: string,
    page: { offset: number; limit: number },
  ): Promise<ContributorPageModel> {
    if (page.limit < 1 || page.limit > CONTRIBUTOR_PAGE_MAX || page.offset < 0) {
      throw new BadInputError(
        `每页 1–${CONTRIBUTOR_PAGE_MAX} 条 (limit 1–${CONTRIBUTOR_PAGE_MAX}, offset ≥ 0)`,
      );
    }
    return readSnapshot(this.dataSource, async (em) => {
      const ctx = await this.context(em, user, scopeIn);
      let def = (await this.definitions.effective(em, user.tenantId)).find((d) => d.code === code);
      if (!def) throw new NotFoundError('IndicatorDefinition', '指标', code);
      if (period.kind === PeriodKind.MONTH) {
        def =
          (await this.definitions.pinned(em, user.tenantId, [period.month])).get(period.month)?.get(code) ??
          def;
      }
      const terms = [
        ...def.formula.numerator.terms,
        ...(def.formula.numerator.per ?? []),
        ...(def.formula.denominator?.terms ?? []),
        ...(def.formula.denominator?.per ?? []),
      ].filter((t) => t.key === measure);
      if (!terms.length) {
        throw new BadInputError(
          `指标 ${code} 不使用度量 ${measure} (indicator ${code} does not use ${measure})`,
        );
      }
      const source = this.registry.sourceOf(measure);
      if (!source) throw new BadInputError(`度量 ${measure} 暂无数据来源 (no source reports ${measure})`);
      const range = clampRange(rangeOf(period), ctx.nowMonth);
      if (!range) return { measure, total: 0, rows: [] };
      let institutionIds: string[] | null = null;
      if (!terms.every((t) => t.consortiumLevel)) {
        const inScope = ctx.scope.institutionIds ?? [...ctx.institutions.keys()];
        institutionIds = inScope.filter((id) => {
          const inst = ctx.institutions.get(id);
          return terms.some(
            (t) =>
              t.consortiumLevel ||
              !inst ||
              ((!t.tiers?.length || t.tiers.includes(inst.tier)) &&
                (!t.kinds?.length || t.kinds.includes(inst.kind))),
          );
        });
        if (!institutionIds.length) return { measure, total: 0, rows: [] };
        // The whole consortium unfiltered: let the source answer for all, consortium-level rows included.
        if (!ctx.scope.institutionIds && institutionIds.length === ctx.institutions.size)
          institutionIds = null;
      }
      const res = await source.contributors(
        em,
        { tenantId: user.tenantId, institutionIds },
        measure,
        range,
        page,
      );
      return { measure, ...res };
    });
  }

  private result(
    table: MeasureTable,
    d: IndicatorDefinition,
    ranges: { current: MonthRange | null; previous: MonthRange | null; lastYear: MonthRange | null },
  ): IndicatorResultModel {
    const now = evaluate(table, d.kind, d.formula, ranges.current);
    const previous = ranges.previous ? evaluate(table, d.kind, d.formula, ranges.previous).value : null;
    const lastYear = ranges.lastYear ? evaluate(table, d.kind, d.formula, ranges.lastYear).value : null;
    const target = decidingTarget(d.targets);
    return {
      code: d.code,
      definition: definitionModel(d),
      ...now,
      target,
      met: isMet(now.value, target, d.direction),
      previousValue: previous,
      changeFromPrevious: difference(now.value, previous),
      lastYearValue: lastYear,
      changeFromLastYear: difference(now.value, lastYear),
    };
  }

  private ranges(period: Period, nowMonth: string) {
    const previous = previousRange(period);
    return {
      current: clampRange(rangeOf(period), nowMonth),
      previous: previous && clampRange(previous, nowMonth),
      lastYear: clampRange(lastYearRange(period), nowMonth),
    };
  }

  private periodModel(period: Period, range: MonthRange | null): PeriodModel {
    const full = rangeOf(period);
    return {
      kind: period.kind,
      month: period.month,
      label: periodLabel(period),
      from: full.from,
      to: range?.to ?? full.to,
    };
  }

  private async context(em: EntityManager, user: AuthUser, s: ScopeInput): Promise<Context> {
    const consortium = await this.registry.once(em, `consortium|${user.tenantId}`, () =>
      this.network.consortium(user.tenantId, em),
    );
    const institutions = await this.engine.institutions(em, user.tenantId);
    return {
      scope: await this.scope(em, user, s, institutions),
      institutions,
      nowMonth: currentMonth(consortium.timeZone, this.clock.now()),
    };
  }

  /** Another tenant's institution is NOT_FOUND; another institution of one's own tenant FORBIDDEN. */
  private async scope(
    em: EntityManager,
    user: AuthUser,
    s: ScopeInput,
    institutions: Map<string, InstitutionFacts>,
  ): Promise<ResolvedScope> {
    const wide = hasRole(user, Role.CONSORTIUM_ADMIN, Role.AUDITOR);
    const ownOnly = () =>
      new ForbiddenError('只能查看本机构的指标 (you may read your own institution’s indicators only)');
    switch (s.kind) {
      case ScopeKind.CONSORTIUM:
        if (!wide) throw ownOnly();
        return { model: { kind: s.kind, tier: null, institutionId: null }, institutionIds: null };
      case ScopeKind.TIER:
        if (!s.tier) throw new BadInputError('按层级查看需指定层级 (a TIER scope needs a tier)');
        if (!wide) throw ownOnly();
        return {
          model: { kind: s.kind, tier: s.tier, institutionId: null },
          institutionIds: [...institutions].filter(([, i]) => i.tier === s.tier).map(([id]) => id),
        };
      case ScopeKind.INSTITUTION: {
        if (!s.institutionId) {
          throw new BadInputError('按机构查看需指定机构 (an INSTITUTION scope needs an institution)');
        }
        const inst = await this.network.institution(user.tenantId, s.institutionId, em);
        if (!wide && inst.id !== user.institutionId) throw ownOnly();
        return {
          model: { kind: s.kind, tier: inst.tier as Tier, institutionId: inst.id },
          institutionIds: [inst.id],
        };
      }
    }
  }
}
