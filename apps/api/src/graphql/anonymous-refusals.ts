/** What to write for one refused mutation of a caller without a session. */
export type AnonymousVerdict = 'record' | 'summary' | 'skip';

/** Refusals of callers without a session written one by one, per client address and minute. */
export const ANONYMOUS_PER_ADDRESS = 20;
/** The same for all addresses together, per process and minute (addresses are cheap to change). */
export const ANONYMOUS_PER_PROCESS = 600;
const WINDOW_MS = 60_000;
const MAX_ADDRESSES = 10_000;

/**
 * Every refused mutation is audited, and audit rows can never be deleted: a client with no
 * account at all could otherwise fill the trail (and the disk) at the rate it can send requests.
 * Callers without a session are recorded one by one up to a budget per address and per process
 * each minute; the first refusal past a budget is recorded as one `audit.anonymous.limited`
 * event saying so, and the rest of that minute is not written. Signed-in callers are always
 * recorded in full: they are accountable, and their refusals are what auditors look into.
 */
export class AnonymousRefusalBudget {
  private window = -1;
  private readonly byAddress = new Map<string, number>();
  private total = 0;

  take(address: string | null, now: number): { verdict: AnonymousVerdict; scope: 'address' | 'process' } {
    const window = Math.floor(now / WINDOW_MS);
    if (window !== this.window) {
      this.window = window;
      this.byAddress.clear();
      this.total = 0;
    }
    const key = address ?? 'unknown';
    // Past the map's bound every new address shares one budget: memory stays bounded too.
    const slot = this.byAddress.has(key) || this.byAddress.size < MAX_ADDRESSES ? key : '*';
    const seen = (this.byAddress.get(slot) ?? 0) + 1;
    this.byAddress.set(slot, seen);
    this.total++;
    if (this.total > ANONYMOUS_PER_PROCESS) {
      return { verdict: this.total === ANONYMOUS_PER_PROCESS + 1 ? 'summary' : 'skip', scope: 'process' };
    }
    if (seen > ANONYMOUS_PER_ADDRESS) {
      return { verdict: seen === ANONYMOUS_PER_ADDRESS + 1 ? 'summary' : 'skip', scope: 'address' };
    }
    return { verdict: 'record', scope: 'address' };
  }
}
