import { randomBytes } from 'node:crypto';
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
  readSnapshot,
  Role,
} from '@yg/core';
import { AuditService } from '@yg/audit';
import { eventEntry, OutboxService } from '@yg/outbox';
import type { DomainEvent } from '@yg/outbox/domain-event';
import { currentMonth } from '@yg/indicators/engine/months';
import { distribution, drawUnits, rankGroup, recognitionScore, round2 } from '../domain/scoring';
import { groupOf, Scheme } from '../domain/scheme';
import { LedgerService } from '../ledger/ledger.service';
import {
  AssessmentCaseKind,
  AssessmentModel,
  AssessmentState,
  CaseModel,
  CorrectAssessmentInput,
  GroupResultModel,
  HistoryModel,
  TaskCompletionModel,
  UnitModel,
} from '../models/assessment.models';
import { CompletionService } from './completion.service';
import { SchemeService, schemeModel } from './scheme.service';

export const DRAW_COUNT = 2;
export const DRAW_ALGORITHM =
  'Fisher–Yates: for i = 0,1: j = int(first 6 bytes of SHA-256("<seed>:<i>")) mod (units left); take units[j]';

interface MonthRow {
  tenant_id: string;
  month: string;
  state: AssessmentState;
  scheme: Scheme;
  edition: number;
  version: number;
  rater_ids: string[];
  draw_seed: string | null;
  draw_units: string[] | null;
  drawn_ids: string[] | null;
  drawn_at: Date | null;
  good_case: CaseModel | null;
  bad_case: CaseModel | null;
  published_at: Date | null;
}

interface ScoreRow {
  institution_id: string;
  group_code: string;
  completion: string;
  completion_detail: TaskCompletionModel[];
  recognition: string | null;
  analysis: string | null;
  total: string | null;
  rank: number | null;
  top: boolean;
  bottom: boolean;
  name: string;
  division_code: string;
}

const num = (v: string | null) => (v === null ? null : Number(v));
const monthNotFound = (month: string) => new NotFoundError('Assessment', `${month} 月度考核`, month);
const published = (month: string) =>
  new ConflictError(
    `${month} 月度考核已发布,不能再修改;请使用更正 (the month is published; use a correction)`,
  );

/**
 * The monthly assessment (量化评价月考): open a month (completion computed), raters' recognition,
 * the review meeting's analysis scores, the reproducible draw, the good and bad cases,
 * publication (locks the month, notifies every unit) and corrections as new editions.
 * Every change locks the month row; a writer holding an older `version` gets CONFLICT.
 */
