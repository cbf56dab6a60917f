import type { IndicatorReportModel } from '../models/indicator.models';

const SOURCE_LABEL: Record<string, string> = { NATIONAL: '国家', PROVINCIAL: '省级', CONSORTIUM: '本医共体' };
const SET_LABEL: Record<string, string> = { NATIONAL_2024: '国家监测指标 2024', CONSORTIUM: '本医共体' };

export const EXPORT_HEADERS = [
  '指标体系',
  '代码',
  '指标',
  '维度',
  '单位',
  '值',
  '分子',
  '分母',
  '目标',
  '目标来源',
  '是否达标',
  '上期值',
  '较上期',
  '上年同期值',
  '较上年同期',
  '定义版本',
  '说明',
] as const;

export type Cell = string | number | null;

/** A report as rows of cells under EXPORT_HEADERS: numbers stay numbers, an empty value is null. */
export function reportRows(report: IndicatorReportModel): Cell[][] {
  return report.results.map((r) => [
    SET_LABEL[r.definition.setCode] ?? r.definition.setCode,
    r.code,
    r.definition.nameZh,
    r.definition.dimension,
    r.definition.unit,
    r.value,
    r.numerator,
    r.denominator,
    r.target?.value ?? null,
    r.target ? SOURCE_LABEL[r.target.source] : null,
    r.met === null ? null : r.met ? '是' : '否',
    r.previousValue,
    r.changeFromPrevious,
    r.lastYearValue,
    r.changeFromLastYear,
    r.definition.version,
    r.reason,
  ]);
}

function csvCell(c: Cell): string {
  if (c === null) return '';
  const s = String(c);
  // A leading =, +, - or @ would be run as a formula by spreadsheet programs.
  const safe = typeof c === 'string' && /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese headers right. */
export function toCsv(headers: readonly string[], rows: Cell[][]): Buffer {
  const lines = [headers, ...rows].map((row) => row.map((c) => csvCell(c)).join(','));
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}
