import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Busboy from 'busboy';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { isUUID } from 'class-validator';
import {
  APP_CONFIG,
  AppConfig,
  AuthUser,
  BadInputError,
  ConflictError,
  DomainError,
  isUniqueViolation,
  JOBS,
  QUEUES,
} from '@yg/core';
import { AuditService } from '@yg/audit';
import { OutboxService } from '@yg/outbox';
import { ImportFormat, ImportStatus } from '../domain/drug.enums';
import { formatOf, ImportFileError } from '../files/tabular';
import { CatalogueAccess } from './catalogue-access.service';

/** Bytes per stored chunk: what one upload holds in memory at a time. */
const CHUNK_BYTES = 256 * 1024;
/** Multipart framing and the small fields around the file. */
const MULTIPART_SLACK = 64 * 1024;
/** An upload still UPLOADING after this is a crashed one (requests end long before). */
const STALE_UPLOAD = '15 minutes';

const MIME_TYPES: Record<ImportFormat, Set<string>> = {
  [ImportFormat.CSV]: new Set([
    'text/csv',
    'text/plain',
    'application/csv',
    'text/comma-separated-values',
    'application/vnd.ms-excel',
    'application/octet-stream',
  ]),
  [ImportFormat.XLSX]: new Set([
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/octet-stream',
    'application/zip',
  ]),
};
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

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

export interface CatalogueUploadReceipt {
  importId: string;
  status: ImportStatus;
  institutionId: string;
  fileName: string;
  format: ImportFormat;
  sizeBytes: number;
  sha256: string;
  fullImport: boolean;
}

export interface CatalogueImportPayload {
  importId: string;
}

/**
 * Receives a member's catalogue file over HTTP multipart and keeps it in Postgres, in chunks,
 * for the worker: no directory shared between api and worker copies. Streamed: the size limit
 * is counted as bytes arrive (a declared Content-Length over it is refused before reading), and
 * each chunk is written as it fills, so an upload holds one chunk in memory and no database
 * connection between chunks. The import row is UPLOADING meanwhile (one open import per
 * institution); only a complete file becomes QUEUED, with its job, in one transaction. A refused
 * or broken upload leaves nothing behind.
 */
@Injectable()
export class CatalogueUploadService {
  private streaming = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly access: CatalogueAccess,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  get maxBytes(): number {
    return this.config.drugs.uploadMaxBytes;
  }

  async receive(user: AuthUser, req: Request): Promise<CatalogueUploadReceipt> {
    if (!/^multipart\/form-data\s*;/i.test(req.headers['content-type'] ?? '')) {
      throw new UnsupportedMediaTypeError(
        '请以 multipart/form-data 上传,文件字段名为 file (send multipart/form-data with the file in a field named "file")',
      );
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.maxBytes + MULTIPART_SLACK) {
      throw new PayloadTooLargeError(this.maxBytes);
    }
    if (this.streaming >= this.config.drugs.uploadConcurrency) throw new UploadsBusyError();
    this.streaming++;
    try {
      return await this.parse(user, req);
    } finally {
      this.streaming--;
    }
  }

