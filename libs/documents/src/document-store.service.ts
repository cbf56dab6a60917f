import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { DataSource, EntityManager } from 'typeorm';
import {
  APP_CONFIG,
  AppConfig,
  AuthUser,
  BadInputError,
  cleanFileName,
  DomainError,
  MultipartFileReceiver,
  NotFoundError,
  readStoredChunks,
  storeInChunks,
  UnsupportedMediaTypeError,
} from '@yg/core';
import { AuditService } from '@yg/audit';
import { DOCUMENT_KINDS, DocumentKind, nameFor, recognise } from './domain/media-types';
import { DocumentSubject, DocumentSubjectKind, DocumentSubjects } from './document-subjects';
import { AttachmentRequest, assertRoomForAttachments, RecordedAttachment, uploadsOf } from './attachments';

export interface DocumentReceipt {
  documentId: string;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
}

/** A document as a referral or consultation records it. */
export interface AttachedDocument extends DocumentReceipt {
  uri: string;
}

export interface OpenedDocument extends DocumentReceipt {
  stream: Readable;
}

interface DocumentRow {
  id: string;
  file_name: string;
  media_type: string;
  size_bytes: string;
  sha256: string;
  uploaded_by: string;
  subject_kind: DocumentSubjectKind | null;
  subject_id: string | null;
  patient_id: string | null;
}

export class DailyDocumentLimitError extends DomainError {
  constructor(what: 'files' | 'bytes', limit: number) {
    super(
      'RATE_LIMITED',
      `24 小时内上传${what === 'files' ? '文件数' : '字节数'}已达上限 ${limit},请稍后再传 ` +
        `(the 24-hour upload limit of ${limit} ${what} is reached; try later)`,
      { limit, retryable: true },
    );
  }
}

export class DownloadsBusyError extends DomainError {
  constructor() {
    super('RATE_LIMITED', '当前下载较多,请稍后重试 (too many downloads at once; retry shortly)', {
      retryable: true,
    });
  }
}

/** The upload is attached to another record already (a parallel retry's, perhaps). */
export class DocumentAttachedError extends BadInputError {
  constructor(field: string, documentId: string) {
    super(
      '该附件已附在另一份单据上,请重新上传 (this document is attached to another record; upload it again)',
      {
        field,
        documentId,
      },
    );
  }
}

const KINDS = DOCUMENT_KINDS.map((k) => k.label).join('、');

/** Where a stored document is fetched, relative to the api. */
export const documentUri = (id: string) => `/documents/${id}`;

/**
 * The clinical document store: uploads streamed into Postgres in chunks (the transport and its
 * limits: @yg/core uploads), recognised by their bytes, counted against each user's daily
 * allowance; attached once, in the transaction that creates their referral or consultation or
 * adds to it; read back only by those who may read that record, each read in the audit trail.
 */
