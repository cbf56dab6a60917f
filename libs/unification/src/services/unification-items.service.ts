import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuthUser, BadInputError, Clock, ConflictError, NotFoundError } from '@yg/core';
import { AuditService } from '@yg/audit';
import { ItemRow, toItem } from '../domain/rows';
import type { Tier } from '@yg/network';
import {
  DataCheck,
  Dimension,
  EvidenceCheck,
  ItemKind,
  itemProblems,
  UnificationItem,
} from '../domain/scorecard';
import { versionsAt } from '../domain/versions';

export interface ItemUpdate {
  code: string;
  /** The version in force the caller read. */
  version: number;
  changeNote: string;
  nameZh?: string | null;
  nameEn?: string | null;
  tiers?: Tier[] | null;
  active?: boolean | null;
  data?: DataCheck | null;
  evidence?: EvidenceCheck | null;
}

export interface ItemCreate {
  code: string;
  dimension: Dimension;
  kind: ItemKind;
  nameZh: string;
  nameEn: string;
  tiers: Tier[];
  data?: DataCheck | null;
  evidence?: EvidenceCheck | null;
  changeNote: string;
}

/** Scorecard items and their versions: templates every consortium reads, and its own edits. */
@Injectable()
export class UnificationItems {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Every version the consortium can see (templates and its own). */
  async all(em: EntityManager, tenantId: string): Promise<UnificationItem[]> {
    const rows: ItemRow[] = await em.query(
      `SELECT * FROM unification_item WHERE tenant_id = $1 OR tenant_id IS NULL ORDER BY code, version`,
      [tenantId],
    );
    return rows.map(toItem);
  }

  /** The items in force now. */
  async current(em: EntityManager, tenantId: string): Promise<UnificationItem[]> {
    return versionsAt(await this.all(em, tenantId), null);
  }

  async versions(em: EntityManager, tenantId: string, code: string): Promise<UnificationItem[]> {
    const list = (await this.all(em, tenantId)).filter((i) => i.code === code).reverse();
    if (!list.length) throw new NotFoundError('UnificationItem', '七统一评估项', code);
    return list;
  }