  private parse(user: AuthUser, req: Request): Promise<CatalogueUploadReceipt> {
    let bb: Busboy.Busboy;
    try {
      bb = Busboy({
        headers: req.headers,
        // Browsers and curl send file names as raw UTF-8 (Chinese names), not latin1.
        defParamCharset: 'utf8',
        // One byte past the limit: busboy flags a file that reaches its limit exactly.
        limits: {
          fileSize: this.maxBytes + 1,
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
    return new Promise<CatalogueUploadReceipt>((resolve, reject) => {
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
      const tooMany = () =>
        fail(new BadInputError('每次只能上传一个文件 (one file per upload, field "file")'));
      bb.on('field', (name, value, info) => {
        if (file) return fail(new BadInputError('字段须在文件之前 (send the fields before the file)'));
        if (info.valueTruncated)
          return fail(new BadInputError(`字段 ${name.slice(0, 40)} 过长 (field too long)`));
        fields[name] = value;
      });
      bb.on('file', (name, stream, info) => {
        if (file || name !== 'file') {
          stream.resume();
          return tooMany();
        }
        file = true;
        stream.once('limit', () => {
          // Stop reading now; end the form once busboy has left the write it is in.
          req.unpipe(bb);
          setImmediate(() => bb.destroy(new PayloadTooLargeError(this.maxBytes)));
        });
        this.store(user, fields, stream, info).then(
          (receipt) => {
            settled = true;
            resolve(receipt);
          },
          (err: unknown) => fail(err),
        );
      });
      bb.on('filesLimit', tooMany);
      bb.on('partsLimit', tooMany);
      bb.on('fieldsLimit', () => fail(new BadInputError('字段过多 (too many fields)')));
      // With a file in flight its stream fails with the same error, and store() reports it once
      // the partial upload is removed.
      bb.on('error', (err: unknown) => {
        if (file) return;
        fail(
          err instanceof DomainError
            ? err
            : new BadInputError(
                `multipart 格式错误 (malformed multipart request): ${(err as Error).message}`,
              ),
        );
      });
      bb.on('close', () => {
        if (!file)
          fail(
            new BadInputError(
              '请求中没有文件,字段名应为 file (no file in the request; use the field "file")',
            ),
          );
      });
      // A client that goes away mid-upload: end the form so the file stream fails and the row is removed.
      req.once('close', () => {
        if (!req.complete) bb.destroy(new BadInputError('上传中断 (the upload was interrupted)'));
      });
      req.pipe(bb);
    });
  }

  private async store(
    user: AuthUser,
    fields: Record<string, string>,
    stream: Readable,
    info: Busboy.FileInfo,
  ): Promise<CatalogueUploadReceipt> {
    const institutionId = (fields.institutionId ?? '').trim() || user.institutionId;
    if (!isUUID(institutionId)) {
      stream.resume();
      throw new BadInputError('institutionId 格式错误 (malformed institutionId)', { field: 'institutionId' });
    }
    const fullImport = parseFlag(fields.full);
    const fileName = cleanFileName(info.filename);
    let format: ImportFormat;
    try {
      format = formatOf(fileName);
    } catch (err) {
      stream.resume();
      throw new UnsupportedMediaTypeError((err as ImportFileError).message);
    }
    const mime = (info.mimeType ?? '').toLowerCase();
    if (!MIME_TYPES[format].has(mime)) {
      stream.resume();
      throw new UnsupportedMediaTypeError(
        `文件类型 ${mime.slice(0, 60)} 与扩展名不符,请上传 .csv 或 .xlsx (the content type does not fit a .csv or .xlsx file)`,
      );
    }
    try {
      await this.access.assertKeep(user, institutionId);
    } catch (err) {
      stream.resume();
      throw err;
    }

    const importId = await this.open(user, institutionId, fileName, format, fullImport);
    try {
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
        await this.dataSource.query(
          `INSERT INTO drug_catalogue_upload_chunk (import_id, seq, tenant_id, data) VALUES ($1, $2, $3, $4)`,
          [importId, seq++, user.tenantId, data],
        );
      };
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        if (size === 0) assertContent(format, chunk);
        hash.update(chunk);
        size += chunk.length;
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes >= CHUNK_BYTES) await flush();
      }
      if ((stream as Readable & { truncated?: boolean }).truncated || size > this.maxBytes) {
        throw new PayloadTooLargeError(this.maxBytes);
      }
      if (size === 0) throw new BadInputError('文件为空 (the file is empty)');
      await flush();
      const sha256 = hash.digest('hex');
      await this.queue(user, importId, institutionId, { fileName, format, size, sha256, fullImport });
      return {
        importId,
        status: ImportStatus.QUEUED,
        institutionId,
        fileName,
        format,
        sizeBytes: size,
        sha256,
        fullImport,
      };
    } catch (err) {
      stream.resume();
      await this.dataSource
        .query(`DELETE FROM drug_catalogue_import WHERE id = $1 AND status = 'UPLOADING'`, [importId])
        .catch(() => undefined);
      throw err;
    }
  }

  /** The UPLOADING row: one open import per institution (a crashed upload's row is cleared first). */
  private async open(
    user: AuthUser,
    institutionId: string,
    fileName: string,
    format: ImportFormat,
    fullImport: boolean,
  ): Promise<string> {
    await this.dataSource.query(
      `DELETE FROM drug_catalogue_import WHERE institution_id = $1 AND status = 'UPLOADING'
          AND created_at < now() - interval '${STALE_UPLOAD}'`,
      [institutionId],
    );
    try {
      const [row]: { id: string }[] = await this.dataSource.query(
        `INSERT INTO drug_catalogue_import (tenant_id, institution_id, file_name, format, status, full_import, requested_by)
         VALUES ($1, $2, $3, $4, 'UPLOADING', $5, $6) RETURNING id`,
        [user.tenantId, institutionId, fileName, format, fullImport, user.id],
      );
      return row.id;
    } catch (err) {
      if (!isUniqueViolation(err, 'drug_catalogue_import_one_open')) throw err;
      const [open]: { id: string; status: string }[] = await this.dataSource.query(
        `SELECT id, status FROM drug_catalogue_import
          WHERE institution_id = $1 AND status IN ('UPLOADING','QUEUED','RUNNING') LIMIT 1`,
        [institutionId],
      );
      throw new ConflictError(
        '本机构已有一次目录导入在进行,请等它结束后再上传 (an import of this catalogue is in progress; upload again when it ends)',
        { existingId: open?.id ?? null, existingStatus: open?.status ?? null },
      );
    }
  }

  /** The complete file becomes QUEUED, with its job and audit event, in one transaction. */
  private queue(
    user: AuthUser,
    importId: string,
    institutionId: string,
    file: { fileName: string; format: ImportFormat; size: number; sha256: string; fullImport: boolean },
  ): Promise<void> {
    return this.dataSource.transaction(async (em) => {
      const [, moved]: [unknown, number] = await em.query(
        `UPDATE drug_catalogue_import SET status = 'QUEUED', file_sha256 = $2, size_bytes = $3, updated_at = now()
          WHERE id = $1 AND status = 'UPLOADING'`,
        [importId, file.sha256, file.size],
      );
      // A row cleared as stale while its bytes were still arriving.
      if (moved !== 1) throw new ConflictError('上传已失效,请重新上传 (the upload expired; upload again)');
      await this.outbox.enqueue(em, {
        tenantId: user.tenantId,
        queue: QUEUES.DRUG_IMPORTS,
        jobName: JOBS.DRUG_CATALOGUE_IMPORT,
        payload: { importId } satisfies CatalogueImportPayload as unknown as Record<string, unknown>,
      });
      await this.audit.record(em, {
        action: 'drug.catalogue.upload',
        entityType: 'DrugCatalogueImport',
        entityId: importId,
        actor: user,
        tenantId: user.tenantId,
        details: {
          institutionId,
          fileName: file.fileName,
          format: file.format,
          sizeBytes: file.size,
          sha256: file.sha256,
          fullImport: file.fullImport,
        },
      });
    });
  }
}

function parseFlag(v: string | undefined): boolean {
  const k = (v ?? '').trim().toLowerCase();
  if (k === '' || k === 'true' || k === '1' || k === 'yes') return true;
  if (k === 'false' || k === '0' || k === 'no') return false;
  throw new BadInputError('full 应为 true 或 false (full must be true or false)', { field: 'full' });
}

/** The base name a browser or curl sent, without control characters, bounded. */
function cleanFileName(name: string | undefined): string {
  const base = basename((name ?? '').replace(/\\/g, '/'))
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim();
  return (base || 'upload').slice(-120);
}

/** The first bytes must be what the extension says: a zip for .xlsx, text for .csv. */
function assertContent(format: ImportFormat, first: Buffer): void {
  const zip = first.length >= 4 && first.subarray(0, 4).equals(ZIP_MAGIC);
  if (format === ImportFormat.XLSX && !zip) {
    throw new UnsupportedMediaTypeError('文件不是有效的 .xlsx 工作簿 (the file is not an .xlsx workbook)');
  }
  if (format === ImportFormat.CSV && (zip || first.subarray(0, 4096).includes(0))) {
    throw new UnsupportedMediaTypeError(
      '文件不是文本 CSV,Excel 工作簿请以 .xlsx 上传 (the file is not a text CSV; upload a workbook as .xlsx)',
    );
  }
}
