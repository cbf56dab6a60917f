import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';

const SPECIAL = /[\\\t\n\r]/;

/** A value in COPY's text format: `\N` for null, backslash escapes for the few special characters. */
export function copyText(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  const s = String(v);
  if (!SPECIAL.test(s)) return s;
  return s.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

/** One row of COPY text (a plain loop: this runs once per row of a 280k-row file). */
export function copyLine(values: (string | number | boolean | null | undefined)[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i) line += '\t';
    line += typeof v === 'string' && !SPECIAL.test(v) ? v : copyText(v);
  }
  return line + '\n';
}

/**
 * Streams chunks of COPY text (strings or UTF-8 bytes) into `COPY … FROM STDIN` on the transaction's own connection, with
 * back-pressure: the source is read only as fast as Postgres takes the rows.
 */
export async function copyIn(
  em: EntityManager,
  sql: string,
  chunks: AsyncIterable<string | Buffer>,
): Promise<void> {
  const client = (await em.queryRunner!.connect()) as PoolClient;
  const sink = client.query(copyFrom(sql));
  await pipeline(Readable.from(chunks, { objectMode: false }), sink);
}

/** Groups lines into chunks of about `size` characters: far fewer writes than one per row. */
export async function* chunked(lines: AsyncIterable<string>, size = 64 * 1024): AsyncGenerator<string> {
  let buf = '';
  for await (const line of lines) {
    buf += line;
    if (buf.length >= size) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}
