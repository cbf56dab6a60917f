import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import Busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import type { DataSource } from 'typeorm';
import { BadInputError, DomainError } from '../errors/domain-errors';

/**
 * Receiving one file over HTTP multipart, streamed, for imports that keep the uploaded bytes in
 * Postgres (in chunks) until a worker reads them back: no directory shared between api and
 * worker copies. The size limit is counted as bytes arrive (a declared Content-Length over it
 * is refused before reading); each chunk is written as it fills, so an upload holds one chunk
 * in memory and no database connection between chunks. Each capability keeps its own tables
 * and rules; this is the transport they share.
 */

/** Bytes per stored chunk: what one upload holds in memory at a time. */
export const UPLOAD_CHUNK_BYTES = 256 * 1024;
/** Multipart framing and the small fields around the file. */
const MULTIPART_SLACK = 64 * 1024;

export class PayloadTooLargeError extends DomainError {
  constructor(limit: number) {
    super(
      'PAYLOAD_TOO_LARGE',
      `文件超过 ${Math.floor(limit / (1024 * 1024))} MB 上限,请拆分后上传 ` +
        `(the file is larger than the ${limit}-byte limit; split it)`,
      { limitBytes: limit },
    );
  }
}

export class UnsupportedMediaTypeError extends DomainError {
  constructor(message: string) {
    super('UNSUPPORTED_MEDIA_TYPE', message);
  }
}

export class UploadsBusyError extends DomainError {
  constructor() {
    super('RATE_LIMITED', '当前上传较多,请稍后重试 (too many uploads at once; retry shortly)', {
      retryable: true,
    });
  }
}

export interface UploadLimits {
  maxBytes: number;
  /** Uploads streaming at once in this process. */
  concurrency: number;
}

/** Called with the form's fields (sent before the file) and the file's stream. */
export type FileHandler<T> = (
  fields: Record<string, string>,
  stream: Readable,
  info: Busboy.FileInfo,
) => Promise<T>;

/**
 * Takes the single file of a multipart request (field `file`, fields before it) and hands it to
 * `onFile`; refuses anything else with a clear error. One instance per upload endpoint: it
 * counts the uploads streaming through it.
 */
export class MultipartFileReceiver {
  private streaming = 0;

  constructor(private readonly limits: () => UploadLimits) {}

  async receive<T>(req: IncomingMessage, onFile: FileHandler<T>): Promise<T> {
    const { maxBytes, concurrency } = this.limits();
    if (!/^multipart\/form-data\s*;/i.test(req.headers['content-type'] ?? '')) {
      throw new UnsupportedMediaTypeError(
        '请以 multipart/form-data 上传,文件字段名为 file (send multipart/form-data with the file in a field named "file")',
      );
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes + MULTIPART_SLACK) {
      throw new PayloadTooLargeError(maxBytes);
    }
    if (this.streaming >= concurrency) throw new UploadsBusyError();
    this.streaming++;
    try {
      return await parse(req, maxBytes, onFile);
    } finally {
      this.streaming--;
    }
  }
}

