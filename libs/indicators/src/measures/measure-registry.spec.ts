import type { EntityManager } from 'typeorm';
import { MeasureRegistry } from './measure-registry';
import type { MeasureScope, MeasureSource, MeasureValue, MonthRange } from './measure-source';

/** A source that answers 1 for every key, month and institution asked, and records each call. */
class CountingSource implements MeasureSource {
  readonly keys = ['ref.up', 'ref.down', 'ref.received'];
  readonly levelKeys: readonly string[] = [];
  readonly calls: { keys: readonly string[]; range: MonthRange; scope: MeasureScope }[] = [];

  async monthly(
    _em: EntityManager,
    scope: MeasureScope,
    keys: readonly string[],
    range: MonthRange,
  ): Promise<MeasureValue[]> {
    this.calls.push({ keys, range, scope });
    const months: string[] = [];
    for (let m = range.from; m <= range.to; m = next(m)) months.push(m);
    return keys.flatMap((key) => months.map((month) => ({ key, month, institutionId: 'a', value: 1 })));
  }

  async contributors() {
    return { total: 0, rows: [] };
  }
}

const next = (m: string) => {
  const [y, mo] = m.split('-').map(Number);
  return mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
};
const manager = (inTransaction: boolean) =>
  ({ queryRunner: { isTransactionActive: inTransaction } }) as unknown as EntityManager;
const whole = { tenantId: 't', institutionIds: null };

describe('MeasureRegistry.monthly', () => {
  it('reads each key and month once per transaction and scope', async () => {
    const source = new CountingSource();
    const registry = new MeasureRegistry([source]);
    const em = manager(true);
    // The indicators ask for two runs of months …
    await registry.monthly(em, source, whole, ['ref.up', 'ref.down'], { from: '2026-09', to: '2026-10' });
    await registry.monthly(em, source, whole, ['ref.up'], { from: '2025-10', to: '2025-10' });
    // … then the scorecard for a month inside the first, with one key more.
    const again = await registry.monthly(em, source, whole, ['ref.up', 'ref.received'], {
      from: '2026-10',
      to: '2026-10',
    });
    expect(source.calls.map((c) => [c.keys, c.range.from, c.range.to])).toEqual([
      [['ref.up', 'ref.down'], '2026-09', '2026-10'],
      [['ref.up'], '2025-10', '2025-10'],
      [['ref.received'], '2026-10', '2026-10'],
    ]);
    expect(again.map((v) => `${v.key} ${v.month}`).sort()).toEqual([
      'ref.received 2026-10',
      'ref.up 2026-10',
    ]);
    // Another scope, another transaction: read again.
    await registry.monthly(em, source, { tenantId: 't', institutionIds: ['a'] }, ['ref.up'], {
      from: '2026-10',
      to: '2026-10',
    });
    await registry.monthly(manager(true), source, whole, ['ref.up'], { from: '2026-10', to: '2026-10' });
    expect(source.calls).toHaveLength(5);
  });

  it('keeps nothing outside a transaction', async () => {
    const source = new CountingSource();
    const registry = new MeasureRegistry([source]);
    const em = manager(false);
    await registry.monthly(em, source, whole, ['ref.up'], { from: '2026-10', to: '2026-10' });
    await registry.monthly(em, source, whole, ['ref.up'], { from: '2026-10', to: '2026-10' });
    expect(source.calls).toHaveLength(2);
  });
});
