import type { CsvLineSink } from '../files/csv';
import { copyText } from '../files/copy';
import {
  DictionaryColumns,
  DictionaryRow,
  mapDictionaryHeaders,
  MAX_TEXT,
  parseDictionaryRow,
  rowFlags,
  RowRules,
} from '../domain/dictionary-columns';
import { ImportRowError } from '../entities/dictionary.entities';

/** Bad rows kept with their reasons; past this they are only counted. */
export const IMPORT_ERRORS_KEPT = 1000;
/** Rows above the header searched for it (a title line or two is common in published sheets). */
const HEADER_SEARCH_ROWS = 10;

export interface ReadStats {
  rowsTotal: number;
  rowsOk: number;
  rowsBad: number;
  errors: ImportRowError[];
  codesDistinct: number;
  headerFound: boolean;
  firstRow: string[] | null;
  /** Distinct (product key, name) pairs of the kept rows, as `key \0 name` (NUL is refused in names). */
  names: Set<string>;
}

export function emptyReadStats(): ReadStats {
  return {
    rowsTotal: 0,
    rowsOk: 0,
    rowsBad: 0,
    errors: [],
    codesDistinct: 0,
    headerFound: false,
    firstRow: null,
    names: new Set(),
  };
}

/**
 * What the COPY lines are for: `stage` (the staging table of a merge: the essential flag may be
 * empty) or drug_code itself (its status and editions are not sent: the bulk load sets them as
 * the columns' defaults). `narrow` (a CSV: one header for the whole file): the columns the
 * header lacks are left out of the lines, since every row would send them empty (their
 * defaults, NULL or false, are the same values); without it every column is sent.
 */
export interface CopyTarget {
  stage: boolean;
  narrow?: boolean;
}

const N = '\\N';

/** The columns a line may leave out, in line order: index into `Shape`. */
const OPTIONAL_COLUMNS = [
  ['dosage_form'],
  ['spec'],
  ['maker'],
  ['trade_name'],
  ['approval_no'],
  ['insurance_class'],
  ['essential', 'essential_edition'],
] as const;
/** Which of OPTIONAL_COLUMNS the lines carry. */
type Shape = boolean[];
const FULL: Shape = OPTIONAL_COLUMNS.map(() => true);

/** The columns every line carries: the code, its parts and the name. */
const KEY_COLUMNS = [
  'code',
  'kind',
  'class_code',
  'product_key',
  'spec_no',
  'pack_no',
  'maker_code',
  'generic_name',
];

function shapeOf(c: DictionaryColumns): Shape {
  return [
    c.dosageForm !== undefined,
    c.spec !== undefined,
    c.maker !== undefined,
    c.tradeName !== undefined,
    c.approvalNo !== undefined,
    c.insuranceClass !== undefined,
    // rowFlags gives an essential flag only from an essential column.
    c.essential !== undefined,
  ];
}

// The code's parts, the insurance class, the essential-list edition are letters and digits
// (checked by the row's validation): only the free texts may need COPY's escapes.
function stringLine(r: DictionaryRow, shape: Shape, stage: boolean): string {
  let s = `${r.code}\t${r.kind}\t${r.classCode}\t${r.productKey}\t${r.specNo}\t${r.packNo}\t${r.makerCode}\t${copyText(r.genericName)}`;
  if (shape[0]) s += `\t${copyText(r.dosageForm)}`;
  if (shape[1]) s += `\t${copyText(r.spec)}`;
  if (shape[2]) s += `\t${copyText(r.maker)}`;
  if (shape[3]) s += `\t${copyText(r.tradeName)}`;
  if (shape[4]) s += `\t${copyText(r.approvalNo)}`;
  if (shape[5]) s += `\t${r.insuranceClass ?? N}`;
  if (shape[6]) s += essentialText(r.essential, r.essentialEdition, stage);
  return `${s}\n`;
}

/** The essential flag and its edition, tab first; drug_code's flag is never empty. */
function essentialText(essential: boolean | null, edition: string | null, stage: boolean): string {
  if (stage) return `\t${essential === null ? N : essential ? 't' : 'f'}\t${edition ?? N}`;
  return essential ? `\tt\t${edition}` : `\tf\t${N}`;
}