@Injectable()
export class DocumentStore {
  /** Downloads streaming now in this process. */
  private downloading = 0;
  private readonly receiver = new MultipartFileReceiver(() => ({
    maxBytes: this.config.documents.uploadMaxBytes,
    concurrency: this.config.documents.uploadConcurrency,
  }));

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly subjects: DocumentSubjects,
    private readonly audit: AuditService,
  ) {}

  receive(user: AuthUser, req: IncomingMessage): Promise<DocumentReceipt> {
    return this.receiver.receive(req, (_fields, stream, info) =>
      this.intake(user, cleanFileName(info.filename), stream).catch((err: unknown) => {
        stream.resume();
        throw err;
      }),
    );
  }

  /** Keeps bytes already in hand (the demo's documents) under the same rules as an upload. */
  keep(user: AuthUser, fileName: string, data: Buffer): Promise<DocumentReceipt> {
    return this.intake(user, cleanFileName(fileName), Readable.from([data]));
  }

  /** One upload from its row to READY; a refused or broken one leaves nothing. */
  private async intake(user: AuthUser, fileName: string, stream: Readable): Promise<DocumentReceipt> {
    const id = await this.open(user, fileName);
    try {
      return await this.store(user, id, fileName, stream);
    } catch (err) {
      await this.dataSource
        .query(`DELETE FROM clinical_document WHERE id = $1 AND status = 'UPLOADING'`, [id])
        .catch(() => undefined);
      throw err;
    }
  }

  /**
   * The UPLOADING row, then the day's count with it included: of two uploads racing for the
   * last place both may be refused, never both accepted.
   */
  private async open(user: AuthUser, fileName: string): Promise<string> {
    const [row]: { id: string }[] = await this.dataSource.query(
      `INSERT INTO clinical_document (tenant_id, institution_id, uploaded_by, file_name, status)
       VALUES ($1, $2, $3, $4, 'UPLOADING') RETURNING id`,
      [user.tenantId, user.institutionId, user.id, fileName],
    );
    const [{ n }]: { n: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM clinical_document
        WHERE uploaded_by = $1 AND created_at > now() - interval '24 hours'`,
      [user.id],
    );
    if (n > this.config.documents.dailyFiles) {
      await this.dataSource.query(`DELETE FROM clinical_document WHERE id = $1`, [row.id]);
      throw new DailyDocumentLimitError('files', this.config.documents.dailyFiles);
    }
    return row.id;
  }

  private async store(
    user: AuthUser,
    id: string,
    fileName: string,
    stream: Readable,
  ): Promise<DocumentReceipt> {
    let kind: DocumentKind | null = null;
    const { size, sha256 } = await storeInChunks(
      stream,
      this.config.documents.uploadMaxBytes,
      (seq, data) =>
        this.dataSource
          .query(
            `INSERT INTO clinical_document_chunk (document_id, seq, tenant_id, data) VALUES ($1, $2, $3, $4)`,
            [id, seq, user.tenantId, data],
          )
          .then(() => undefined),
      (head) => {
        kind = recognise(head);
        if (!kind) {
          throw new UnsupportedMediaTypeError(
            `仅接受 ${KINDS} 文件,请以扫描件或原始影像上传 (only ${KINDS} files are accepted)`,
          );
        }
      },
    );
    const k = kind as DocumentKind | null;
    if (!k) throw new Error('document stored without its kind');
    return this.dataSource.transaction(async (em) => {
      // The day's bytes, this file's included; serialised per user so two parallel uploads
      // cannot both take the last megabytes.
      await em.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7))`, [`document-bytes:${user.id}`]);
      const [{ used }]: { used: string }[] = await em.query(
        `SELECT coalesce(sum(size_bytes), 0) AS used FROM clinical_document
          WHERE uploaded_by = $1 AND status = 'READY' AND created_at > now() - interval '24 hours'`,
        [user.id],
      );
      if (Number(used) + size > this.config.documents.dailyBytes) {
        throw new DailyDocumentLimitError('bytes', this.config.documents.dailyBytes);
      }
      const [rows]: [{ file_name: string }[], number] = await em.query(
        `UPDATE clinical_document SET status = 'READY', media_type = $2, size_bytes = $3, sha256 = $4,
                file_name = $5
          WHERE id = $1 AND status = 'UPLOADING' RETURNING file_name`,
        [id, k.mediaType, size, sha256, nameFor(fileName, k)],
      );
      if (!rows.length) throw new BadInputError('上传已失效,请重新上传 (the upload expired; upload again)');
      // No file name in the trail: clinicians name files after patients.
      await this.audit.record(em, {
        action: 'document.upload',
        entityType: 'ClinicalDocument',
        entityId: id,
        actor: user,
        tenantId: user.tenantId,
        details: { mediaType: k.mediaType, sizeBytes: size, sha256 },
      });
      return { documentId: id, fileName: rows[0].file_name, mediaType: k.mediaType, sizeBytes: size, sha256 };
    });
  }

  /**
   * A form's attachments as its record keeps them: addresses as given, uploads attached to the
   * record (in its transaction) and described by what the store recognised, not by the form.
   */
  async record(
    em: EntityManager,
    user: AuthUser,
    list: readonly AttachmentRequest[],
    subject: DocumentSubject,
    field: string,
  ): Promise<RecordedAttachment[]> {
    const ids = uploadsOf(list, field);
    const docs = ids.length
      ? await this.attach(em, user, ids, subject, field)
      : new Map<string, AttachedDocument>();
    return list.map((a) => {
      if (!a.documentId) return { name: a.name, type: a.type!, uri: a.uri! };
      const d = docs.get(a.documentId.toLowerCase())!;
      return {
        name: a.name,
        type: d.mediaType,
        uri: d.uri,
        documentId: d.documentId,
        sizeBytes: d.sizeBytes,
        sha256: d.sha256,
      };
    });
  }

  /**
   * Attachments added to a record that holds `held` already (under the caller's row lock): the
   * record's limit counted with them, then recorded as at creation. Answers the whole list and
   * what was added.
   */
  async append(
    em: EntityManager,
    user: AuthUser,
    held: readonly RecordedAttachment[],
    list: readonly AttachmentRequest[],
    subject: DocumentSubject,
    field: string,
  ): Promise<{ attachments: RecordedAttachment[]; added: RecordedAttachment[] }> {
    assertRoomForAttachments(subject.kind, held.length, list.length, field);
    const added = await this.record(em, user, list, subject, field);
    return { attachments: [...held, ...added], added };
  }

  /**
   * Attaches the caller's own uploads to a record being created or added to, in its transaction:
   * each document once, to one record, for good. Answers them by id, as the record stores them.
   * `field` names the input list in errors.
   */
  async attach(
    em: EntityManager,
    user: AuthUser,
    ids: readonly string[],
    subject: DocumentSubject,
    field: string,
  ): Promise<Map<string, AttachedDocument>> {
    if (new Set(ids).size !== ids.length) {
      throw new BadInputError('同一附件不能添加两次 (a document is attached twice)', { field });
    }
    const rows: DocumentRow[] = ids.length
      ? (
          await em.query(
            `UPDATE clinical_document
                SET subject_kind = $4, subject_id = $5, patient_id = $6, attached_at = now()
              WHERE tenant_id = $1 AND uploaded_by = $2 AND id = ANY($3::uuid[])
                AND status = 'READY' AND subject_id IS NULL
              RETURNING id, file_name, media_type, size_bytes, sha256`,
            [user.tenantId, user.id, ids, subject.kind, subject.id, subject.patientId],
          )
        )[0]
      : [];
    const byId = new Map(rows.map((r) => [r.id, attached(r)]));
    const missing = ids.find((id) => !byId.has(id));
    if (missing) {
      const [taken]: { subject_id: string | null }[] = await em.query(
        `SELECT subject_id FROM clinical_document WHERE id = $1 AND tenant_id = $2 AND uploaded_by = $3`,
        [missing, user.tenantId, user.id],
      );
      // A retry of an addition that went through: say so, rather than "another record".
      if (taken?.subject_id === subject.id) {
        throw new BadInputError(
          '该附件已在本单据中,无需再次添加 (this document is already attached to this record)',
          { field, documentId: missing },
        );
      }
      if (taken?.subject_id) throw new DocumentAttachedError(field, missing);
      // Another user's upload, or one swept away: the same answer, so ids cannot be probed.
      throw new BadInputError(
        '附件不存在或已过期,请重新上传 (the document does not exist or has expired; upload it again)',
        { field, documentId: missing },
      );
    }
    return byId;
  }

  /** A document the caller may read, with its bytes; the read is audited before a byte is sent. */
  async read(user: AuthUser, id: string): Promise<OpenedDocument> {
    if (!isUUID(id)) throw new NotFoundError('Document', '附件', id);
    const [row]: DocumentRow[] = await this.dataSource.query(
      `SELECT id, file_name, media_type, size_bytes, sha256, uploaded_by, subject_kind, subject_id, patient_id
         FROM clinical_document WHERE id = $1 AND tenant_id = $2 AND status = 'READY'`,
      [id, user.tenantId],
    );
    const allowed =
      !!row &&
      (row.subject_kind && row.subject_id
        ? await this.subjects.canRead(user, row.subject_kind, row.subject_id)
        : row.uploaded_by === user.id);
    if (!row || !allowed) throw new NotFoundError('Document', '附件', id);
    // Each download holds up to two chunks while a slow client reads: bounded per process.
    if (this.downloading >= this.config.documents.downloadConcurrency) throw new DownloadsBusyError();
    await this.audit.recordStandalone({
      action: 'document.read',
      entityType: 'ClinicalDocument',
      entityId: row.id,
      actor: user,
      tenantId: user.tenantId,
      details: { subjectKind: row.subject_kind, subjectId: row.subject_id, patientId: row.patient_id },
    });
    const stream = readStoredChunks(this.dataSource, 'clinical_document_chunk', 'document_id', row.id, 2);
    this.downloading++;
    stream.once('close', () => this.downloading--);
    return { ...attached(row), stream };
  }

  /** Removes uploads never attached once their time is up (and broken ones with them). */
  async sweep(): Promise<number> {
    const ttl = `${Math.floor(this.config.documents.unattachedTtlMs / 1000)} seconds`;
    let removed = 0;
    for (;;) {
      const [, n]: [unknown, number] = await this.dataSource.query(
        `DELETE FROM clinical_document WHERE id IN (
           SELECT id FROM clinical_document
            WHERE subject_id IS NULL AND created_at < now() - $1::interval
            ORDER BY created_at LIMIT 200)`,
        [ttl],
      );
      removed += n;
      if (n < 200) return removed;
    }
  }
}

function attached(
  r: Pick<DocumentRow, 'id' | 'file_name' | 'media_type' | 'size_bytes' | 'sha256'>,
): AttachedDocument {
  return {
    documentId: r.id,
    fileName: r.file_name,
    mediaType: r.media_type,
    sizeBytes: Number(r.size_bytes),
    sha256: r.sha256,
    uri: documentUri(r.id),
  };
}
