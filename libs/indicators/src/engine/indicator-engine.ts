import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { InstitutionEntity } from '@yg/network';
import type { IndicatorDefinition } from '../domain/definition';
import { InstitutionFacts, MeasureTable } from '../domain/evaluate';
import { IndicatorKind, termsOf } from '../domain/formula';
import { addMonths, monthIndex } from '../domain/period';
import type { MeasureSource, MeasureValue, MonthRange } from '../measures/measure-source';
import { MeasureRegistry } from '../measures/measure-registry';

/** Loads the measures a set of definitions needs, for one scope and span of months. */
@Injectable()
export class IndicatorEngine {
  constructor(private readonly registry: MeasureRegistry) {}

  async institutions(em: EntityManager, tenantId: string): Promise<Map<string, InstitutionFacts>> {
    const rows = await em.getRepository(InstitutionEntity).find({
      select: { id: true, tier: true, kind: true },
      where: { tenantId },
    });
    return new Map(rows.map((r) => [r.id, { tier: r.tier, kind: r.kind }]));
  }

  /** The months to load for these ranges: GROWTH and CHANGE also need the year before. */
  span(defs: readonly IndicatorDefinition[], ranges: readonly (MonthRange | null)[]): MonthRange | null {
    const present = ranges.filter((r): r is MonthRange => r !== null);
    if (!present.length) return null;
    const back = defs.some((d) => d.kind === IndicatorKind.GROWTH || d.kind === IndicatorKind.CHANGE)
      ? 12
      : 0;
    const from = present.reduce((m, r) => (monthIndex(r.from) < monthIndex(m) ? r.from : m), present[0].from);
    const to = present.reduce((m, r) => (monthIndex(r.to) > monthIndex(m) ? r.to : m), present[0].to);
    return { from: addMonths(from, -back), to };
  }

  /**
   * One call per source for institution-level measures (limited to the scope's institutions)
   * and one for consortium-level ones (whole consortium, rows without an institution kept).
   */
  async table(
    em: EntityManager,
    tenantId: string,
    defs: readonly IndicatorDefinition[],
    institutions: Map<string, InstitutionFacts>,
    scopeIds: readonly string[] | null,
    span: MonthRange | null,
  ): Promise<MeasureTable> {
    const values: MeasureValue[] = [];
    if (span) {
      const instKeys = new Set<string>();
      const consortiumKeys = new Set<string>();
      for (const d of defs) {
        for (const t of termsOf(d.formula)) (t.consortiumLevel ? consortiumKeys : instKeys).add(t.key);
      }
      const bySource = new Map<MeasureSource, { inst: string[]; con: string[] }>();
      const assign = (keys: Set<string>, side: 'inst' | 'con') => {
        for (const k of keys) {
          const s = this.registry.sourceOf(k);
          if (!s) continue;
          const entry = bySource.get(s) ?? { inst: [], con: [] };
          entry[side].push(k);
          bySource.set(s, entry);
        }
      };
      assign(instKeys, 'inst');
      assign(consortiumKeys, 'con');
      for (const [source, keys] of bySource) {
        if (scopeIds === null) {
          const all = [...new Set([...keys.inst, ...keys.con])];
          values.push(...(await source.monthly(em, { tenantId, institutionIds: null }, all, span)));
          continue;
        }
        if (keys.inst.length && scopeIds.length) {
          values.push(...(await source.monthly(em, { tenantId, institutionIds: scopeIds }, keys.inst, span)));
        }
        if (keys.con.length) {
          const rows = await source.monthly(em, { tenantId, institutionIds: null }, keys.con, span);
          values.push(...rows.filter((v) => v.institutionId === null));
        }
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