  /** A new item of the consortium's own (version 1), judged from the current period on. */
  async create(user: AuthUser, input: ItemCreate): Promise<UnificationItem> {
    return this.dataSource.transaction(async (em) => {
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('unification_item'), hashtext($1 || $2))`, [
        user.tenantId,
        input.code,
      ]);
      const note = input.changeNote.trim();
      if (!note) throw new BadInputError('请填写修改说明 (a change note is required)');
      const data: DataCheck | null = input.data
        ? { ...input.data, denominator: input.data.denominator ?? null, partial: input.data.partial ?? null }
        : null;
      const evidence = input.evidence
        ? { evidenceKind: input.evidence.evidenceKind, validMonths: input.evidence.validMonths ?? null }
        : null;
      const problems = itemProblems(input.kind, data, evidence, input.tiers);
      if (problems.length) {
        throw new BadInputError(`评估项设置有误 (the item is not valid): ${problems.join('; ')}`, {
          problems,
        });
      }
      const [taken] = await em.query(
        `SELECT 1 FROM unification_item WHERE code = $2 AND (tenant_id = $1 OR tenant_id IS NULL) LIMIT 1`,
        [user.tenantId, input.code],
      );
      if (taken) throw new ConflictError(`评估项 ${input.code} 已存在 (item ${input.code} already exists)`);
      const [{ position }] = await em.query(
        `SELECT coalesce(max(position), 0) + 1 AS position FROM unification_item WHERE tenant_id = $1 OR tenant_id IS NULL`,
        [user.tenantId],
      );
      const [row]: ItemRow[] = await em.query(
        `INSERT INTO unification_item (tenant_id, code, version, dimension, position, name_zh, name_en, kind, tiers,
           data_check, evidence_kind, valid_months, active, change_note, created_by, created_at)
         VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, true, $12, $13, $14) RETURNING *`,
        [
          user.tenantId,
          input.code,
          input.dimension,
          position,
          input.nameZh.trim(),
          input.nameEn.trim(),
          input.kind,
          input.tiers,
          data ? JSON.stringify(data) : null,
          evidence?.evidenceKind ?? null,
          evidence?.validMonths ?? null,
          note,
          user.id,
          this.clock.now(),
        ],
      );
      const saved = toItem(row);
      await this.audit.record(em, {
        action: 'unification.item.create',
        entityType: 'UnificationItem',
        entityId: saved.id,
        details: { code: saved.code, dimension: saved.dimension, kind: saved.kind },
      });
      return saved;
    });
  }

  /** An edit is the consortium's next version; periods already ended keep the version they had. */
  async update(user: AuthUser, input: ItemUpdate): Promise<UnificationItem> {
    return this.dataSource.transaction(async (em) => {
      // One editor per code at a time, so version numbers never collide.
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('unification_item'), hashtext($1 || $2))`, [
        user.tenantId,
        input.code,
      ]);
      const current = (await this.current(em, user.tenantId)).find((i) => i.code === input.code);
      if (!current) throw new NotFoundError('UnificationItem', '七统一评估项', input.code);
      if (current.version !== input.version) {
        throw new ConflictError(
          `评估项 ${current.code} 已被他人修改(当前版本 ${current.version}),请刷新后再改 ` +
            '(changed by someone else meanwhile; reload and try again)',
          { currentVersion: current.version },
        );
      }
      const note = input.changeNote.trim();
      if (!note) throw new BadInputError('请填写修改说明 (a change note is required)');
      if (input.data && current.kind !== ItemKind.DATA)
        throw new BadInputError('材料项不能设数据核查 (an evidence item has no data check)');
      if (input.evidence && current.kind !== ItemKind.EVIDENCE)
        throw new BadInputError('数据项不能设材料类型 (a data item has no document kind)');
      const data: DataCheck | null = input.data
        ? { ...input.data, denominator: input.data.denominator ?? null, partial: input.data.partial ?? null }
        : current.data;
      const evidence = input.evidence
        ? { evidenceKind: input.evidence.evidenceKind, validMonths: input.evidence.validMonths ?? null }
        : current.evidence;
      const tiers = input.tiers ?? current.tiers;
      const problems = itemProblems(current.kind, data, evidence, tiers);
      if (problems.length) {
        throw new BadInputError(`评估项设置有误 (the item is not valid): ${problems.join('; ')}`, {
          problems,
        });
      }
      const [{ next }] = await em.query(
        `SELECT max(version) + 1 AS next FROM unification_item
          WHERE code = $2 AND (tenant_id = $1 OR tenant_id IS NULL)`,
        [user.tenantId, input.code],
      );
      const [row]: ItemRow[] = await em.query(
        `INSERT INTO unification_item (tenant_id, code, version, dimension, position, name_zh, name_en, kind, tiers,
           data_check, evidence_kind, valid_months, active, change_note, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING *`,
        [
          user.tenantId,
          current.code,
          next,
          current.dimension,
          current.position,
          input.nameZh ?? current.nameZh,
          input.nameEn ?? current.nameEn,
          current.kind,
          tiers,
          data ? JSON.stringify(data) : null,
          evidence?.evidenceKind ?? null,
          evidence?.validMonths ?? null,
          input.active ?? current.active,
          note,
          user.id,
          this.clock.now(),
        ],
      );
      const saved = toItem(row);
      await this.audit.record(em, {
        action: 'unification.item.update',
        entityType: 'UnificationItem',
        entityId: saved.id,
        details: {
          code: saved.code,
          version: saved.version,
          previousVersion: current.version,
          changed: Object.keys(input).filter(
            (k) =>
              k !== 'code' && k !== 'version' && k !== 'changeNote' && input[k as keyof ItemUpdate] != null,
          ),
        },
      });
      return saved;
    });
  }
}
