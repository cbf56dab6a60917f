import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { InstitutionKind, Tier } from '@yg/network';
import type { IndicatorDefinition } from '../domain/definition';
import { InstitutionFacts, MeasureTable } from '../domain/evaluate';
import { IndicatorKind, termsOf } from '../domain/formula';
import { monthIndex, monthOf } from '../domain/period';
import type { MeasureSource, MeasureValue, MonthRange } from '../measures/measure-source';
import { MeasureRegistry } from '../measures/measure-registry';

export interface TenantInstitution {
  id: string;
  name: string;
  tier: Tier;
  kind: InstitutionKind;
  active: boolean;
}

/** Every institution of the consortium (partners and inactive ones too), read once per transaction. */
export function tenantInstitutions(
  registry: MeasureRegistry,
  em: EntityManager,
  tenantId: string,
): Promise<TenantInstitution[]> {
  return registry.once(em, `institutions|${tenantId}`, () =>
    em.query(`SELECT id, name, tier, kind, active FROM network_institution WHERE tenant_id = $1`, [tenantId]),
  );
}

/** Loads the measures a set of definitions needs, for one scope and span of months. */
@Injectable()
export class IndicatorEngine {
  constructor(private readonly registry: MeasureRegistry) {}

  async institutions(em: EntityManager, tenantId: string): Promise<Map<string, InstitutionFacts>> {
    const rows = await tenantInstitutions(this.registry, em, tenantId);
    return new Map(rows.map((r) => [r.id, { tier: r.tier, kind: r.kind }]));
  }

  /**
   * The months each measure key needs for these ranges: the ranges themselves, and for GROWTH
   * and CHANGE the same ranges a year earlier. Only these are loaded: a month's report needs
   * the month, the one before and last year's (a few months), not the 25 months in between —
   * which at province scale is what raw referral, consultation and medication reads cost.
   */
  private monthsByKey(
    defs: readonly IndicatorDefinition[],
    ranges: readonly (MonthRange | null)[],
  ): Map<string, Set<number>> {
    const present = ranges.filter((r): r is MonthRange => r !== null);
    const out = new Map<string, Set<number>>();
    for (const d of defs) {
      const back = d.kind === IndicatorKind.GROWTH || d.kind === IndicatorKind.CHANGE;
      const months: number[] = [];
      for (const r of present) {
        for (let m = monthIndex(r.from); m <= monthIndex(r.to); m++) {
          months.push(m);
          if (back) months.push(m - 12);
        }
      }
      for (const t of termsOf(d.formula)) {
        const set = out.get(t.key) ?? new Set<number>();
        for (const m of months) set.add(m);
        out.set(t.key, set);
      }
    }
    return out;
  }

  /**
   * Per source, one call for the months its keys need (`MonthRange.months`: a month's report
   * needs the period, the one before, last year's and a year before each for growth — a few
   * months apart, read in one statement rather than one per run of consecutive months): for
   * institution-level measures limited to the scope's institutions, and one for
   * consortium-level ones (whole consortium, rows without an institution kept). A key may be
   * read for a month only another key needs; the table evaluates each range's months alone.
   */
  async table(
    em: EntityManager,
    tenantId: string,
    defs: readonly IndicatorDefinition[],
    institutions: Map<string, InstitutionFacts>,
    scopeIds: readonly string[] | null,
    ranges: readonly (MonthRange | null)[],
  ): Promise<MeasureTable> {
    const values: MeasureValue[] = [];
    const monthsOf = this.monthsByKey(defs, ranges);
    const consortiumKeys = new Set<string>();
    const instKeys = new Set<string>();
    for (const d of defs) {
      for (const t of termsOf(d.formula)) (t.consortiumLevel ? consortiumKeys : instKeys).add(t.key);
    }
    const bySource = new Map<MeasureSource, string[]>();
    for (const k of monthsOf.keys()) {
      const s = this.registry.sourceOf(k);
      if (s) bySource.set(s, [...(bySource.get(s) ?? []), k]);
    }
    // What sources computed from others will read (whole consortium, their months): read with
    // each source's own call below, not in a second statement when they ask.
    const extra = new Map<MeasureSource, string[]>();
    for (const [source, keys] of bySource) {
      if (!source.readsOtherSources || !source.dependencies) continue;
      const months = new Set(keys.flatMap((k) => [...monthsOf.get(k)!]));
      for (const k of await source.dependencies(em, tenantId)) {
        const s = this.registry.sourceOf(k);
        if (!s || s === source) continue;
        const set = monthsOf.get(k) ?? new Set<number>();
        for (const m of months) set.add(m);
        monthsOf.set(k, set);
        extra.set(s, [...(extra.get(s) ?? []), k]);
        if (!bySource.has(s)) bySource.set(s, []);
      }
    }
    // Sources computed from other sources' measures last: their reads then come from the memo.
    const ordered = [...bySource].sort(
      ([a], [b]) => Number(a.readsOtherSources ?? false) - Number(b.readsOtherSources ?? false),
    );
    const rangeFor = (keys: readonly string[]): MonthRange => {
      const indexes = [...new Set(keys.flatMap((k) => [...monthsOf.get(k)!]))].sort((a, b) => a - b);
      const months = indexes.map(monthOf);
      return { from: months[0], to: months[months.length - 1], months };
    };
    const whole = { tenantId, institutionIds: null };
    for (const [source, own] of ordered) {
      const more = extra.get(source) ?? [];
      const keys = [...new Set([...own, ...more])];
      const range = rangeFor(keys);
      if (scopeIds === null) {
        values.push(...(await this.registry.monthly(em, source, whole, keys, range)));
        continue;
      }
      const inst = own.filter((k) => instKeys.has(k));
      const con = own.filter((k) => consortiumKeys.has(k));
      if (inst.length && scopeIds.length) {
        values.push(
          ...(await this.registry.monthly(em, source, { tenantId, institutionIds: scopeIds }, inst, range)),
        );
      }
      if (con.length || more.length) {
        const rows = await this.registry.monthly(em, source, whole, [...new Set([...con, ...more])], range);
        values.push(...rows.filter((v) => v.institutionId === null && con.includes(v.key)));
      }
    }
    return new MeasureTable(
      values,
      institutions,
      scopeIds ? new Set(scopeIds) : null,
      this.registry.levelKeys,
      this.registry.availableKeys,
    );
  }
}
