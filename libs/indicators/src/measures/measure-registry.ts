import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { monthsAsked } from '../domain/period';
import { MEASURE_SOURCES, MeasureScope, MeasureSource, MeasureValue, MonthRange } from './measure-source';

/** One key's values read so far in a transaction, by month (a month read is present, maybe empty). */
type Loaded = Map<string, MeasureValue[]>;

/** Every registered source by key; refuses to start when two sources claim one key. */
@Injectable()
export class MeasureRegistry {
  private readonly byKey = new Map<string, MeasureSource>();
  readonly levelKeys: ReadonlySet<string>;
  /** Per transaction (its EntityManager): what each scope's keys were read for, by month. */
  private readonly loaded = new WeakMap<EntityManager, Map<string, Loaded>>();
  /** Per transaction: other reads a report makes more than once (consortium, institutions, …). */
  private readonly kept = new WeakMap<EntityManager, Map<string, Promise<unknown>>>();

  constructor(@Inject(MEASURE_SOURCES) readonly sources: readonly MeasureSource[]) {
    const levels = new Set<string>();
    for (const s of sources) {
      for (const k of s.keys) {
        if (this.byKey.has(k)) throw new Error(`measure ${k} is claimed by two sources`);
        this.byKey.set(k, s);
      }
      for (const k of s.levelKeys) levels.add(k);
    }
    this.levelKeys = levels;
  }

  sourceOf(key: string): MeasureSource | undefined {
    return this.byKey.get(key);
  }

  get availableKeys(): ReadonlySet<string> {
    return new Set(this.byKey.keys());
  }

  /**
   * `load()` once per transaction and key: the indicators and the seven-unification scorecard
   * behind N01–N03 both need the consortium, its institutions and such, inside one snapshot
   * where they cannot differ. Outside a transaction it simply loads.
   */
  once<T>(em: EntityManager, key: string, load: () => Promise<T>): Promise<T> {
    if (!em.queryRunner?.isTransactionActive) return load();
    let kept = this.kept.get(em);
    if (!kept) this.kept.set(em, (kept = new Map()));
    let p = kept.get(key) as Promise<T> | undefined;
    if (!p) kept.set(key, (p = load()));
    return p;
  }

  /**
   * `source.monthly`, each key and month read at most once per transaction and scope: a
   * month's report needs the same referral, consultation and medication measures for its own
   * indicators and again for the qualitative ones (the seven-unification scorecard), and both
   * read inside the report's one REPEATABLE READ snapshot, where they cannot differ. Keys
   * already read for every month asked are answered from memory; the rest in one call. Outside
   * a transaction nothing is kept: a manager that outlives one request must not serve old data.
   */
  async monthly(
    em: EntityManager,
    source: MeasureSource,
    scope: MeasureScope,
    keys: readonly string[],
    range: MonthRange,
  ): Promise<MeasureValue[]> {
    if (!em.queryRunner?.isTransactionActive) return source.monthly(em, scope, keys, range);
    let memo = this.loaded.get(em);
    if (!memo) this.loaded.set(em, (memo = new Map()));
    const ids = scope.institutionIds;
    const scopeKey = `${scope.tenantId}|${ids === null ? '*' : [...ids].sort().join(',')}`;
    const months = monthsAsked(range);
    const missing = keys.filter((k) => {
      const l = memo.get(`${scopeKey}|${k}`);
      return !l || months.some((m) => !l.has(m));
    });
    if (missing.length) {
      const fetched = await source.monthly(em, scope, missing, range);
      // Every month asked is read anew for the missing keys: replace those months' rows.
      const fresh = new Map<string, Loaded>();
      for (const k of missing) {
        const l: Loaded = memo.get(`${scopeKey}|${k}`) ?? new Map();
        for (const m of months) l.set(m, []);
        memo.set(`${scopeKey}|${k}`, l);
        fresh.set(k, l);
      }
      // Only the months asked: a source may answer its whole range, and a month outside the
      // selection may already be held from an earlier read.
      const asked = new Set(months);
      for (const v of fetched) if (asked.has(v.month)) fresh.get(v.key)?.get(v.month)?.push(v);
    }
    const out: MeasureValue[] = [];
    for (const k of keys) {
      const l = memo.get(`${scopeKey}|${k}`)!;
      for (const m of months) for (const v of l.get(m)!) out.push(v);
    }
    return out;
  }
}
