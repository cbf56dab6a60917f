import type { Readable } from 'node:stream';
import { extname } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type Busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import { isUUID } from 'class-validator';
import type { DataSource } from 'typeorm';
import {
  APP_CONFIG,
  AppConfig,
  AuthUser,
  BadInputError,
  cleanFileName,
  ConflictError,
  JOBS,
  MultipartFileReceiver,
  QUEUES,
  storeInChunks,
  UnsupportedMediaTypeError,
} from '@yg/core';
import { AuditService } from '@yg/audit';
import { OutboxService } from '@yg/outbox';
import { IntakeAccess } from '../intake-access.service';
import { DataImportStatus } from '../models/intake.models';

export type IntakeFileFormat = 'CSV' | 'NDJSON';
export type IntakeKind = 'ENCOUNTERS' | 'OUT_OF_COUNTY';

export interface IntakeUploadReceipt {
  importId: string;
  status: DataImportStatus;
  kind: IntakeKind;
  institutionId: string | null;
  fileName: string;
  format: IntakeFileFormat;
  sizeBytes: number;
  sha256: string;
}

export interface IntakeImportPayload {
  runId: string;
}

const SOURCE_SYSTEM = /^[A-Za-z0-9._-]{1,40}$/;

function formatOf(fileName: string): IntakeFileFormat {
  const ext = extname(fileName).toLowerCase();
  if (ext === '.csv' || ext === '.txt') return 'CSV';
  if (ext === '.ndjson' || ext === '.jsonl') return 'NDJSON';
  throw new UnsupportedMediaTypeError(
    `不支持的文件类型 ${ext || '(无扩展名)'},请上传 .csv 或 .ndjson (unsupported file type; upload .csv or .ndjson)`,
  );
}

/**
 * Receives a visit-data file (CSV or NDJSON) over HTTP multipart and keeps it in Postgres, in
 * chunks, for the worker (the streamed transport and its limits: @yg/core uploads). The run is
 * UPLOADING while the bytes arrive; only a complete file becomes QUEUED, with its job (through
 * the outbox) and audit event, in one transaction. A refused or broken upload leaves nothing.
 */
@Injectable()
export class IntakeUploadService {
  private readonly receiver = new MultipartFileReceiver(() => ({
    maxBytes: this.config.intake.uploadMaxBytes,
    concurrency: this.config.intake.uploadConcurrency,
  }));

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly access: IntakeAccess,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  receive(user: AuthUser, req: IncomingMessage): Promise<IntakeUploadReceipt> {
    return this.receiver.receive(req, (fields, stream, info) => this.store(user, fields, stream, info));
  }

  private async store(
    user: AuthUser,
    fields: Record<string, string>,
    stream: Readable,
    info: Busboy.FileInfo,
  ): Promise<IntakeUploadReceipt> {
    const kindField = (fields.kind ?? 'ENCOUNTERS').trim().toUpperCase();
    if (kindField !== 'ENCOUNTERS' && kindField !== 'OUT_OF_COUNTY') {
      throw new BadInputError(
        'kind 应为 ENCOUNTERS 或 OUT_OF_COUNTY (kind must be ENCOUNTERS or OUT_OF_COUNTY)',
        { field: 'kind' },
      );
    }
    const kind: IntakeKind = kindField;
    const sourceSystem = (fields.sourceSystem ?? '').trim();
    if (!SOURCE_SYSTEM.test(sourceSystem)) {
      throw new BadInputError('sourceSystem 缺失或格式错误 (sourceSystem: 1–40 letters, digits, . _ -)', {
        field: 'sourceSystem',
      });
    }
    let institutionId: string | null = null;
    if (kind === 'ENCOUNTERS') {
      institutionId = (fields.institutionId ?? '').trim() || user.institutionId;
      if (!isUUID(institutionId)) {
        throw new BadInputError('institutionId 格式错误 (malformed institutionId)', {
          field: 'institutionId',
        });
      }
      await this.access.assertReport(user, institutionId);
    } else {
      this.access.assertIntegration(user);
    }
    const fileName = cleanFileName(info.filename);
    const format = formatOf(fileName);
    const runId = await this.open(user, kind, institutionId, sourceSystem, fileName, format);
    try {
      const { size, sha256 } = await storeInChunks(
        stream,
        this.config.intake.uploadMaxBytes,
        (seq, data) =>
          this.dataSource
            .query(`INSERT INTO intake_upload_chunk (run_id, seq, tenant_id, data) VALUES ($1, $2, $3, $4)`, [
              runId,
              seq,
              user.tenantId,
              data,
            ])
            .then(() => undefined),
        (first) => {
          if (first.subarray(0, 4096).includes(0)) {
            throw new UnsupportedMediaTypeError('文件不是文本 CSV/NDJSON (the file is not text)');
          }
        },
      );
      await this.queue(user, runId, { kind, institutionId, fileName, format, size, sha256 });
      return {
        importId: runId,
        status: DataImportStatus.QUEUED,
        kind,
        institutionId,
        fileName,
        format,
        sizeBytes: size,
        sha256,
      };
    } catch (err) {
      await this.dataSource
        .query(`DELETE FROM intake_run WHERE id = $1 AND status = 'UPLOADING'`, [runId])
        .catch(() => undefined);
      throw err;
    }
  }

  private async open(
    user: AuthUser,
    kind: IntakeKind,
    institutionId: string | null,
    sourceSystem: string,
    fileName: string,
    format: IntakeFileFormat,
  ): Promise<string> {
    const [row]: { id: string }[] = await this.dataSource.query(
      `INSERT INTO intake_run (tenant_id, institution_id, kind, channel, source_system, status, file_name, format, requested_by)
       VALUES ($1, $2, $3, 'FILE', $4, 'UPLOADING', $5, $6, $7) RETURNING id`,
      [user.tenantId, institutionId, kind, sourceSystem, fileName, format, user.id],
    );
    return row.id;
  }

  private queue(
    user: AuthUser,
    runId: string,
    file: {
      kind: IntakeKind;
      institutionId: string | null;
      fileName: string;
      format: IntakeFileFormat;
      size: number;
      sha256: string;
    },
  ): Promise<void> {
    return this.dataSource.transaction(async (em) => {
      const [, moved]: [unknown, number] = await em.query(
        `UPDATE intake_run SET status = 'QUEUED', file_sha256 = $2, size_bytes = $3, updated_at = now()
          WHERE id = $1 AND status = 'UPLOADING'`,
        [runId, file.sha256, file.size],
      );
      if (moved !== 1) throw new ConflictError('上传已失效,请重新上传 (the upload expired; upload again)');
      await this.outbox.enqueue(em, {
        tenantId: user.tenantId,
        queue: QUEUES.INTAKE_IMPORTS,
        jobName: JOBS.INTAKE_FILE_IMPORT,
        payload: { runId } satisfies IntakeImportPayload as unknown as Record<string, unknown>,
      });
      await this.audit.record(em, {
        action: 'intake.file.upload',
        entityType: 'DataImport',
        entityId: runId,
        actor: user,
        tenantId: user.tenantId,
        details: { ...file },
      });
    });
  }
}