function parse<T>(req: IncomingMessage, maxBytes: number, onFile: FileHandler<T>): Promise<T> {
  let bb: Busboy.Busboy;
  try {
    bb = Busboy({
      headers: req.headers,
      // Browsers and curl send file names as raw UTF-8 (Chinese names), not latin1.
      defParamCharset: 'utf8',
      // One byte past the limit: busboy flags a file that reaches its limit exactly.
      limits: {
        fileSize: maxBytes + 1,
        files: 1,
        fields: 8,
        fieldSize: 512,
        parts: 10,
        headerPairs: 20,
      },
    });
  } catch {
    return Promise.reject(new BadInputError('multipart 格式错误 (malformed multipart request)'));
  }
  return new Promise<T>((resolve, reject) => {
    const fields: Record<string, string> = {};
    let file = false;
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe(bb);
      bb.destroy();
      reject(err);
    };
    const tooMany = () => fail(new BadInputError('每次只能上传一个文件 (one file per upload, field "file")'));
    bb.on('field', (name, value, info) => {
      if (file) return fail(new BadInputError('字段须在文件之前 (send the fields before the file)'));
      if (info.valueTruncated)
        return fail(new BadInputError(`字段 ${name.slice(0, 40)} 过长 (field too long)`));
      fields[name] = value;
    });
    bb.on('file', (name, stream, info) => {
      // Destroying the form fails a file stream that has not ended ("Unexpected end of file"):
      // without a listener of its own that error would end the process. Whoever reads the
      // stream (onFile) still gets it through its own listeners.
      let broken: unknown;
      stream.on('error', (err: unknown) => (broken = err));
      if (file || name !== 'file') {
        stream.resume();
        return tooMany();
      }
      file = true;
      stream.once('limit', () => {
        // Stop reading now; end the form once busboy has left the write it is in.
        req.unpipe(bb);
        setImmediate(() => bb.destroy(new PayloadTooLargeError(maxBytes)));
      });
      onFile(fields, stream, info).then(
        (result) => {
          settled = true;
          resolve(result);
        },
        (err: unknown) => {
          stream.resume();
          // The body itself was malformed or cut off (busboy's error, not the handler's).
          fail(
            err === broken && !(err instanceof DomainError)
              ? new BadInputError(
                  `multipart 格式错误 (malformed multipart request): ${(err as Error).message}`,
                )
              : err,
          );
        },
      );
    });
    bb.on('filesLimit', tooMany);
    bb.on('partsLimit', tooMany);
    bb.on('fieldsLimit', () => fail(new BadInputError('字段过多 (too many fields)')));
    // With a file in flight its stream fails with the same error, and the handler reports it
    // once it has cleaned up.
    bb.on('error', (err: unknown) => {
      if (file) return;
      fail(
        err instanceof DomainError
          ? err
          : new BadInputError(`multipart 格式错误 (malformed multipart request): ${(err as Error).message}`),
      );
    });
    bb.on('close', () => {
      if (!file)
        fail(
          new BadInputError('请求中没有文件,字段名应为 file (no file in the request; use the field "file")'),
        );
    });
    // A client that goes away mid-upload: end the form so the file stream fails.
    req.once('close', () => {
      if (!req.complete) bb.destroy(new BadInputError('上传中断 (the upload was interrupted)'));
    });
    req.pipe(bb);
  });
}

export interface StoredFile {
  size: number;
  sha256: string;
}

/** What `inspect` is shown of a file's start (the whole file when it is shorter). */
export const INSPECT_BYTES = 4096;

/**
 * Writes a file stream in chunks of about UPLOAD_CHUNK_BYTES through `write` (seq from 0),
 * hashing it on the way. `inspect` sees the file's first INSPECT_BYTES (to check the content
 * fits the declared type), whatever sizes the stream arrived in, before anything is written.
 * An empty file or one over the limit is refused.
 */
export async function storeInChunks(
  stream: Readable,
  maxBytes: number,
  write: (seq: number, data: Buffer) => Promise<void>,
  inspect?: (first: Buffer) => void,
): Promise<StoredFile> {
  const hash = createHash('sha256');
  let size = 0;
  let seq = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (!pendingBytes) return;
    const data = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    await write(seq++, data);
  };
  let inspected = !inspect;
  const look = () => {
    inspected = true;
    const head = Buffer.concat(pending, pendingBytes);
    inspect?.(head.subarray(0, INSPECT_BYTES));
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (!inspected && pendingBytes >= INSPECT_BYTES) look();
    if (inspected && pendingBytes >= UPLOAD_CHUNK_BYTES) await flush();
  }
  if ((stream as Readable & { truncated?: boolean }).truncated || size > maxBytes) {
    throw new PayloadTooLargeError(maxBytes);
  }
  if (size === 0) throw new BadInputError('文件为空 (the file is empty)');
  if (!inspected) look();
  await flush();
  return { size, sha256: hash.digest('hex') };
}

/**
 * The stored bytes read back in order over the pool (a transaction's own connection may be busy
 * with COPY). `table` holds (`key`, seq, data); both are the caller's constants. `batch` chunks
 * are read per statement: what one reader holds in memory at most.
 */
export function readStoredChunks(
  ds: DataSource,
  table: string,
  key: string,
  id: string,
  batch = 8,
): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    let seq = -1;
    for (;;) {
      const rows: { seq: number; data: Buffer }[] = await ds.query(
        `SELECT seq, data FROM ${table} WHERE ${key} = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
        [id, seq, batch],
      );
      if (!rows.length) return;
      for (const r of rows) {
        seq = r.seq;
        yield r.data;
      }
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}

/** The base name a browser or curl sent, without control characters, bounded. */
export function cleanFileName(name: string | undefined): string {
  const base = basename((name ?? '').replace(/\\/g, '/'))
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim();
  return (base || 'upload').slice(-120);
}
