const MAX_ENTRIES = 100_000;

/**
 * id → state read from Postgres, trusted for `ttlMs` and then read again. Concurrent reads of
 * one id share a load; an invalidation while a load is in flight discards that load's result,
 * so a change is never overwritten by what was read before it.
 */
export class StateCache<S> {
  private readonly entries = new Map<string, { state: S | null; at: number }>();
  private readonly loads = new Map<string, Promise<void>>();
  /** Bumped per id on invalidation, and for everything on clear(). */
  private readonly epochs = new Map<string, number>();
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    /** Reads the states of these ids; a missing id has no row. */
    private readonly fetch: (ids: string[]) => Promise<Map<string, S>>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The entry if it is still within its time to live (state null: no such row). */
  fresh(id: string): { state: S | null } | undefined {
    const e = this.entries.get(id);
    return e && this.now() - e.at < this.ttlMs ? e : undefined;
  }

  /** The current state, loading it (or joining a load in flight) unless fresh. */
  async get(id: string): Promise<S | null> {
    // A load whose result was discarded (the id changed meanwhile) is retried.
    for (let attempt = 0; attempt < 3; attempt++) {
      const hit = this.fresh(id);
      if (hit) return hit.state;
      await (this.loads.get(id) ?? this.load([id]));
    }
    const hit = this.fresh(id);
    if (hit) return hit.state;
    throw new Error(`state of ${id} changed during every read`);
  }

  /** Loads, in one query, every id whose entry is missing or stale and not already loading. */
  async refresh(ids: Iterable<string>): Promise<void> {
    const stale = [...new Set(ids)].filter((id) => !this.fresh(id) && !this.loads.has(id));
    if (stale.length) await this.load(stale);
  }

  invalidate(id: string): void {
    this.entries.delete(id);
    this.loads.delete(id);
    if (this.epochs.size >= MAX_ENTRIES) this.clear();
    this.epochs.set(id, (this.epochs.get(id) ?? 0) + 1);
  }

  /** Forgets everything, including what loads in flight will return. */
  clear(): void {
    this.entries.clear();
    this.loads.clear();
    this.epochs.clear();
    this.generation++;
  }

  get size(): number {
    return this.entries.size;
  }

  private load(ids: string[]): Promise<void> {
    const generation = this.generation;
    const epochs = ids.map((id) => this.epochs.get(id) ?? 0);
    // Stamped with the start of the read: the state is at least that old.
    const at = this.now();
    const p = this.fetch(ids)
      .then((found) => {
        if (generation !== this.generation) return;
        if (this.entries.size + ids.length > MAX_ENTRIES) this.entries.clear();
        ids.forEach((id, i) => {
          if ((this.epochs.get(id) ?? 0) === epochs[i])
            this.entries.set(id, { state: found.get(id) ?? null, at });
        });
      })
      .finally(() => {
        for (const id of ids) if (this.loads.get(id) === p) this.loads.delete(id);
      });
    for (const id of ids) this.loads.set(id, p);
    return p;
  }
}
