import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  AuthUser,
  BadInputError,
  Clock,
  ConflictError,
  ForbiddenError,
  hasRole,
  NotFoundError,
  Role,
} from '@yg/core';
import { AuditService } from '@yg/audit';
import { OutboxService } from '@yg/outbox';
import { NetworkService, Tier } from '@yg/network';
import { Evidence, EVIDENCE_COLUMNS, EvidenceRow, toEvidence } from '../domain/rows';
import { ItemKind, ReviewStatus } from '../domain/scorecard';
import { today } from '../domain/calendar';
import { UnificationItems } from './unification-items.service';
import { evidenceRecordedEvent, evidenceReviewedEvent } from './unification-events';

export interface EvidenceInput {
  institutionId: string;
  evidenceKind: string;
  title: string;
  documentDate: string;
  sha256: string;
  location: string;
}

export interface ReviewInput {
  evidenceId: string;
  decision: ReviewStatus.ACCEPTED | ReviewStatus.REJECTED;
  reason?: string | null;
}

export interface EvidenceFilter {
  institutionId?: string | null;
  status?: ReviewStatus | null;
  evidenceKind?: string | null;
}

/** Evidence for the scorecard's evidence items: recorded by institutions, reviewed by the consortium. */
@Injectable()
export class UnificationEvidence {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly items: UnificationItems,
    private readonly network: NetworkService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  /** Institution admins record for their own institution; consortium admins for any member. */
  async record(user: AuthUser, input: EvidenceInput): Promise<Evidence> {
    return this.dataSource.transaction(async (em) => {
      const inst = await this.network.institution(user.tenantId, input.institutionId, em);
      if (!hasRole(user, Role.CONSORTIUM_ADMIN) && inst.id !== user.institutionId) {
        throw new ForbiddenError(
          '只能为本机构录入材料 (you may record evidence for your own institution only)',
        );
      }
      if (inst.tier === Tier.EXTERNAL) {
        throw new BadInputError('合作机构不是医共体成员单位 (a partner institution is not a member)');
      }
      const kinds = new Set(
        (await this.items.current(em, user.tenantId))
          .filter((i) => i.kind === ItemKind.EVIDENCE && i.active)
          .map((i) => i.evidence!.evidenceKind),
      );
      if (!kinds.has(input.evidenceKind)) {
        throw new BadInputError(
          `没有评估项使用材料类型 ${input.evidenceKind} (no item expects ${input.evidenceKind}; expected: ${[...kinds].join(', ')})`,
        );
      }
      const consortium = await this.network.consortium(user.tenantId, em);
      if (input.documentDate > today(consortium.timeZone, this.clock.now())) {
        throw new BadInputError('材料日期不能晚于今天 (the document date is in the future)');
      }
      const title = input.title.trim();
      const location = input.location.trim();
      if (!title || !location)
        throw new BadInputError('标题和存放位置不能为空 (title and location are required)');
      const [row]: EvidenceRow[] = await em.query(
        `INSERT INTO unification_evidence (tenant_id, institution_id, evidence_kind, title, document_date, sha256,
           location, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${EVIDENCE_COLUMNS}`,
        [
          user.tenantId,
          inst.id,
          input.evidenceKind,
          title,
          input.documentDate,
          input.sha256.toLowerCase(),
          location,
          user.id,
          this.clock.now(),
        ],
      );
      const saved = toEvidence(row);
      await this.audit.record(em, {
        action: 'unification.evidence.record',
        entityType: 'UnificationEvidence',
        entityId: saved.id,
        details: {
          institutionId: inst.id,
          evidenceKind: saved.evidenceKind,
          documentDate: saved.documentDate,
        },
      });
      await this.outbox.publish(em, evidenceRecordedEvent(saved, saved.recordedAt));
      return saved;
    });
  }

