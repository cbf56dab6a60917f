import { StateCache } from './state-cache';

/** A cache over a fake table whose reads are counted and can be held open. */
function harness(ttlMs = 5000) {
  let now = 1_000_000;
  const table = new Map<string, number>([
    ['a', 1],
    ['b', 2],
  ]);
  const reads: string[][] = [];
  let hold: Promise<void> | undefined;
  const cache = new StateCache<number>(
    ttlMs,
    async (ids) => {
      reads.push(ids);
      const snapshot = new Map(ids.filter((id) => table.has(id)).map((id) => [id, table.get(id)!]));
      await hold;
      return snapshot;
    },
    () => now,
  );
  return {
    cache,
    table,
    reads,
    advance: (ms: number) => (now += ms),
    holdReads: () => {
      let release!: () => void;
      hold = new Promise((r) => (release = r));
      return () => {
        hold = undefined;
        release();
      };
    },
  };
}

describe('StateCache', () => {
  it('reads a state once per time to live, however often it is asked for', async () => {
    const h = harness();
    expect(await h.cache.get('a')).toBe(1);
    for (let i = 0; i < 1000; i++) expect(h.cache.fresh('a')?.state).toBe(1);
    expect(h.reads).toEqual([['a']]);
    h.advance(4999);
    expect(h.cache.fresh('a')?.state).toBe(1);
    h.advance(1);
    expect(h.cache.fresh('a')).toBeUndefined();
    h.table.set('a', 7);
    expect(await h.cache.get('a')).toBe(7);
    expect(h.reads).toHaveLength(2);
  });

  it('remembers that a row is missing (null), and joins concurrent reads of one id', async () => {
    const h = harness();
    const all = await Promise.all([h.cache.get('zz'), h.cache.get('zz'), h.cache.get('zz')]);
    expect(all).toEqual([null, null, null]);
    expect(h.reads).toEqual([['zz']]);
    expect(h.cache.fresh('zz')).toEqual({ state: null, at: expect.any(Number) });
  });

  it('never keeps what a read returned when the id was invalidated while the read was in flight', async () => {
    const h = harness();
    const release = h.holdReads();
    const pending = h.cache.get('a');
    // The change commits and is announced while the old value is on its way back.
    h.table.set('a', 9);
    h.cache.invalidate('a');
    release();
    expect(await pending).toBe(9);
    expect(h.cache.fresh('a')?.state).toBe(9);
    expect(h.reads).toEqual([['a'], ['a']]);
  });

  it('after clear() (messages may have been lost) reads everything again, ignoring reads in flight', async () => {
    const h = harness();
    await h.cache.get('a');
    const release = h.holdReads();
    const pending = h.cache.get('b');
    h.cache.clear();
    h.table.set('b', 5);
    release();
    expect(await pending).toBe(5);
    expect(h.cache.fresh('a')).toBeUndefined();
  });

  it('refreshes only stale ids, all in one read', async () => {
    const h = harness();
    await h.cache.get('a');
    h.reads.length = 0;
    await h.cache.refresh(['a', 'b', 'b', 'c']);
    expect(h.reads).toEqual([['b', 'c']]);
    await h.cache.refresh(['a', 'b', 'c']);
    expect(h.reads).toHaveLength(1);
  });
});
