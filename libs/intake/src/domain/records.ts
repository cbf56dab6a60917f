import { hash as oneShotHash } from 'node:crypto';
import { parseResidentId } from '@yg/patients/domain/resident-id';

/**
 * Validation of one reported record, shared by the push mutation and file imports: the raw
 * values (typed from GraphQL, text from a file) become a normalised row or a reason in Chinese
 * with English beside it. Pure: the ID number is hashed by the caller's keyed hash function.
 */

export enum EncounterKind {
  OUTPATIENT = 'OUTPATIENT',
  EMERGENCY = 'EMERGENCY',
  INPATIENT = 'INPATIENT',
}

export type RawValue = string | number | boolean | null | undefined;
export type RawRecord = Record<string, RawValue>;
export type Hasher = (normalizedIdNumber: string) => string;

export interface EncounterRow {
  sourceRecordId: string;
  kind: EncounterKind;
  occurredOn: string;
  dischargedOn: string | null;
  idNumberHash: string | null;
  department: string | null;
  tcm: boolean;
  diagnosisCode: string | null;
  insured: boolean;
  resident: boolean;
  chronicManaged: boolean;
  totalCost: number;
  fundPaid: number;
  contentHash: string;
}

export interface OocRow {
  sourceRecordId: string;
  settledOn: string;
  inpatient: boolean;
  hospitalName: string;
  hospitalLevel: string | null;
  idNumberHash: string | null;
  totalCost: number;
  fundPaid: number;
  contentHash: string;
}

export type Parsed<T> = { ok: true; row: T } | { ok: false; reason: string };

/** Dates accepted: from this day up to the caller's today. */
export const EARLIEST_DAY = '2000-01-01';
const MAX_AMOUNT = 999_999_999_999;
const ICD10 = /^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$/;

class RowError extends Error {}
const fail = (zh: string, en: string): never => {
  throw new RowError(`${zh} (${en})`);
};

function text(v: RawValue): string {
  if (v === null || v === undefined) return '';
  return String(v).trim();
}

function required(v: RawValue, zh: string, en: string, max: number): string {
  const s = text(v);
  if (!s) fail(`缺少${zh}`, `${en} is missing`);
  if (s.length > max) fail(`${zh}过长`, `${en} is longer than ${max} characters`);
  return s;
}

function optional(v: RawValue, zh: string, en: string, max: number): string | null {
  const s = text(v);
  if (!s) return null;
  if (s.length > max) fail(`${zh}过长`, `${en} is longer than ${max} characters`);
  return s;
}

const TRUE = new Set(['true', '1', 'y', 'yes', 't', '是', '有']);
const FALSE = new Set(['false', '0', 'n', 'no', 'f', '否', '无', '']);

function flag(v: RawValue, zh: string, en: string): boolean {
  if (typeof v === 'boolean') return v;
  const s = text(v).toLowerCase();
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  return fail(`${zh}应为 是/否`, `${en} must be true or false`);
}

function amount(v: RawValue, zh: string, en: string): number {
  const s = text(v);
  if (!s) return fail(`缺少${zh}`, `${en} is missing`);
  const n = typeof v === 'number' ? v : Number(s);
  if (!Number.isFinite(n) || n < 0 || n > MAX_AMOUNT)
    fail(`${zh}不是有效金额`, `${en} is not a valid amount`);
  if (Math.round(n * 100) !== Number((n * 100).toFixed(6))) {
    fail(`${zh}最多两位小数`, `${en} has more than two decimals`);
  }
  return Math.round(n * 100) / 100;
}

