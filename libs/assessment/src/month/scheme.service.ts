import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuthUser, BadInputError, ConflictError } from '@yg/core';
import { AuditService } from '@yg/audit';
import { InstitutionKind, Tier } from '@yg/network';
import { DEFAULT_SCHEME, Scheme, shadowedGroup } from '../domain/scheme';
import { SchemeModel, UpdateAssessmentSchemeInput } from '../models/assessment.models';

interface SchemeRow {
  version: number;
  completion_weight: string;
  recognition_weight: string;
  analysis_weight: string;
  credit_below_required: boolean;
  groups: Scheme['groups'];
  change_note: string;
  created_at: Date;
}

const toModel = (r: SchemeRow): SchemeModel => ({
  version: r.version,
  completionWeight: Number(r.completion_weight),
  recognitionWeight: Number(r.recognition_weight),
  analysisWeight: Number(r.analysis_weight),
  creditBelowRequired: r.credit_below_required,
  groups: r.groups,
  changeNote: r.change_note,
  createdAt: r.created_at,
});

export const schemeModel = (s: Scheme): SchemeModel => ({ ...s, changeNote: null, createdAt: null });

/** Assessment schemes: append-only versions per consortium; version 0 is the built-in default. */
@Injectable()
export class SchemeService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async current(em: EntityManager, tenantId: string): Promise<Scheme> {
    const [r]: SchemeRow[] = await em.query(
      `SELECT * FROM assessment_scheme WHERE tenant_id = $1 ORDER BY version DESC LIMIT 1`,
      [tenantId],
    );
    if (!r) return DEFAULT_SCHEME;
    const { changeNote: _n, createdAt: _c, ...scheme } = toModel(r);
    return scheme;
  }

  /** Every version, newest first, the built-in default last. */
  async versions(user: AuthUser): Promise<SchemeModel[]> {
    const rows: SchemeRow[] = await this.dataSource.query(
      `SELECT * FROM assessment_scheme WHERE tenant_id = $1 ORDER BY version DESC`,
      [user.tenantId],
    );
    return [...rows.map(toModel), schemeModel(DEFAULT_SCHEME)];
  }

  update(user: AuthUser, input: UpdateAssessmentSchemeInput): Promise<SchemeModel> {
    // Weights are kept to 4 decimals, so their sum is exact in the database as here.
    const w4 = (x: number) => Math.round(x * 1e4);
    input = {
      ...input,
      completionWeight: w4(input.completionWeight) / 1e4,
      recognitionWeight: w4(input.recognitionWeight) / 1e4,
      analysisWeight: w4(input.analysisWeight) / 1e4,
    };
    const sum = (w4(input.completionWeight) + w4(input.recognitionWeight) + w4(input.analysisWeight)) / 1e4;
    if (sum !== 100) {
      throw new BadInputError(`三项权重之和须为 100,现为 ${sum} (the three weights must add up to 100)`);
    }
    if (!input.groups.length) throw new BadInputError('至少需要一个可比组 (at least one comparable group)');
    if (new Set(input.groups.map((g) => g.code)).size !== input.groups.length) {
      throw new BadInputError('分组代码重复 (group codes must be unique)');
    }
    const dead = shadowedGroup(input.groups, Object.values(InstitutionKind), Object.values(Tier));
    if (dead) {
      throw new BadInputError(
        `分组 ${dead.code} 不会有任何机构:机构归入它匹配的第一个分组,其类型与层级已全部被前面的分组占用 (group ${dead.code} can never take a unit: a unit joins the first group it matches, and earlier groups take every kind and tier it names)`,
        { field: 'groups', group: dead.code },
      );
    }
    const { basedOnVersion: _based, ...scheme } = input;
    return this.dataSource.transaction(async (em) => {
      // Serialises concurrent edits of one consortium's scheme: each gets its own version number.
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('assessment_scheme:' || $1))`, [user.tenantId]);
      const [{ current }]: { current: number }[] = await em.query(
        `SELECT coalesce(max(version), 0) AS current FROM assessment_scheme WHERE tenant_id = $1`,
        [user.tenantId],
      );
      // A version saved since the caller read theirs would be replaced unseen.
      if (current !== input.basedOnVersion) {
        throw new ConflictError(
          `考核方案已被他人修改(当前版本 ${current}),请刷新后再改 (changed by someone else meanwhile; reload and try again)`,
          { currentVersion: current },
        );
      }
      const next = current + 1;
      const groups = input.groups.map((g) => ({
        code: g.code,
        name: g.name,
        kinds: g.kinds,
        tiers: g.tiers,
      }));
      const [row]: SchemeRow[] = await em.query(
        `INSERT INTO assessment_scheme (tenant_id, version, completion_weight, recognition_weight, analysis_weight,
           credit_below_required, groups, change_note, created_by)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING *`,
        [
          user.tenantId,
          next,
          input.completionWeight,
          input.recognitionWeight,
          input.analysisWeight,
          input.creditBelowRequired,
          JSON.stringify(groups),
          input.changeNote,
          user.id,
        ],
      );
      await this.audit.record(em, {
        action: 'assessment-scheme.update',
        entityType: 'AssessmentScheme',
        entityId: String(next),
        actor: user,
        details: { version: next, ...scheme, groups },
      });
      return toModel(row);
    });
  }
}