// A national code's layout by position: L a capital letter, D a digit (X_CODE and Z_CODE).
const X_LAYOUT = Buffer.from('XLDDLLLDDDLDDDDDDDDDDDD', 'latin1');
const Z_LAYOUT = Buffer.from('ZLDDLLLDDDDDDDDDDDDD', 'latin1');
const L = 76;

function codeLaidOut(buf: Buffer, s: number, layout: Buffer): boolean {
  if (buf[s] !== layout[0]) return false;
  for (let i = 1; i < layout.length; i++) {
    const b = buf[s + i];
    if (layout[i] === L ? b < 65 || b > 90 : b < 48 || b > 57) return false;
  }
  return true;
}

/** Whether the character starting at byte i is one that String.prototype.trim removes (or a C0 control). */
function spaceAt(buf: Buffer, i: number): boolean {
  const b = buf[i];
  if (b < 0x80) return b <= 0x20;
  const b1 = buf[i + 1];
  const b2 = buf[i + 2];
  switch (b) {
    case 0xc2:
      return b1 === 0xa0; // U+00A0
    case 0xe1:
      return b1 === 0x9a && b2 === 0x80; // U+1680
    case 0xe2: // U+2000–200A, U+2028, U+2029, U+202F, U+205F
      return (
        (b1 === 0x80 && (b2 <= 0x8a || b2 === 0xa8 || b2 === 0xa9 || b2 === 0xaf)) ||
        (b1 === 0x81 && b2 === 0x9f)
      );
    case 0xe3:
      return b1 === 0x80 && b2 === 0x80; // U+3000
    case 0xef:
      return b1 === 0xbb && b2 === 0xbf; // U+FEFF
    default:
      return false;
  }
}

/**
 * Bytes [s, e) of valid UTF-8 that `parseDictionaryRow` would keep exactly as they are, and COPY
 * takes without escapes: nothing to trim, at most MAX_TEXT bytes (so characters), no control
 * character, DEL, U+FFFD or backslash. Anything else goes the way of strings.
 */
function plainText(buf: Buffer, s: number, e: number): boolean {
  if (e - s > MAX_TEXT || spaceAt(buf, s)) return false;
  let last = e - 1;
  while (last > s && (buf[last] & 0xc0) === 0x80) last--;
  if (spaceAt(buf, last)) return false;
  for (let i = s; i < e; i++) {
    const b = buf[i];
    if (b < 0x20 || b === 0x7f || b === 0x5c) return false;
    if (b === 0xef && buf[i + 1] === 0xbf && buf[i + 2] === 0xbd) return false;
  }
  return true;
}

const TAB = 9;
const NL = 10;
const NULL_BYTES = Buffer.from(N, 'latin1');
const OUT_SIZE = 2 * 1024 * 1024;

/**
 * The national list's rows as COPY text, built as they are read and handed on in large
 * buffers. Every row goes through `row` (its cells as strings: XLSX, and whatever the byte path
 * declines) or, for a CSV read as UTF-8, first through `line`: a row whose cells need no
 * normalising, trimming or escaping (nearly every row of a published list) is checked on its
 * bytes (the code's layout, the texts' edges and characters) and its COPY line copied from the
 * input's bytes, with no string for any cell but the code. Both ways give the same rows, the
 * same bad-row reasons and the same counts (tested side by side).
 *
 * Bad rows are counted and the first ones kept with their reasons; a code seen before in the
 * file is skipped (one line per rule in some published files): the first line wins.
 */
export class DictionaryCopyWriter implements CsvLineSink {
  columns: DictionaryColumns | null = null;
  private sheet = 0;
  private readonly seen = new Set<string>();
  /** A product's name as last added, so most rows skip building the pair's key. */
  private readonly named = new Map<string, string>();
  private out = Buffer.allocUnsafe(OUT_SIZE);
  private at = 0;
  // The byte path's view of the columns, set with the header.
  private last = -1;
  private code = 0;
  private name = 0;
  /** dosage form, spec, maker, trade name, approval no.: -1 when the file lacks one. */
  private readonly optional = new Int32Array(5);
  private flagColumns: number[] = [];
  private starts = new Int32Array(0);
  private ends = new Int32Array(0);
  private prevKey = '';
  private prevName: Buffer = Buffer.alloc(0);
  /** The optional columns the lines carry: all, or (narrow) those of the first header. */
  private shape: Shape = FULL;
  private shaped = false;

