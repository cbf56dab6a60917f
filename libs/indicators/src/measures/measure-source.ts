import type { EntityManager } from 'typeorm';

/**
 * The contract between the data that indicators are computed from and the indicator engine.
 *
 * Every number an indicator uses is a named monthly measure per institution (or per consortium
 * when it has no institution, like out-of-county settlements or the resident population). Each
 * capability that owns data (encounter intake, referrals, consultations, drugs) answers its own
 * measures from its own tables or rollups, so the engine never reads raw visits and never
 * learns another capability's schema.
 *
 * Measure keys are `<family>.<name>`: enc.* encounter rollups, ooc.* out-of-county settlements,
 * stat.* yearly statistics (reported once a year, valid for each month of it), ref.* referrals,
 * con.* consultations, drug.* medication continuity, net.* the network itself.
 */
export interface MeasureScope {
  tenantId: string;
  /** null: every institution of the consortium, plus consortium-level values. */
  institutionIds: readonly string[] | null;
}

/** Months as 'YYYY-MM', both ends included. */
export interface MonthRange {
  from: string;
  to: string;
  /**
   * Only these months of the range (ascending, distinct, from..to included), when given: a
   * month's report needs the month, the one before and last year's, which one statement per
   * source reads as well as one per run of months. A source that reads the whole range instead
   * is still right (the registry keeps the months asked), only slower.
   */
  months?: readonly string[];
}

export interface MeasureValue {
  key: string;
  month: string;
  /** null for consortium-level values (ooc.*, stat.population …). */
  institutionId: string | null;
  value: number;
}

export interface ContributorRow {
  /** The record's kind and id, so a client can open it (encounter, referral, consultation …). */
  kind: string;
  id: string;
  month: string;
  institutionId: string | null;
  /** What it contributes to the measure (1 for a count, the amount for a sum). */
  value: number;
  /** A short human label; never unmasked personal data. */
  label: string;
  occurredAt: string;
}

export interface ContributorPage {
  total: number;
  rows: ContributorRow[];
}

export interface MeasureSource {
  /** The measure keys this source answers. Keys are unique across sources. */
  readonly keys: readonly string[];
  /**
   * Keys that are levels (a population, a staff count, clinics with ECG) rather than flows
   * (visits, costs): over several months the engine averages their monthly values instead of
   * summing them, so a yearly figure reported once and valid for each month keeps its size.
   */
  readonly levelKeys: readonly string[];
  /**
   * Whether its values are computed from other sources' measures (through the registry): the
   * engine then reads it after the others, so within a report those reads are already held.
   */
  readonly readsOtherSources?: boolean;
  /**
   * With readsOtherSources: the other sources' keys it reads (for the whole consortium, the
   * months it is asked for). The engine reads them with its own call to each source, so a
   * report sends one statement per source however many of them need it.
   */
  dependencies?(em: EntityManager, tenantId: string): Promise<readonly string[]>;
  /** Monthly values for the keys it owns; missing institution-months are simply absent (zero). */
  monthly(
    em: EntityManager,
    scope: MeasureScope,
    keys: readonly string[],
    range: MonthRange,
  ): Promise<MeasureValue[]>;
  /** The records behind one measure in a range, paged, newest first. */
  contributors(
    em: EntityManager,
    scope: MeasureScope,
    key: string,
    range: MonthRange,
    page: { offset: number; limit: number },
  ): Promise<ContributorPage>;
}

/** Nest token: the array of every registered MeasureSource. */
export const MEASURE_SOURCES = Symbol('MEASURE_SOURCES');
