import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type Busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import { DataSource } from 'typeorm';
import { isUUID } from 'class-validator';
import {
  APP_CONFIG,
  AppConfig,
  AuthUser,
  BadInputError,
  cleanFileName,
  ConflictError,
  isUniqueViolation,
  JOBS,
  MultipartFileReceiver,
  QUEUES,
  storeInChunks,
  UnsupportedMediaTypeError,
} from '@yg/core';
import { AuditService } from '@yg/audit';
import { OutboxService } from '@yg/outbox';
import { ImportFormat, ImportStatus } from '../domain/drug.enums';
import { formatOf, ImportFileError } from '../files/tabular';
import { CatalogueAccess } from './catalogue-access.service';

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
 * for the worker (the streamed transport and its limits: @yg/core uploads). The import row is UPLOADING meanwhile (one open import per
 * institution); only a complete file becomes QUEUED, with its job, in one transaction. A refused
 * or broken upload leaves nothing behind.
 */
@Injectable()
export class CatalogueUploadService {
  private readonly receiver = new MultipartFileReceiver(() => ({
    maxBytes: this.maxBytes,
    concurrency: this.config.drugs.uploadConcurrency,
  }));

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

  receive(user: AuthUser, req: IncomingMessage): Promise<CatalogueUploadReceipt> {
    return this.receiver.receive(req, (fields, stream, info) => this.store(user, fields, stream, info));
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
      const { size, sha256 } = await storeInChunks(
        stream,
        this.maxBytes,
        (seq, data) =>
          this.dataSource
            .query(
              `INSERT INTO drug_catalogue_upload_chunk (import_id, seq, tenant_id, data) VALUES ($1, $2, $3, $4)`,
              [importId, seq, user.tenantId, data],
            )
            .then(() => undefined),
        (first) => assertContent(format, first),
      );
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