  constructor(
    private readonly rules: RowRules,
    readonly stats: ReadStats,
    private readonly target: CopyTarget,
  ) {}

  /**
   * The columns of the lines, in order. Fixed once a header is found (narrow); before that, and
   * for a file without a header (no line is written), every column.
   */
  copyColumns(): string[] {
    const columns = [...KEY_COLUMNS];
    OPTIONAL_COLUMNS.forEach((names, i) => {
      if (this.shape[i]) columns.push(...names);
    });
    return columns;
  }

  /** The COPY text built since the last call, or null. */
  take(): Buffer | null {
    if (this.at === 0) return null;
    const done = this.out.subarray(0, this.at);
    this.out = Buffer.allocUnsafe(OUT_SIZE);
    this.at = 0;
    return done;
  }

  finish(): void {
    this.stats.codesDistinct = this.seen.size;
  }

  record(line: number, cells: string[]): void {
    this.row(1, line, cells);
  }

  /** One row as cells. */
  row(sheet: number, line: number, cells: string[]): void {
    const { stats } = this;
    if (sheet !== this.sheet) [this.sheet, this.columns, this.last] = [sheet, null, -1];
    if (!cells.some((c) => c.trim() !== '')) return;
    if (!this.columns) {
      stats.firstRow ??= cells;
      if (line > HEADER_SEARCH_ROWS) return;
      this.columns = mapDictionaryHeaders(cells);
      if (this.columns) {
        stats.headerFound = true;
        if (this.target.narrow) {
          // Lines already written have the first header's shape.
          if (this.shaped) throw new Error('a narrow COPY takes one header (one sheet)');
          this.shape = shapeOf(this.columns);
        }
        this.shaped = true;
        this.byteColumns(this.columns);
      }
      return;
    }
    stats.rowsTotal++;
    const verdict = parseDictionaryRow(cells, this.columns, this.rules);
    if (!verdict.ok) {
      stats.rowsBad++;
      if (stats.errors.length < IMPORT_ERRORS_KEPT) {
        stats.errors.push({
          line,
          ...(sheet > 1 ? { sheet } : {}),
          code: verdict.code,
          reason: verdict.reason,
        });
      }
      return;
    }
    stats.rowsOk++;
    const r = verdict.row;
    if (this.seen.has(r.code)) return;
    this.seen.add(r.code);
    this.addName(r.productKey, r.genericName);
    const text = stringLine(r, this.shape, this.target.stage);
    this.ensure(text.length * 3);
    this.at += this.out.write(text, this.at, 'utf8');
  }

  private addName(productKey: string, genericName: string): void {
    if (this.named.get(productKey) !== genericName) {
      this.named.set(productKey, genericName);
      this.stats.names.add(`${productKey}\0${genericName}`);
    }
  }

  private byteColumns(c: DictionaryColumns): void {
    const at = (i: number | undefined) => (i === undefined ? -1 : i);
    this.code = c.code!;
    this.name = c.name!;
    this.optional.set([at(c.dosageForm), at(c.spec), at(c.maker), at(c.tradeName), at(c.approvalNo)]);
    this.flagColumns = [c.insuranceClass, c.essential, c.essentialEdition].filter(
      (i): i is number => i !== undefined,
    );
    this.last = Math.max(...Object.values(c));
    this.starts = new Int32Array(this.last + 1);
    this.ends = new Int32Array(this.last + 1);
  }

