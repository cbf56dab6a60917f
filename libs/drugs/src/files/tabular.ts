import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { finished } from 'node:stream/promises';
import { TextDecoder } from 'node:util';
import type { CellValue } from 'exceljs';
import { excel } from '@yg/core';
import { ImportFormat } from '../domain/drug.enums';
import {
  CellDecoder,
  CsvLineSink,
  CsvSyntaxError,
  parseCsv,
  parseCsvBytes,
  scanCsvBytes,
  utf8Cells,
} from './csv';

/** A file the import cannot read at all (wrong type, no usable header, not a spreadsheet). */
export class ImportFileError extends Error {}

export interface TableRow {
  /** Worksheet number (1-based) for XLSX; 1 for CSV. */
  sheet: number;
  /** Line of the file (CSV) or row number of the sheet (XLSX), 1-based, header included. */
  line: number;
  cells: string[];
}

/** The format a file name says; anything else is refused with what to do instead. */
export function formatOf(fileName: string): ImportFormat {
  const ext = extname(fileName).toLowerCase();
  if (ext === '.csv' || ext === '.txt') return ImportFormat.CSV;
  if (ext === '.xlsx') return ImportFormat.XLSX;
  throw new ImportFileError(
    `不支持的文件类型 ${ext || '(无扩展名)'},请另存为 .csv (UTF-8 或 GB18030) 或 .xlsx ` +
      `(unsupported file type; save it as .csv or .xlsx)`,
  );
}

/** Passes bytes through unchanged, hashing them on the way. */
class HashTap extends Transform {
  constructor(private readonly hash: Hash) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
    this.hash.update(chunk);
    cb(null, chunk);
  }
}

/**
 * Bytes to text, streamed. UTF-8 unless the first chunk is not valid UTF-8, then GB18030 (what
 * Excel and most Chinese HIS exports write). The decoder keeps split characters between chunks.
 */
export class Decode extends Transform {
  private decoder?: TextDecoder;
  constructor() {
    super({ decodeStrings: true, readableObjectMode: true });
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
    if (!this.decoder) {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(chunk, { stream: true });
        this.decoder = new TextDecoder('utf-8');
      } catch {
        this.decoder = new TextDecoder('gb18030');
      }
    }
    cb(null, this.decoder.decode(chunk, { stream: true }));
  }
  override _flush(cb: TransformCallback) {
    cb(null, this.decoder?.decode() ?? '');
  }
}

/** The decoder of a file's cells, chosen as `Decode` chooses: UTF-8 unless its first bytes are not. */
export function cellDecoderFor(first: Buffer): CellDecoder {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(first, { stream: true });
    return utf8Cells;
  } catch {
    const gb = new TextDecoder('gb18030');
    return (buf, start, end) => gb.decode(buf.subarray(start, end));
  }
}

/** A spreadsheet cell as the text a person sees in it. */
export function cellText(v: CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if ('richText' in v) return v.richText.map((r) => r.text).join('');
  if ('text' in v && typeof v.text === 'string') return v.text;
  if ('result' in v) return v.result === undefined ? '' : cellText(v.result as CellValue);
  if ('error' in v) return '';
  return '';
}

async function* csvRows(input: Readable): AsyncGenerator<TableRow[]> {
  const text = input.pipe(new Decode());
  input.on('error', (err: Error) => text.destroy(err));
  try {
    for await (const batch of parseCsv(text as AsyncIterable<string>)) {
      yield batch.map((r) => ({ sheet: 1, line: r.line, cells: r.cells }));
    }
  } catch (err) {
    throw fileError(err, 'CSV');
  }
}

/** CSV read as bytes, decoding only the cells `wanted` names once it names any. */
async function* csvCells(
  input: Readable,
  wanted: () => readonly number[] | null,
): AsyncGenerator<TableRow[]> {
  try {
    yield* parseCsvBytes(input as AsyncIterable<Buffer>, cellDecoderFor, wanted);
  } catch (err) {
    throw fileError(err, 'CSV');
  }
}

