import type { Readable } from 'node:stream';
import { Decode, ImportFileError, ImportFormat, readTable } from '@yg/drugs';
import { mapHeaders, RawRecord } from '../domain/records';
import type { IntakeFileFormat } from './intake-upload.service';

/** Rows above the header searched for it (a title line or two is common in exports). */
const HEADER_SEARCH_ROWS = 10;

export interface FileRecord {
  /** 1-based line of the file. */
  line: number;
  /** The record, or why the line is not one. */
  record: RawRecord | null;
  problem?: string;
}

/**
 * A visit-data file as records in batches, never holding the whole file. CSV: the first row
 * naming the required columns (Chinese or English headers) within the first lines is the
 * header. NDJSON: one JSON object per line, keys in Chinese or English.
 */
export function readRecords(
  input: Readable,
  format: IntakeFileFormat,
  spec: Record<string, string[]>,
  required: readonly string[],
): AsyncIterable<FileRecord[]> {
  return format === 'CSV' ? csvRecords(input, spec, required) : ndjsonRecords(input, spec);
}

async function* csvRecords(
  input: Readable,
  spec: Record<string, string[]>,
  required: readonly string[],
): AsyncGenerator<FileRecord[]> {
  let columns: [string, number][] | null = null;
  let first: string[] | null = null;
  for await (const batch of readTable(input, ImportFormat.CSV).rows) {
    const out: FileRecord[] = [];
    for (const { line, cells } of batch) {
      if (!cells.some((c) => c.trim() !== '')) continue;
      if (!columns) {
        first ??= cells;
        if (line > HEADER_SEARCH_ROWS) break;
        const map = mapHeaders(cells, spec, required);
        if (map) columns = Object.entries(map);
        continue;
      }
      const record: RawRecord = {};
      for (const [field, i] of columns) record[field] = cells[i];
      out.push({ line, record });
    }
    if (!columns) {
      throw new ImportFileError(
        `找不到表头:需要列 ${required.join(', ')}(中文或英文列名) ` +
          `(no header row naming the required columns); 第一行 (first row): ` +
          `${(first ?? []).slice(0, 12).join(', ').slice(0, 300)}`,
      );
    }
    if (out.length) yield out;
  }
  if (!columns) throw new ImportFileError('文件中没有数据 (the file holds no rows)');
}

async function* ndjsonRecords(input: Readable, spec: Record<string, string[]>): AsyncGenerator<FileRecord[]> {
  const text = input.pipe(new Decode());
  input.on('error', (err: Error) => text.destroy(err));
  let buf = '';
  let line = 0;
  const parse = (raw: string): FileRecord | null => {
    line++;
    const s = raw.trim();
    if (!s) return null;
    let obj: unknown;
    try {
      obj = JSON.parse(s);
    } catch {
      return { line, record: null, problem: '不是有效的 JSON (not valid JSON)' };
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) {
      return { line, record: null, problem: '每行应为一个 JSON 对象 (each line must be a JSON object)' };
    }
    const source = obj as Record<string, unknown>;
    const keys = Object.keys(source);
    const map = mapHeaders(keys, spec, []) ?? {};
    const record: RawRecord = {};
    for (const [field, i] of Object.entries(map)) {
      const v = source[keys[i]];
      record[field] =
        v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
          ? v
          : String(v);
    }
    return { line, record };
  };
  for await (const chunk of text as AsyncIterable<string>) {
    buf += chunk;
    const parts = buf.split('\n');
    buf = parts.pop()!;
    const out = parts.map(parse).filter((r): r is FileRecord => r !== null);
    if (out.length) yield out;
  }
  const last = parse(buf);
  if (last) yield [last];
}