  private ensure(bytes: number): void {
    if (this.at + bytes <= this.out.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.out.length * 2, this.at + bytes));
    this.out.copy(bigger, 0, 0, this.at);
    this.out = bigger;
  }

  private bytes(src: Buffer, s: number, e: number): void {
    const { out } = this;
    let at = this.at;
    if (e - s > 32) {
      at += src.copy(out, at, s, e);
    } else {
      for (let i = s; i < e; i++) out[at++] = src[i];
    }
    this.at = at;
  }

  private optionalText(buf: Buffer, col: number): void {
    this.out[this.at++] = TAB;
    const s = col < 0 ? 0 : this.starts[col];
    const e = col < 0 ? 0 : this.ends[col];
    if (s === e) this.bytes(NULL_BYTES, 0, NULL_BYTES.length);
    else this.bytes(buf, s, e);
  }

  private ascii(text: string): void {
    this.at += this.out.write(text, this.at, 'latin1');
  }

  /** One unquoted CSV line as bytes; false (nothing done) when it must go the way of strings. */
  line(buf: Buffer, pos: number, stop: number, line: number, utf8: boolean): boolean {
    if (!utf8 || this.last < 0 || this.sheet !== 1) return false;
    const { starts, ends, optional } = this;
    // The cells up to the last column read; a line short of it goes the other way.
    let s = pos;
    for (let col = 0; col <= this.last; col++) {
      let e = buf.indexOf(44, s);
      if (e === -1 || e > stop) e = stop;
      starts[col] = s;
      ends[col] = e;
      if (e === stop && col < this.last) return false;
      s = e + 1;
    }
    // The code as published (20 or 23 characters of its layout): nothing to normalise.
    const cs = starts[this.code];
    const ce = ends[this.code];
    const x = buf[cs] === 88;
    if (ce - cs !== (x ? 23 : 20) || !codeLaidOut(buf, cs, x ? X_LAYOUT : Z_LAYOUT)) return false;
    const ns = starts[this.name];
    const ne = ends[this.name];
    if (ns === ne || !plainText(buf, ns, ne)) return false;
    for (let k = 0; k < 5; k++) {
      const col = optional[k];
      if (col >= 0 && starts[col] !== ends[col] && !plainText(buf, starts[col], ends[col])) return false;
    }
    let flags: ReturnType<typeof rowFlags> | null = null;
    if (this.flagColumns.length) {
      const cells: string[] = [];
      for (const col of this.flagColumns) cells[col] = buf.toString('utf8', starts[col], ends[col]);
      flags = rowFlags(cells, this.columns!, this.rules);
      if ('reason' in flags) return false;
    }
    // A good row, the same as parseDictionaryRow makes of it.
    const { stats } = this;
    stats.rowsTotal++;
    stats.rowsOk++;
    const code = buf.toString('latin1', cs, ce);
    if (this.seen.has(code)) return true;
    this.seen.add(code);
    const keyLength = x ? 14 : 11;
    const key = code.slice(0, keyLength);
    if (key !== this.prevKey || buf.compare(this.prevName, 0, this.prevName.length, ns, ne) !== 0) {
      this.addName(key, buf.toString('utf8', ns, ne));
      this.prevKey = key;
      this.prevName = Buffer.from(buf.subarray(ns, ne));
    }

    this.ensure(stop - pos + 200);
    const { out, shape } = this;
    // code, kind, class, product key, spec no., pack no., maker number
    this.bytes(buf, cs, ce);
    out[this.at++] = TAB;
    out[this.at++] = buf[cs];
    out[this.at++] = TAB;
    this.bytes(buf, cs, cs + 6);
    out[this.at++] = TAB;
    this.bytes(buf, cs, cs + keyLength);
    out[this.at++] = TAB;
    this.bytes(buf, cs + keyLength, cs + keyLength + 2);
    out[this.at++] = TAB;
    this.bytes(buf, cs + keyLength + 2, cs + keyLength + 4);
    out[this.at++] = TAB;
    this.bytes(buf, ce - 5, ce);
    out[this.at++] = TAB;
    this.bytes(buf, ns, ne);
    for (let k = 0; k < 5; k++) if (shape[k]) this.optionalText(buf, optional[k]);
    if (shape[5]) {
      out[this.at++] = TAB;
      this.ascii(flags?.insuranceClass ?? N);
    }
    if (shape[6]) {
      this.ascii(essentialText(flags?.essential ?? null, flags?.essentialEdition ?? null, this.target.stage));
    }
    out[this.at++] = NL;
    return true;
  }
}
