import { isUtf8 } from 'node:buffer';
/** A CSV file that cannot be read as CSV (an unterminated quote). */
export class CsvSyntaxError extends Error {
  constructor(readonly line: number) {
    super(`CSV 第 ${line} 行起的引号没有闭合 (unterminated quoted field starting on line ${line})`);
  }
}

export interface CsvRecord {
  /** Line on which the record starts, 1-based. */
  line: number;
  cells: string[];
}

interface Parsed {
  cells: string[];
  /** Index just past the record's line break. */
  next: number;
  /** Line breaks the record spans (inside quotes and its own). */
  lines: number;
}

/** One quoted-or-not record starting at `pos`; null when the buffer ends before it does. */
function slowRecord(buf: string, pos: number, eof: boolean): Parsed | null {
  const cells: string[] = [];
  let cell = '';
  let lines = 0;
  let i = pos;
  let quoted = false;
  let atStart = true;
  while (i < buf.length) {
    const c = buf.charCodeAt(i);
    if (quoted) {
      if (c === 34 /* " */) {
        if (i + 1 >= buf.length && !eof) return null;
        if (buf.charCodeAt(i + 1) === 34) {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      if (c === 10) lines++;
      cell += buf[i];
      i++;
      continue;
    }
    if (c === 34 && atStart) {
      quoted = true;
      atStart = false;
      i++;
      continue;
    }
    if (c === 44 /* , */) {
      cells.push(cell);
      cell = '';
      atStart = true;
      i++;
      continue;
    }
    if (c === 10 || c === 13) {
      if (c === 13) {
        if (i + 1 >= buf.length && !eof) return null;
        if (buf.charCodeAt(i + 1) === 10) i++;
      }
      cells.push(cell);
      return { cells, next: i + 1, lines: lines + 1 };
    }
    // A quote inside an unquoted field is kept as it is (common in hand-made exports).
    cell += buf[i];
    atStart = false;
    i++;
  }
  if (!eof) return null;
  if (quoted) throw new CsvSyntaxError(-1);
  cells.push(cell);
  return { cells, next: buf.length, lines: 0 };
}

/**
 * RFC 4180 CSV from text chunks, in batches of records: quoted fields with doubled quotes, line
 * breaks inside quotes, CRLF or LF, a leading BOM. Lines without a quote take the fast path (a
 * split), which is most lines of a published list; it reads ~10× faster than a general-purpose
 * parser, which was most of an import's time.
 */
export async function* parseCsv(
  chunks: AsyncIterable<string>,
  batchSize = 1000,
): AsyncGenerator<CsvRecord[]> {
  let buf = '';
  let line = 1;
  let first = true;
  let batch: CsvRecord[] = [];
  const take = (eof: boolean): void => {
    let pos = 0;
    // The next quote at or after pos (-1: none in the buffer), found once per buffer pass.
    let quote = buf.indexOf('"');
    for (;;) {
      if (pos >= buf.length) break;
      const nl = buf.indexOf('\n', pos);
      let rec: Parsed | null;
      const end = nl === -1 ? buf.length : nl;
      if (quote !== -1 && quote < pos) quote = buf.indexOf('"', pos);
      if (nl === -1 && !eof) {
        // The record may still have a quote in the part not read yet: wait for it.
        rec = null;
      } else if (quote === -1 || quote > end) {
        const stop = end > pos && buf.charCodeAt(end - 1) === 13 ? end - 1 : end;
        rec = { cells: buf.slice(pos, stop).split(','), next: nl === -1 ? buf.length : nl + 1, lines: 1 };
      } else {
        try {
          rec = slowRecord(buf, pos, eof);
        } catch (err) {
          if (err instanceof CsvSyntaxError) throw new CsvSyntaxError(line);
          throw err;
        }
      }
      if (!rec) break;
      if (!(rec.cells.length === 1 && rec.cells[0] === '')) batch.push({ line, cells: rec.cells });
      line += rec.lines;
      pos = rec.next;
    }
    buf = buf.slice(pos);
  };
  for await (const chunk of chunks) {
    buf = buf ? buf + chunk : chunk;
    if (first && buf.length) {
      if (buf.charCodeAt(0) === 0xfeff) buf = buf.slice(1);
      first = false;
    }
    take(false);
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  take(true);
  if (batch.length) yield batch;
}

/** Text of bytes [start, end) of a buffer, in the file's encoding. */
export type CellDecoder = (buf: Buffer, start: number, end: number) => string;

/**
 * Where the record starting at `pos` ends (just past its line break), by the same rules as
 * `slowRecord`; -1 when the buffer ends before it does.
 */
function recordEnd(buf: Buffer, pos: number, eof: boolean): number {
  let quoted = false;
  let atStart = true;
  for (let i = pos; i < buf.length; i++) {
    const c = buf[i];
    if (quoted) {
      if (c === 34) {
        if (i + 1 >= buf.length && !eof) return -1;
        if (buf[i + 1] === 34) i++;
        else quoted = false;
      }
      continue;
    }
    if (c === 34 && atStart) {
      quoted = true;
      atStart = false;
    } else if (c === 44) {
      atStart = true;
    } else if (c === 10) {
      return i + 1;
    } else if (c === 13) {
      if (i + 1 >= buf.length && !eof) return -1;
      return buf[i + 1] === 10 ? i + 2 : i + 1;
    } else {
      atStart = false;
    }
  }
  return eof ? buf.length : -1;
}

/**
 * Only the cells at `wanted` (ascending) of the unquoted line [pos, stop), the others empty;
 * null when every wanted cell is blank (the caller reads the whole line, to tell a blank line
 * from a row that lacks them).
 */
function projected(
  buf: Buffer,
  pos: number,
  stop: number,
  wanted: readonly number[],
  text: CellDecoder,
): string[] | null {
  const cells: string[] = [];
  const last = wanted[wanted.length - 1];
  let blank = true;
  let start = pos;
  let k = 0;
  for (let col = 0; col <= last; col++) {
    let end = buf.indexOf(44, start);
    if (end === -1 || end > stop) end = stop;
    if (col === wanted[k]) {
      const v = text(buf, start, end);
      if (blank && v.trim() !== '') blank = false;
      cells.push(v);
      k++;
    } else {
      cells.push('');
    }
    if (end >= stop) break;
    start = end + 1;
  }
  return blank ? null : cells;
}

/**
 * `parseCsv` over bytes: the same records, but a cell is decoded only when it is read. Once
 * `wanted()` names columns, the other cells of a line without quotes are neither decoded nor
 * split (left empty): a dictionary import reads 2–10 of a file's columns, and decoding the
 * rest (long descriptions) was most of its reading. Commas, quotes and line breaks are found
 * as bytes, which holds for UTF-8 and GB18030 alike (neither uses these bytes inside a
 * character). `decoder` is chosen from the first chunk. Read by `scanCsvBytes`, batched.
 */
export async function* parseCsvBytes(
  chunks: AsyncIterable<Buffer>,
  decoderFor: (first: Buffer) => CellDecoder,
  wanted: () => readonly number[] | null = () => null,
  batchSize = 1000,
): AsyncGenerator<(CsvRecord & { sheet: 1 })[]> {
  let decode: CellDecoder | null = null;
  // Shaped as a spreadsheet's rows (sheet 1): one object per record, not two.
  let batch: (CsvRecord & { sheet: 1 })[] = [];
  const sink: CsvLineSink = {
    line(buf, pos, stop, line) {
      const cols = wanted();
      const cells =
        (cols?.length && projected(buf, pos, stop, cols, decode!)) || decode!(buf, pos, stop).split(',');
      batch.push({ sheet: 1, line, cells });
      return true;
    },
    record(line, cells) {
      batch.push({ sheet: 1, line, cells });
    },
  };
  const chosen = (first: Buffer) => (decode = decoderFor(first));
  for await (const _ of scanCsvBytes(chunks, chosen, sink)) {
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/** Where `scanCsvBytes` hands each record, in file order. */
export interface CsvLineSink {
  /**
   * An unquoted, non-blank line: bytes [pos, stop) of `buf` (`utf8`: those bytes are valid
   * UTF-8 and the file is read as UTF-8). True when the sink took it as bytes; false to have
   * it decoded and split for `record`.
   */
  line(buf: Buffer, pos: number, stop: number, line: number, utf8: boolean): boolean;
  /** A record as cells (a quoted one, or a line `line` declined). */
  record(line: number, cells: string[]): void;
}

/**
 * The records `parseCsv` reads, handed to `sink` one by one as they are read, and an
 * unquoted line first offered as bytes: a sink that can use the bytes as they are (a COPY
 * line built straight from them) never makes strings or arrays for it. Yields once per chunk
 * read, so the caller can pass on what the sink built.
 */
export async function* scanCsvBytes(
  chunks: AsyncIterable<Buffer>,
  decoderFor: (first: Buffer) => CellDecoder,
  sink: CsvLineSink,
): AsyncGenerator<void> {
  let buf: Buffer = Buffer.alloc(0);
  let line = 1;
  let text: CellDecoder | null = null;
  let utf8File = false;
  const take = (eof: boolean): void => {
    const decode = text!;
    // A line break is never inside a UTF-8 character: the lines up to the last one are whole.
    const whole = eof ? buf.length : buf.lastIndexOf(10) + 1;
    const utf8 = utf8File && isUtf8(buf.subarray(0, whole));
    let pos = 0;
    let quote = buf.indexOf(34);
    while (pos < buf.length) {
      const nl = buf.indexOf(10, pos);
      if (nl === -1 && !eof) break;
      const end = nl === -1 ? buf.length : nl;
      if (quote !== -1 && quote < pos) quote = buf.indexOf(34, pos);
      if (quote === -1 || quote > end) {
        const stop = end > pos && buf[end - 1] === 13 ? end - 1 : end;
        if (stop > pos && !sink.line(buf, pos, stop, line, utf8)) {
          sink.record(line, decode(buf, pos, stop).split(','));
        }
        line++;
        pos = nl === -1 ? buf.length : nl + 1;
        continue;
      }
      const next = recordEnd(buf, pos, eof);
      if (next === -1) break;
      let rec: Parsed | null;
      try {
        rec = slowRecord(decode(buf, pos, next), 0, true);
      } catch (err) {
        if (err instanceof CsvSyntaxError) throw new CsvSyntaxError(line);
        throw err;
      }
      if (!(rec!.cells.length === 1 && rec!.cells[0] === '')) sink.record(line, rec!.cells);
      line += rec!.lines;
      pos = next;
    }
    buf = buf.subarray(pos);
  };
  const start = (): void => {
    text = decoderFor(buf);
    utf8File = isUtf8Decoder(text);
    if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
  };
  for await (const chunk of chunks) {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    if (!text) {
      if (buf.length < 3) continue;
      start();
    }
    take(false);
    yield;
  }
  if (!text && buf.length) start();
  if (text) take(true);
  yield;
}

/** The decoder `cellDecoderFor` gives a UTF-8 file (the only one whose bytes pass through). */
export const utf8Cells: CellDecoder = (buf, start, end) => buf.toString('utf8', start, end);

function isUtf8Decoder(d: CellDecoder): boolean {
  return d === utf8Cells;
}
