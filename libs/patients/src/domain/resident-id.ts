/**
 * 居民身份证 (GB 11643-1999) validation, plus masking/normalisation of patient contact data.
 * Pure functions: no I/O, safe to use from any layer.
 */

export type Sex = 'MALE' | 'FEMALE';

export type ResidentIdErrorReason = 'FORMAT' | 'CHECK_DIGIT' | 'BIRTH_DATE' | 'DIVISION_CODE';

export interface ParsedResidentId {
  /** Trimmed, check char upper-cased; use this for storage and lookup hashing. */
  normalized: string;
  divisionCode: string;
  /** YYYY-MM-DD */
  birthDate: string;
  sex: Sex;
}

export type ResidentIdResult =
  { ok: true; value: ParsedResidentId } | { ok: false; reason: ResidentIdErrorReason; message: string };

export type PhoneResult = { ok: true; value: string } | { ok: false; message: string };

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

// Province-level prefixes; 81/82/83 are used by HK/Macau/Taiwan residence permits.
const PROVINCE_PREFIXES: ReadonlySet<string> = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
  '83',
]);

const MIN_BIRTH_DATE = '1890-01-01';
// Birth dates on IDs are Beijing dates; servers often run in UTC, so "today" is taken at UTC+8
// (China has had no DST since 1991).
const CHINA_UTC_OFFSET_MS = 8 * 60 * 60 * 1000;

/** ISO 7064 MOD 11-2 check char for the first 17 digits. */
export function residentIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) {
    throw new Error('residentIdCheckChar expects exactly 17 digits');
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    sum += Number(first17[i]) * WEIGHTS[i];
  }
  return CHECK_CHARS[sum % 11];
}

function fail(reason: ResidentIdErrorReason, message: string): ResidentIdResult {
  return { ok: false, reason, message };
}

function chinaDateString(date: Date): string {
  return new Date(date.getTime() + CHINA_UTC_OFFSET_MS).toISOString().slice(0, 10);
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

export function parseResidentId(raw: string, today: Date = new Date()): ResidentIdResult {
  const normalized = raw.trim().toUpperCase();

  if (!/^\d{17}[\dX]$/.test(normalized)) {
    return fail(
      'FORMAT',
      '身份证号格式错误，应为18位：前17位为数字，最后一位为数字或X (ID number must be 18 characters: 17 digits followed by a digit or X)',
    );
  }

  // Check digit first: a failure here almost always means a typo, which is the most useful hint.
  if (residentIdCheckChar(normalized.slice(0, 17)) !== normalized[17]) {
    return fail(
      'CHECK_DIGIT',
      '身份证号校验位错误，请逐位核对号码是否输入有误 (ID number check digit is wrong; please re-check each digit for typos)',
    );
  }

  const divisionCode = normalized.slice(0, 6);
  if (!PROVINCE_PREFIXES.has(divisionCode.slice(0, 2))) {
    return fail(
      'DIVISION_CODE',
      '身份证号前两位地区代码无效，请核对号码开头 (ID number starts with an invalid province code; please check the first two digits)',
    );
  }

  const year = Number(normalized.slice(6, 10));
  const month = Number(normalized.slice(10, 12));
  const day = Number(normalized.slice(12, 14));
  if (!isCalendarDate(year, month, day)) {
    return fail(
      'BIRTH_DATE',
      '身份证号中的出生日期（第7-14位）不是有效日期，请核对 (The birth date in the ID number, digits 7-14, is not a valid date; please check it)',
    );
  }

  const birthDate = `${normalized.slice(6, 10)}-${normalized.slice(10, 12)}-${normalized.slice(12, 14)}`;
  if (birthDate > chinaDateString(today)) {
    return fail(
      'BIRTH_DATE',
      '身份证号中的出生日期（第7-14位）晚于今天，请核对 (The birth date in the ID number, digits 7-14, is in the future; please check it)',
    );
  }
  if (birthDate < MIN_BIRTH_DATE) {
    return fail(
      'BIRTH_DATE',
      '身份证号中的出生日期（第7-14位）早于1890年，请核对 (The birth date in the ID number, digits 7-14, is before 1890; please check it)',
    );
  }

  // The 17th digit's parity decides sex (odd = male), same as the whole 3-digit sequence.
  const sex: Sex = Number(normalized[16]) % 2 === 1 ? 'MALE' : 'FEMALE';

  return { ok: true, value: { normalized, divisionCode, birthDate, sex } };
}

/** `500114********1234`. Short inputs are fully masked so masking never reveals the whole value. */
export function maskResidentId(normalized: string): string {
  if (normalized.length <= 10) {
    return '*'.repeat(normalized.length);
  }
  return `${normalized.slice(0, 6)}${'*'.repeat(8)}${normalized.slice(-4)}`;
}

// Users' numbers are masked the same way (libs/core).
export { maskPhone } from '@yg/core';

const MOBILE_RE = /^1[3-9]\d{9}$/;
const MOBILE_WITH_COUNTRY_CODE_RE = /^\+?86(1[3-9]\d{9})$/;
const LANDLINE_RE = /^0\d{2,3}\d{7,8}$/;

export function normalizePhone(raw: string): PhoneResult {
  const compact = raw.replace(/[\s-]/g, '');

  if (MOBILE_RE.test(compact) || LANDLINE_RE.test(compact)) {
    return { ok: true, value: compact };
  }
  const withCountryCode = MOBILE_WITH_COUNTRY_CODE_RE.exec(compact);
  if (withCountryCode) {
    return { ok: true, value: withCountryCode[1] };
  }
  return {
    ok: false,
    message:
      '电话号码格式错误，请输入11位手机号或带区号的固定电话，如 13900000000 或 023-12345678 (Invalid phone number: enter an 11-digit mobile number or a landline with area code, e.g. 13900000000 or 023-12345678)',
  };
}