  /**
   * A consortium admin accepts or rejects (with a reason) someone else's record, once: of two
   * reviews at the same moment one wins and the other gets CONFLICT.
   */
  async review(user: AuthUser, input: ReviewInput): Promise<Evidence> {
    const reason = input.reason?.trim() || null;
    if (input.decision === ReviewStatus.REJECTED && !reason) {
      throw new BadInputError('退回须写明原因 (a rejection needs a reason)');
    }
    return this.dataSource.transaction(async (em) => {
      const existing = await this.one(em, user.tenantId, input.evidenceId);
      if (existing.recordedBy === user.id) {
        throw new ForbiddenError('不能审核自己录入的材料 (you cannot review your own record)');
      }
      // The status condition makes the later of two parallel reviews update nothing.
      // For UPDATE … RETURNING the driver answers [rows, affected count].
      const [rows]: [EvidenceRow[], number] = await em.query(
        `UPDATE unification_evidence SET status = $3, reviewed_by = $4, reviewed_at = $5, review_reason = $6
          WHERE tenant_id = $1 AND id = $2 AND status = 'PENDING' RETURNING ${EVIDENCE_COLUMNS}`,
        [user.tenantId, existing.id, input.decision, user.id, this.clock.now(), reason],
      );
      if (!rows.length) {
        throw new ConflictError('该材料已审核 (this record has already been reviewed)', {
          evidenceId: existing.id,
        });
      }
      const saved = toEvidence(rows[0]);
      await this.audit.record(em, {
        action: 'unification.evidence.review',
        entityType: 'UnificationEvidence',
        entityId: saved.id,
        details: {
          decision: saved.status,
          institutionId: saved.institutionId,
          evidenceKind: saved.evidenceKind,
        },
      });
      await this.outbox.publish(em, evidenceReviewedEvent(saved, saved.reviewedAt!));
      return saved;
    });
  }

  async one(em: EntityManager, tenantId: string, id: string): Promise<Evidence> {
    const [row]: EvidenceRow[] = await em.query(
      `SELECT ${EVIDENCE_COLUMNS} FROM unification_evidence WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    if (!row) throw new NotFoundError('UnificationEvidence', '七统一材料', id);
    return toEvidence(row);
  }

  /** Auditors and consortium admins read all; an institution admin its own institution's. */
  async list(user: AuthUser, filter: EvidenceFilter): Promise<Evidence[]> {
    const em = this.dataSource.manager;
    let institutionId = filter.institutionId ?? null;
    if (institutionId) await this.network.institution(user.tenantId, institutionId, em);
    if (!hasRole(user, Role.CONSORTIUM_ADMIN, Role.AUDITOR)) {
      if (institutionId && institutionId !== user.institutionId) {
        throw new ForbiddenError('只能查看本机构的材料 (you may read your own institution’s evidence only)');
      }
      institutionId = user.institutionId;
    }
    const rows: EvidenceRow[] = await em.query(
      `SELECT ${EVIDENCE_COLUMNS} FROM unification_evidence
        WHERE tenant_id = $1 AND ($2::uuid IS NULL OR institution_id = $2)
          AND ($3::text IS NULL OR status = $3) AND ($4::text IS NULL OR evidence_kind = $4)
        ORDER BY document_date DESC, recorded_at DESC LIMIT 500`,
      [user.tenantId, institutionId, filter.status ?? null, filter.evidenceKind ?? null],
    );
    return rows.map(toEvidence);
  }

  /** Every record of the consortium (for judging several periods, each up to its own last day). */
  async all(em: EntityManager, tenantId: string): Promise<Evidence[]> {
    const rows: EvidenceRow[] = await em.query(
      `SELECT ${EVIDENCE_COLUMNS} FROM unification_evidence WHERE tenant_id = $1`,
      [tenantId],
    );
    return rows.map(toEvidence);
  }

  /** Every record of the consortium up to a day (for judging a period). */
  async upTo(em: EntityManager, tenantId: string, lastDay: string): Promise<Evidence[]> {
    const rows: EvidenceRow[] = await em.query(
      `SELECT ${EVIDENCE_COLUMNS} FROM unification_evidence WHERE tenant_id = $1 AND document_date <= $2`,
      [tenantId, lastDay],
    );
    return rows.map(toEvidence);
  }
}