/** YYYY-MM-DD (also YYYY/MM/DD), a real calendar day within [EARLIEST_DAY, today]. */
export function day(v: RawValue, zh: string, en: string, today: string): string {
  const s = text(v).replace(/\//g, '-');
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (!m) return fail(`${zh}格式应为 YYYY-MM-DD`, `${en} must be YYYY-MM-DD`);
  const iso = `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo))
    fail(`${zh}不是有效日期`, `${en} is not a calendar day`);
  if (iso < EARLIEST_DAY) fail(`${zh}早于 ${EARLIEST_DAY}`, `${en} is before ${EARLIEST_DAY}`);
  if (iso > today) fail(`${zh}晚于今天`, `${en} is in the future`);
  return iso;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const KINDS: Record<string, EncounterKind> = {
  OUTPATIENT: EncounterKind.OUTPATIENT,
  门诊: EncounterKind.OUTPATIENT,
  EMERGENCY: EncounterKind.EMERGENCY,
  急诊: EncounterKind.EMERGENCY,
  INPATIENT: EncounterKind.INPATIENT,
  住院: EncounterKind.INPATIENT,
};

function idHash(v: RawValue, hash: Hasher): string | null {
  const s = text(v);
  if (!s) return null;
  const id = parseResidentId(s);
  // The reason names the rule, never echoes the number.
  if (!id.ok) return fail('身份证号无效', 'the ID number is not valid');
  return hash(id.value.normalized);
}

/** SHA-256 of the normalised values; the one-shot `hash` is over twice as fast per row as createHash. */
function digest(parts: (string | number | boolean | null)[]): string {
  return oneShotHash('sha256', JSON.stringify(parts), 'hex').slice(0, 32);
}

export function parseEncounter(r: RawRecord, today: string, hash: Hasher): Parsed<EncounterRow> {
  try {
    const sourceRecordId = required(r.sourceRecordId, '记录号', 'sourceRecordId', 64);
    const kind = KINDS[text(r.kind).toUpperCase()];
    if (!kind) fail('就诊类型应为 门诊/急诊/住院', 'kind must be OUTPATIENT, EMERGENCY or INPATIENT');
    const occurredOn = day(r.occurredOn, '就诊(入院)日期', 'occurredOn', today);
    const dischargedOn = text(r.dischargedOn) ? day(r.dischargedOn, '出院日期', 'dischargedOn', today) : null;
    if (dischargedOn && kind !== EncounterKind.INPATIENT) {
      fail('只有住院记录有出院日期', 'only inpatient records have a discharge date');
    }
    if (dischargedOn && dischargedOn < occurredOn) {
      fail('出院日期早于入院日期', 'dischargedOn is before the admission date');
    }
    const diagnosisCode = optional(r.diagnosisCode, '诊断编码', 'diagnosisCode', 12)?.toUpperCase() ?? null;
    if (diagnosisCode && !ICD10.test(diagnosisCode)) {
      fail(
        '诊断编码不是 ICD-10 格式(如 I10、E11.9)',
        'diagnosisCode is not an ICD-10 code such as I10 or E11.9',
      );
    }
    const insured = flag(r.insured, '参保', 'insured');
    const totalCost = amount(r.totalCost, '总费用', 'totalCost');
    const fundPaid = text(r.fundPaid) ? amount(r.fundPaid, '医保基金支付', 'fundPaid') : 0;
    if (fundPaid > totalCost) fail('医保基金支付超过总费用', 'fundPaid exceeds totalCost');
    if (fundPaid > 0 && !insured) fail('未参保却有医保基金支付', 'fundPaid on an uninsured encounter');
    const row: Omit<EncounterRow, 'contentHash'> = {
      sourceRecordId,
      kind: kind!,
      occurredOn,
      dischargedOn,
      idNumberHash: idHash(r.idNumber, hash),
      department: optional(r.department, '科室', 'department', 60),
      tcm: flag(r.tcm, '中医类', 'tcm'),
      diagnosisCode,
      insured,
      resident: flag(r.resident, '县域居民', 'resident'),
      chronicManaged: flag(r.chronicManaged, '慢病管理', 'chronicManaged'),
      totalCost,
      fundPaid,
    };
    return { ok: true, row: { ...row, contentHash: digest(Object.values(row)) } };
  } catch (err) {
    if (err instanceof RowError) return { ok: false, reason: err.message };
    throw err;
  }
}

export function parseOutOfCounty(r: RawRecord, today: string, hash: Hasher): Parsed<OocRow> {
  try {
    const totalCost = amount(r.totalCost, '总费用', 'totalCost');
    const fundPaid = text(r.fundPaid) ? amount(r.fundPaid, '医保基金支付', 'fundPaid') : 0;
    if (fundPaid > totalCost) fail('医保基金支付超过总费用', 'fundPaid exceeds totalCost');
    const row: Omit<OocRow, 'contentHash'> = {
      sourceRecordId: required(r.sourceRecordId, '结算号', 'sourceRecordId', 64),
      settledOn: day(r.settledOn, '结算日期', 'settledOn', today),
      inpatient: flag(r.inpatient, '住院', 'inpatient'),
      hospitalName: required(r.hospitalName, '就诊医院', 'hospitalName', 100),
      hospitalLevel: optional(r.hospitalLevel, '医院等级', 'hospitalLevel', 20),
      idNumberHash: idHash(r.idNumber, hash),
      totalCost,
      fundPaid,
    };
    return { ok: true, row: { ...row, contentHash: digest(Object.values(row)) } };
  } catch (err) {
    if (err instanceof RowError) return { ok: false, reason: err.message };
    throw err;
  }
}

/** File headers (Chinese or English, case and spacing ignored) to record fields. */
export const ENCOUNTER_HEADERS: Record<string, string[]> = {
  sourceRecordId: ['sourceRecordId', '记录号', '就诊流水号', '流水号'],
  kind: ['kind', '就诊类型', '类型'],
  occurredOn: ['occurredOn', '就诊日期', '入院日期', '就诊(入院)日期'],
  dischargedOn: ['dischargedOn', '出院日期'],
  idNumber: ['idNumber', '身份证号', '证件号码'],
  department: ['department', '科室'],
  tcm: ['tcm', '中医类', '中医'],
  diagnosisCode: ['diagnosisCode', '诊断编码', '诊断代码', 'ICD10'],
  insured: ['insured', '参保', '是否参保'],
  resident: ['resident', '县域居民', '本县居民'],
  chronicManaged: ['chronicManaged', '慢病管理', '慢病管理对象'],
  totalCost: ['totalCost', '总费用', '医疗总费用'],
  fundPaid: ['fundPaid', '医保基金支付', '统筹支付'],
};

export const OOC_HEADERS: Record<string, string[]> = {
  sourceRecordId: ['sourceRecordId', '结算号', '结算流水号'],
  settledOn: ['settledOn', '结算日期'],
  inpatient: ['inpatient', '住院'],
  hospitalName: ['hospitalName', '就诊医院', '医院名称'],
  hospitalLevel: ['hospitalLevel', '医院等级'],
  idNumber: ['idNumber', '身份证号', '证件号码'],
  totalCost: ['totalCost', '总费用', '医疗总费用'],
  fundPaid: ['fundPaid', '医保基金支付', '统筹支付'],
};

const squash = (h: string) => h.replace(/[\s_()()]/g, '').toLowerCase();

/** Column index per field for a header row; null when a required column is missing. */
export function mapHeaders(
  headers: readonly string[],
  spec: Record<string, string[]>,
  requiredFields: readonly string[],
): Record<string, number> | null {
  const lookup = new Map<string, string>();
  for (const [field, names] of Object.entries(spec)) for (const n of names) lookup.set(squash(n), field);
  const out: Record<string, number> = {};
  headers.forEach((h, i) => {
    const f = lookup.get(squash(h));
    if (f && out[f] === undefined) out[f] = i;
  });
  return requiredFields.every((f) => out[f] !== undefined) ? out : null;
}