/** Errors of the file itself become ImportFileError (retrying cannot help); others pass. */
function fileError(err: unknown, kind: 'CSV' | 'XLSX'): unknown {
  if (err instanceof ImportFileError) return err;
  const code = (err as { code?: string }).code ?? '';
  if (['ENOENT', 'EACCES', 'EISDIR'].includes(code)) {
    return new ImportFileError(`无法读取文件 (cannot read the file): ${code}`);
  }
  if (err instanceof CsvSyntaxError) return new ImportFileError(err.message);
  if (kind === 'XLSX') {
    return new ImportFileError(
      `无法读取 ${kind} 文件 (cannot read the ${kind} file): ${(err as Error).message}`,
    );
  }
  return err;
}

async function* xlsxRows(input: Readable): AsyncGenerator<TableRow[]> {
  const reader = new (excel().stream.xlsx.WorkbookReader)(input, {
    sharedStrings: 'cache',
    worksheets: 'emit',
    styles: 'ignore',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  let sheet = 0;
  let batch: TableRow[] = [];
  try {
    for await (const ws of reader) {
      sheet++;
      for await (const row of ws) {
        const values = row.values as CellValue[];
        // exceljs rows are 1-based and sparse.
        const cells: string[] = [];
        for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
        batch.push({ sheet, line: row.number, cells });
        if (batch.length >= 1000) {
          yield batch;
          batch = [];
        }
      }
    }
    if (batch.length) yield batch;
  } catch (err) {
    throw fileError(err, 'XLSX');
  }
}

/** SHA-256 of a file's bytes, hex. */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk);
  } catch (err) {
    throw fileError(err, 'CSV');
  }
  return hash.digest('hex');
}

export interface TableReading {
  /** Rows in batches, in file order. */
  rows: AsyncIterable<TableRow[]>;
  /** SHA-256 of the file's bytes, hex: call once `rows` has been read to the end. */
  sha256(): Promise<string>;
  /**
   * With `{ columns: true }`: from now on only these columns are read; a CSV row's other
   * cells may come back empty (a row whose named cells are all blank comes whole).
   */
  onlyColumns(columns: readonly number[]): void;
}

/**
 * Reads a CSV or XLSX file row by row, never holding the whole file (an XLSX's shared-string
 * table is held: it is the workbook's dictionary of distinct texts), and hashes its bytes on the way.
 */
export function readTable(
  input: Readable | string,
  format: ImportFormat,
  opts: { columns?: boolean } = {},
): TableReading {
  const hash = createHash('sha256');
  const source = typeof input === 'string' ? createReadStream(input, { highWaterMark: 256 * 1024 }) : input;
  const tapped = source.pipe(new HashTap(hash));
  source.on('error', (err: Error) => tapped.destroy(err));
  let digest: string | undefined;
  let wanted: readonly number[] | null = null;
  return {
    rows:
      format === ImportFormat.XLSX
        ? xlsxRows(tapped)
        : opts.columns
          ? csvCells(tapped, () => wanted)
          : csvRows(tapped),
    onlyColumns(columns) {
      wanted = [...new Set(columns)].sort((a, b) => a - b);
    },
    async sha256() {
      if (digest) return digest;
      // A zip reader may stop before the archive's trailing directory: hash the rest too.
      if (!tapped.readableEnded) {
        tapped.resume();
        await finished(tapped);
      }
      return (digest = hash.digest('hex'));
    },
  };
}

/**
 * A CSV file handed to `sink` record by record (see `scanCsvBytes`), its bytes hashed on the
 * way. `scan` yields once per chunk read.
 */
export function scanCsvFile(
  path: string,
  sink: CsvLineSink,
): { scan: AsyncIterable<void>; sha256(): string } {
  const hash = createHash('sha256');
  let digest: string | undefined;
  async function* bytes(): AsyncGenerator<Buffer> {
    for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
      hash.update(chunk as Buffer);
      yield chunk as Buffer;
    }
  }
  async function* scan(): AsyncGenerator<void> {
    try {
      yield* scanCsvBytes(bytes(), cellDecoderFor, sink);
    } catch (err) {
      throw fileError(err, 'CSV');
    }
  }
  return {
    scan: scan(),
    sha256: () => (digest ??= hash.digest('hex')),
  };
}