@Injectable()
export class AssessmentService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly schemes: SchemeService,
    private readonly ledger: LedgerService,
    private readonly completion: CompletionService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  async open(user: AuthUser, month: string, raterIds: string[]): Promise<AssessmentModel> {
    const raters = [...new Set(raterIds)];
    const em0 = this.dataSource.manager;
    const [{ time_zone: timeZone }] = await em0.query(
      `SELECT time_zone FROM network_consortium WHERE id = $1`,
      [user.tenantId],
    );
    if (month > currentMonth(timeZone, this.clock.now())) {
      throw new BadInputError(`${month} 尚未开始,不能开启考核 (the month has not begun)`);
    }
    if (raters.length) {
      const found: { id: string }[] = await em0.query(
        `SELECT id FROM user_directory WHERE tenant_id = $1 AND id = ANY($2)`,
        [user.tenantId, raters],
      );
      const missing = raters.find((id) => !found.some((f) => f.id === id));
      if (missing) throw new NotFoundError('User', '评分人', missing);
    }
    const existing = await em0.query(`SELECT 1 FROM assessment_month WHERE tenant_id = $1 AND month = $2`, [
      user.tenantId,
      month,
    ]);
    if (existing.length) throw new ConflictError(`${month} 月度考核已开启 (the month is already open)`);
    // Completion reads the indicators engine in its own snapshot, before the month's transaction.
    const scheme = await this.schemes.current(em0, user.tenantId);
    const units = await this.assessedUnits(em0, user.tenantId, scheme);
    const tasks = await this.ledger.tasksOf(em0, user.tenantId, Number(month.slice(0, 4)));
    const scores = await this.completion.forUnits(
      em0,
      user,
      month,
      scheme,
      tasks,
      units.map((u) => u.id),
    );
    await this.dataSource.transaction(async (em) => {
      const inserted = await em.query(
        `INSERT INTO assessment_month (tenant_id, month, state, scheme, rater_ids, opened_by)
         VALUES ($1,$2,'OPEN',$3,$4,$5) ON CONFLICT DO NOTHING RETURNING month`,
        [user.tenantId, month, JSON.stringify(scheme), raters, user.id],
      );
      if (!inserted.length) throw new ConflictError(`${month} 月度考核已开启 (the month is already open)`);
      for (const u of units) {
        const s = scores.get(u.id)!;
        await em.query(
          `INSERT INTO assessment_score (tenant_id, month, edition, institution_id, group_code, completion, completion_detail)
           VALUES ($1,$2,1,$3,$4,$5,$6)`,
          [user.tenantId, month, u.id, u.group, s.completion, JSON.stringify(s.tasks)],
        );
      }
      await this.audit.record(em, {
        action: 'assessment.open',
        entityType: 'Assessment',
        entityId: month,
        actor: user,
        details: {
          month,
          schemeVersion: scheme.version,
          raterIds: raters,
          units: units.length,
          tasks: tasks.length,
        },
      });
    });
    return this.view(user, month);
  }

  /**
   * Completion again from today's data (late visit data, a corrected report), while the month is
   * open; ratings and analysis scores stay.
   */
  async recompute(user: AuthUser, month: string, version?: number): Promise<AssessmentModel> {
    const em0 = this.dataSource.manager;
    const [m]: MonthRow[] = await em0.query(
      `SELECT * FROM assessment_month WHERE tenant_id = $1 AND month = $2`,
      [user.tenantId, month],
    );
    if (!m) throw monthNotFound(month);
    if (m.state !== AssessmentState.OPEN) throw published(month);
    const units: { institution_id: string }[] = await em0.query(
      `SELECT institution_id FROM assessment_score WHERE tenant_id = $1 AND month = $2 AND edition = 1`,
      [user.tenantId, month],
    );
    const tasks = await this.ledger.tasksOf(em0, user.tenantId, Number(month.slice(0, 4)));
    const scores = await this.completion.forUnits(
      em0,
      user,
      month,
      m.scheme,
      tasks,
      units.map((u) => u.institution_id),
    );
    await this.change(user, month, version, async (em) => {
      for (const [id, s] of scores) {
        await em.query(
          `UPDATE assessment_score SET completion = $4, completion_detail = $5
            WHERE tenant_id = $1 AND month = $2 AND edition = 1 AND institution_id = $3`,
          [user.tenantId, month, id, s.completion, JSON.stringify(s.tasks)],
        );
      }
      return { action: 'assessment.recompute', details: { units: scores.size, tasks: tasks.length } };
    });
    return this.view(user, month);
  }

  /** One rating per rater, unit and month: a second one is refused (CONFLICT), never replaces. */
  async rate(user: AuthUser, month: string, institutionId: string, score: number): Promise<AssessmentModel> {
    await this.dataSource.transaction(async (em) => {
      const m = await this.lockMonth(em, user.tenantId, month, 'FOR SHARE');
      if (m.state !== AssessmentState.OPEN) throw published(month);
      if (!m.rater_ids.includes(user.id)) {
        throw new ForbiddenError('您不是本月的评分人 (you are not a rater of this month)');
      }
      await this.unitOf(em, m, institutionId);
      const rows = await em.query(
        `INSERT INTO assessment_rating (tenant_id, month, rater_id, institution_id, score)
         VALUES ($1,$2,$3,$4,$5) ON CONFLICT DO NOTHING RETURNING score`,
        [user.tenantId, month, user.id, institutionId, score],
      );
      if (!rows.length) {
        throw new ConflictError(
          '您已为该单位评过分,每人每单位一次 (you have rated this unit; one rating each)',
        );
      }
      await this.audit.record(em, {
        action: 'assessment.rate',
        entityType: 'Assessment',
        entityId: month,
        actor: user,
        details: { month, institutionId, score },
      });
    });
    return this.view(user, month);
  }

  async scoreAnalysis(
    user: AuthUser,
    month: string,
    institutionId: string,
    score: number,
    version?: number,
  ): Promise<AssessmentModel> {
    await this.change(user, month, version, async (em, m) => {
      if (score > m.scheme.analysisWeight) {
        throw new BadInputError(
          `剖析度分数须在 0–${m.scheme.analysisWeight} 之间 (analysis: 0–${m.scheme.analysisWeight})`,
        );
      }
      await this.unitOf(em, m, institutionId);
      await em.query(
        `UPDATE assessment_score SET analysis = $4 WHERE tenant_id = $1 AND month = $2 AND edition = 1 AND institution_id = $3`,
        [user.tenantId, month, institutionId, score],
      );
      return { action: 'assessment.analysis', details: { institutionId, score } };
    });
    return this.view(user, month);
  }

  /** Once per month: the seed (given or random) and the unit list are kept, so anyone can re-run it. */
  async draw(user: AuthUser, month: string, seedIn?: string): Promise<AssessmentModel> {
    await this.change(user, month, undefined, async (em, m) => {
      if (m.draw_seed) throw new ConflictError(`${month} 已抽签,不能重抽 (the month’s draw has been made)`);
      const units: { institution_id: string }[] = await em.query(
        `SELECT s.institution_id FROM assessment_score s JOIN network_institution i ON i.id = s.institution_id
          WHERE s.tenant_id = $1 AND s.month = $2 AND s.edition = 1 ORDER BY i.division_code, i.id`,
        [user.tenantId, month],
      );
      const list = units.map((u) => u.institution_id);
      const seed = seedIn ?? randomBytes(16).toString('hex');
      const drawn = drawUnits(seed, list, DRAW_COUNT);
      await em.query(
        `UPDATE assessment_month SET draw_seed = $3, draw_units = $4, drawn_ids = $5, drawn_by = $6, drawn_at = $7
          WHERE tenant_id = $1 AND month = $2`,
        [user.tenantId, month, seed, list, drawn, user.id, this.clock.now()],
      );
      return { action: 'assessment.draw', details: { seed, units: list, drawn, algorithm: DRAW_ALGORITHM } };
    });
    return this.view(user, month);
  }

  async recordCase(
    user: AuthUser,
    month: string,
    kind: AssessmentCaseKind,
    c: CaseModel,
  ): Promise<AssessmentModel> {
    await this.change(user, month, undefined, async (em, m) => {
      await this.unitOf(em, m, c.institutionId);
      const column = kind === AssessmentCaseKind.GOOD ? 'good_case' : 'bad_case';
      await em.query(`UPDATE assessment_month SET ${column} = $3 WHERE tenant_id = $1 AND month = $2`, [
        user.tenantId,
        month,
        JSON.stringify({ institutionId: c.institutionId, title: c.title, summary: c.summary }),
      ]);
      return { action: 'assessment.case', details: { kind, ...c } };
    });
    return this.view(user, month);
  }

  async publish(user: AuthUser, month: string, version: number): Promise<AssessmentModel> {
    await this.change(user, month, version, async (em, m) => {
      const view = await this.build(em, m, m.edition);
      for (const g of view.groups) {
        for (const u of g.units) {
          await em.query(
            `UPDATE assessment_score SET recognition = $4, total = $5, rank = $6, top = $7, bottom = $8
              WHERE tenant_id = $1 AND month = $2 AND edition = 1 AND institution_id = $3`,
            [user.tenantId, month, u.institutionId, u.recognition, u.total, u.rank, u.top, u.bottom],
          );
        }
      }
      await em.query(
        `INSERT INTO assessment_edition (tenant_id, month, edition, reason, created_by) VALUES ($1,$2,1,$3,$4)`,
        [user.tenantId, month, '首次发布 (first publication)', user.id],
      );
      await em.query(
        `UPDATE assessment_month SET state = 'PUBLISHED', published_at = $3, published_by = $4
          WHERE tenant_id = $1 AND month = $2`,
        [user.tenantId, month, this.clock.now(), user.id],
      );
      return {
        action: 'assessment.publish',
        details: { edition: 1, missingRatings: view.missingRatings.length },
        event: this.event('assessment.published', user, month, 1),
      };
    });
    return this.view(user, month);
  }

  /** After publication: a new edition with the changed figure, re-ranked, with its reason; every unit is told. */
  async correct(user: AuthUser, input: CorrectAssessmentInput): Promise<AssessmentModel> {
    const { month } = input;
    if (input.completion === undefined && input.recognition === undefined && input.analysis === undefined) {
      throw new BadInputError('请至少更正一项分数 (correct at least one score)');
    }
    await this.change(
      user,
      month,
      input.version,
      async (em, m) => {
        if (m.state !== AssessmentState.PUBLISHED) {
          throw new ConflictError(
            '未发布的月份直接修改即可,无需更正 (the month is not published; edit it directly)',
          );
        }
        const s = m.scheme;
        for (const [v, max, label] of [
          [input.completion, s.completionWeight, '完成度 completion'],
          [input.recognition, s.recognitionWeight, '认可度 recognition'],
          [input.analysis, s.analysisWeight, '剖析度 analysis'],
        ] as const) {
          if (v !== undefined && v > max) throw new BadInputError(`${label} 须在 0–${max} 之间 (0–${max})`);
        }
        const rows = await this.scoreRows(em, m, m.edition);
        const target = rows.find((r) => r.institution_id === input.institutionId);
        if (!target) throw new NotFoundError('AssessmentUnit', '考核单位', input.institutionId);
        const before = {
          completion: num(target.completion),
          recognition: num(target.recognition),
          analysis: num(target.analysis),
        };
        const next = m.edition + 1;
        const changed = rows.map((r) =>
          r.institution_id !== input.institutionId
            ? r
            : {
                ...r,
                completion: input.completion !== undefined ? String(input.completion) : r.completion,
                recognition: input.recognition !== undefined ? String(input.recognition) : r.recognition,
                analysis: input.analysis !== undefined ? String(input.analysis) : r.analysis,
              },
        );
        const ranked = this.rank(changed);
        for (const r of changed) {
          const k = ranked.get(r.institution_id)!;
          await em.query(
            `INSERT INTO assessment_score (tenant_id, month, edition, institution_id, group_code, completion,
               completion_detail, recognition, analysis, total, rank, top, bottom)
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
            [
              user.tenantId,
              month,
              next,
              r.institution_id,
              r.group_code,
              r.completion,
              JSON.stringify(r.completion_detail),
              r.recognition,
              r.analysis,
              k.total,
              k.rank,
              k.top,
              k.bottom,
            ],
          );
        }
        await em.query(
          `INSERT INTO assessment_edition (tenant_id, month, edition, reason, created_by) VALUES ($1,$2,$3,$4,$5)`,
          [user.tenantId, month, next, input.reason, user.id],
        );
        await em.query(`UPDATE assessment_month SET edition = $3 WHERE tenant_id = $1 AND month = $2`, [
          user.tenantId,
          month,
          next,
        ]);
        return {
          action: 'assessment.correct',
          details: {
            edition: next,
            institutionId: input.institutionId,
            reason: input.reason,
            before,
            after: { completion: input.completion, recognition: input.recognition, analysis: input.analysis },
          },
          event: this.event('assessment.corrected', user, month, next, input.reason),
        };
      },
      true,
    );
    return this.view(user, month);
  }

  /**
   * The month, ranked per group. Consortium admins and auditors read any month, the month's
   * raters an open one, institution admins a published one.
   */
  async view(user: AuthUser, month: string, edition?: number): Promise<AssessmentModel> {
    return readSnapshot(this.dataSource, async (em) => {
      const [m]: MonthRow[] = await em.query(
        `SELECT * FROM assessment_month WHERE tenant_id = $1 AND month = $2`,
        [user.tenantId, month],
      );
      if (!m) throw monthNotFound(month);
      const wide = hasRole(user, Role.CONSORTIUM_ADMIN, Role.AUDITOR);
      const rater = m.rater_ids.includes(user.id);
      const instAdmin = hasRole(user, Role.INSTITUTION_ADMIN);
      if (
        !wide &&
        !(rater && m.state === AssessmentState.OPEN) &&
        !(instAdmin && m.state === AssessmentState.PUBLISHED)
      ) {
        if (m.state === AssessmentState.OPEN && instAdmin) throw monthNotFound(month);
        throw new ForbiddenError('无权查看本月考核 (you may not read this month’s assessment)');
      }
      const e = edition ?? m.edition;
      if (e < 1 || e > m.edition) throw new NotFoundError('AssessmentEdition', `第 ${e} 版`, String(e));
      return this.build(em, m, e);
    });
  }

  async history(user: AuthUser, institutionId: string): Promise<HistoryModel> {
    return readSnapshot(this.dataSource, async (em) => {
      const [inst] = await em.query(`SELECT id FROM network_institution WHERE tenant_id = $1 AND id = $2`, [
        user.tenantId,
        institutionId,
      ]);
      if (!inst) throw new NotFoundError('Institution', '机构', institutionId);
      if (!hasRole(user, Role.CONSORTIUM_ADMIN, Role.AUDITOR) && user.institutionId !== institutionId) {
        throw new ForbiddenError(
          '只能查看本机构的考核历史 (you may read your own institution’s history only)',
        );
      }
      const rows: (ScoreRow & { month: string; edition: number; group_size: number })[] = await em.query(
        `SELECT s.*, s.edition, count(*) OVER (PARTITION BY s.month, s.group_code)::int AS group_size
           FROM assessment_score s
           JOIN assessment_month m ON m.tenant_id = s.tenant_id AND m.month = s.month AND m.edition = s.edition
          WHERE s.tenant_id = $1 AND m.state = 'PUBLISHED'
          ORDER BY s.month`,
        [user.tenantId],
      );
      const months = [...new Set(rows.map((r) => r.month))];
      return {
        institutionId,
        months: rows
          .filter((r) => r.institution_id === institutionId)
          .map((r) => ({
            month: r.month,
            edition: r.edition,
            groupCode: r.group_code,
            completion: Number(r.completion),
            recognition: num(r.recognition),
            analysis: num(r.analysis),
            total: Number(r.total),
            rank: r.rank!,
            groupSize: r.group_size,
          })),
        distribution: months.map((month) => ({
          month,
          ...distribution(rows.filter((r) => r.month === month).map((r) => Number(r.total)))!,
        })),
      };
    });
  }

  // ---------- internals ----------

  private async assessedUnits(em: EntityManager, tenantId: string, scheme: Scheme) {
    const rows: { id: string; kind: string; tier: string }[] = await em.query(
      `SELECT id, kind, tier FROM network_institution WHERE tenant_id = $1 AND active ORDER BY division_code, id`,
      [tenantId],
    );
    return rows.flatMap((r) => {
      const g = groupOf(scheme, r);
      return g ? [{ id: r.id, group: g.code }] : [];
    });
  }

  private async lockMonth(
    em: EntityManager,
    tenantId: string,
    month: string,
    lock: 'FOR UPDATE' | 'FOR SHARE',
  ) {
    const [m]: MonthRow[] = await em.query(
      `SELECT * FROM assessment_month WHERE tenant_id = $1 AND month = $2 ${lock}`,
      [tenantId, month],
    );
    if (!m) throw monthNotFound(month);
    return m;
  }

  private async unitOf(em: EntityManager, m: MonthRow, institutionId: string) {
    const [row] = await em.query(
      `SELECT 1 FROM assessment_score WHERE tenant_id = $1 AND month = $2 AND edition = $3 AND institution_id = $4`,
      [m.tenant_id, m.month, m.edition, institutionId],
    );
    if (!row) throw new NotFoundError('AssessmentUnit', '本月考核单位', institutionId);
  }

  /** A change to the month: under its row lock, on the version read, bumping it, audited. */
  private async change(
    user: AuthUser,
    month: string,
    version: number | undefined,
    fn: (
      em: EntityManager,
      m: MonthRow,
    ) => Promise<{ action: string; details: Record<string, unknown>; event?: DomainEvent }>,
    allowPublished = false,
  ): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      const m = await this.lockMonth(em, user.tenantId, month, 'FOR UPDATE');
      if (m.state === AssessmentState.PUBLISHED && !allowPublished) throw published(month);
      if (version !== undefined && version !== m.version) {
        throw new ConflictError('本月考核已被他人修改,请刷新 (the month changed since you read it; reload)', {
          version: m.version,
        });
      }
      const r = await fn(em, m);
      await em.query(
        `UPDATE assessment_month SET version = version + 1 WHERE tenant_id = $1 AND month = $2`,
        [user.tenantId, month],
      );
      await this.audit.record(em, {
        action: r.action,
        entityType: 'Assessment',
        entityId: month,
        actor: user,
        details: { month, version: m.version + 1, ...r.details },
      });
      if (r.event) await this.outbox.enqueue(em, eventEntry(r.event));
    });
  }

  private event(
    type: 'assessment.published' | 'assessment.corrected',
    user: AuthUser,
    month: string,
    edition: number,
    reason?: string,
  ): DomainEvent {
    const title =
      type === 'assessment.published'
        ? `${month} 月度量化评价结果已发布 (The ${month} assessment is published)`
        : `${month} 月度量化评价结果已更正(第 ${edition} 版):${reason} (The ${month} assessment was corrected)`;
    return {
      type,
      tenantId: user.tenantId,
      aggregateType: 'Assessment',
      aggregateId: month,
      occurredAt: this.clock.now().toISOString(),
      actorUserId: user.id,
      data: { month, edition },
      notify: [
        {
          audience: [{ tenantRoles: [Role.INSTITUTION_ADMIN, Role.CONSORTIUM_ADMIN] }],
          kind: type,
          title,
          link: `/assessments/${month}`,
          excludeUserIds: [user.id],
        },
      ],
    };
  }

  private async scoreRows(em: EntityManager, m: MonthRow, edition: number): Promise<ScoreRow[]> {
    return em.query(
      `SELECT s.*, i.name, i.division_code FROM assessment_score s JOIN network_institution i ON i.id = s.institution_id
        WHERE s.tenant_id = $1 AND s.month = $2 AND s.edition = $3`,
      [m.tenant_id, m.month, edition],
    );
  }

  private rank(rows: readonly ScoreRow[]) {
    const out = new Map<string, { total: number; rank: number; top: boolean; bottom: boolean }>();
    for (const code of new Set(rows.map((r) => r.group_code))) {
      const ranked = rankGroup(
        rows
          .filter((r) => r.group_code === code)
          .map((r) => ({
            institutionId: r.institution_id,
            divisionCode: r.division_code,
            completion: Number(r.completion),
            recognition: num(r.recognition),
            analysis: num(r.analysis),
          })),
      );
      for (const k of ranked) out.set(k.institutionId, k);
    }
    return out;
  }

  private async build(em: EntityManager, m: MonthRow, edition: number): Promise<AssessmentModel> {
    const rows = await this.scoreRows(em, m, edition);
    const ratings: { rater_id: string; institution_id: string; score: string }[] = await em.query(
      `SELECT rater_id, institution_id, score FROM assessment_rating WHERE tenant_id = $1 AND month = $2`,
      [m.tenant_id, m.month],
    );
    const open = m.state === AssessmentState.OPEN;
    // While open, recognition is the live mean of the ratings given; once published, as stored.
    const live = rows.map((r) =>
      open
        ? {
            ...r,
            recognition: ((v) => (v === null ? null : String(v)))(
              recognitionScore(
                ratings.filter((x) => x.institution_id === r.institution_id).map((x) => Number(x.score)),
                m.scheme.recognitionWeight,
              ),
            ),
          }
        : r,
    );
    const ranked = this.rank(live);
    const unit = (r: ScoreRow): UnitModel => {
      const k = ranked.get(r.institution_id)!;
      return {
        institutionId: r.institution_id,
        institutionName: r.name,
        groupCode: r.group_code,
        completion: Number(r.completion),
        recognition: num(r.recognition),
        ratings: ratings.filter((x) => x.institution_id === r.institution_id).length,
        analysis: num(r.analysis),
        total: open || r.total === null ? k.total : round2(Number(r.total)),
        rank: open || r.rank === null ? k.rank : r.rank,
        top: open ? k.top : r.top,
        bottom: open ? k.bottom : r.bottom,
        tasks: r.completion_detail,
      };
    };
    const groups: GroupResultModel[] = m.scheme.groups
      .map((g) => ({
        code: g.code,
        name: g.name,
        units: live
          .filter((r) => r.group_code === g.code)
          .map(unit)
          .sort((a, b) => a.rank - b.rank),
      }))
      .filter((g) => g.units.length);
    const editions: { edition: number; reason: string; created_at: Date }[] = await em.query(
      `SELECT edition, reason, created_at FROM assessment_edition WHERE tenant_id = $1 AND month = $2 ORDER BY edition`,
      [m.tenant_id, m.month],
    );
    return {
      month: m.month,
      state: m.state,
      edition,
      version: m.version,
      scheme: schemeModel(m.scheme),
      groups,
      raterIds: m.rater_ids,
      missingRatings: m.rater_ids.flatMap((raterId) =>
        rows
          .filter(
            (r) => !ratings.some((x) => x.rater_id === raterId && x.institution_id === r.institution_id),
          )
          .map((r) => ({ raterId, institutionId: r.institution_id })),
      ),
      draw: m.draw_seed
        ? {
            seed: m.draw_seed,
            units: m.draw_units ?? [],
            drawn: m.drawn_ids ?? [],
            drawnAt: m.drawn_at!,
            algorithm: DRAW_ALGORITHM,
          }
        : null,
      goodCase: m.good_case,
      badCase: m.bad_case,
      editions: editions.map((e) => ({ edition: e.edition, reason: e.reason, createdAt: e.created_at })),
      publishedAt: m.published_at,
    };
  }
}
