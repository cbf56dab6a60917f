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
  isUniqueViolation,
  JOBS,
  NotFoundError,
  QUEUES,
  Role,
} from '@yg/core';
import { AuditService } from '@yg/audit';
import { OutboxService } from '@yg/outbox';
import { IndicatorDefinitions } from '@yg/indicators';
import { levelsOrdered, TaskDirection } from '../domain/scoring';
import {
  CreateKeyMatterInput,
  CreateKeyTaskInput,
  KeyMatterModel,
  KeyTaskKind,
  KeyTaskModel,
  ReportTaskProgressInput,
  TaskProgressModel,
  UpdateKeyTaskInput,
} from '../models/assessment.models';

/** How long before a key matter's due time its reminder goes out. */
export const MATTER_REMINDER_BEFORE_MS = 3 * 24 * 3600 * 1000;

export interface MatterTimerPayload {
  keyMatterId: string;
  tenantId: string;
}

interface TaskRow {
  id: string;
  tenant_id: string;
  year: number;
  code: string;
  title: string;
  description: string | null;
  kind: KeyTaskKind;
  indicator_code: string | null;
  direction: TaskDirection;
  required_level: string;
  effort_level: string;
  challenge_level: string;
  points: string;
  institution_ids: string[];
  version: number;
}

interface MatterRow {
  id: string;
  task_id: string;
  quarter: number;
  title: string;
  responsible_institution_id: string | null;
  department: string | null;
  due_at: Date;
  done_at: Date | null;
  reminded_at: Date | null;
  overdue_at: Date | null;
}

export function toTask(r: TaskRow, matters: KeyMatterModel[] = []): KeyTaskModel {
  return {
    id: r.id,
    year: r.year,
    code: r.code,
    title: r.title,
    description: r.description,
    kind: r.kind,
    indicatorCode: r.indicator_code,
    direction: r.direction as KeyTaskModel['direction'],
    requiredLevel: Number(r.required_level),
    effortLevel: Number(r.effort_level),
    challengeLevel: Number(r.challenge_level),
    points: Number(r.points),
    institutionIds: r.institution_ids,
    version: r.version,
    matters,
  };
}

function toMatter(r: MatterRow): KeyMatterModel {
  return {
    id: r.id,
    taskId: r.task_id,
    quarter: r.quarter,
    title: r.title,
    responsibleInstitutionId: r.responsible_institution_id,
    department: r.department,
    dueAt: r.due_at,
    doneAt: r.done_at,
    remindedAt: r.reminded_at,
    overdueAt: r.overdue_at,
  };
}

const taskNotFound = (id?: string) => new NotFoundError('KeyTask', '重点任务', id);

/**
 * The key-task ledger: tasks of a year with three target levels, their key matters per
 * quarter (each with a reminder and an overdue notice as jobs through the outbox), and the
 * progress responsible units report for REPORTED tasks. Consortium admins keep the ledger.
 */
@Injectable()
export class LedgerService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly definitions: IndicatorDefinitions,
    private readonly clock: Clock,
  ) {}

  async tasks(user: AuthUser, year: number): Promise<KeyTaskModel[]> {
    return this.tasksOf(this.dataSource.manager, user.tenantId, year);
  }

  async tasksOf(em: EntityManager, tenantId: string, year: number): Promise<KeyTaskModel[]> {
    const rows: TaskRow[] = await em.query(
      `SELECT * FROM key_task WHERE tenant_id = $1 AND year = $2 ORDER BY code`,
      [tenantId, year],
    );
    if (!rows.length) return [];
    const matters: MatterRow[] = await em.query(
      `SELECT * FROM key_matter WHERE task_id = ANY($1) ORDER BY quarter, due_at, id`,
      [rows.map((r) => r.id)],
    );
    return rows.map((r) => toTask(r, matters.filter((m) => m.task_id === r.id).map(toMatter)));
  }

  createTask(user: AuthUser, input: CreateKeyTaskInput): Promise<KeyTaskModel> {
    return this.dataSource.transaction(async (em) => {
      let direction = input.direction as TaskDirection | undefined;
      if (input.kind === KeyTaskKind.INDICATOR) {
        if (!input.indicatorCode)
          throw new BadInputError('绑定指标的任务需指定指标代码 (an INDICATOR task needs an indicator code)');
        const def = (await this.definitions.effective(em, user.tenantId)).find(
          (d) => d.code === input.indicatorCode,
        );
        if (!def) throw new NotFoundError('IndicatorDefinition', '指标', input.indicatorCode);
        if (def.direction === 'NEUTRAL') {
          throw new BadInputError(
            `指标 ${def.code} 无优劣方向,不能作为任务目标 (indicator ${def.code} has no direction)`,
          );
        }
        direction = def.direction as TaskDirection;
      } else {
        if (input.indicatorCode)
          throw new BadInputError('填报类任务不绑定指标 (a REPORTED task has no indicator)');
        if (!direction) throw new BadInputError('填报类任务需指定方向 (a REPORTED task needs a direction)');
      }
      this.checkLevels(input, direction);
      await this.checkInstitutions(em, user.tenantId, input.institutionIds ?? []);
      const dup = await em.query(`SELECT 1 FROM key_task WHERE tenant_id = $1 AND year = $2 AND code = $3`, [
        user.tenantId,
        input.year,
        input.code,
      ]);
      if (dup.length)
        throw new ConflictError(
          `任务代码 ${input.code} 已存在 (task code ${input.code} exists for ${input.year})`,
        );
      const [row]: TaskRow[] = await em
        .query(
          `INSERT INTO key_task (tenant_id, year, code, title, description, kind, indicator_code, direction,
           required_level, effort_level, challenge_level, points, institution_ids, created_by)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14) RETURNING *`,
          [
            user.tenantId,
            input.year,
            input.code,
            input.title,
            input.description ?? null,
            input.kind,
            input.indicatorCode ?? null,
            direction,
            input.requiredLevel,
            input.effortLevel,
            input.challengeLevel,
            input.points,
            input.institutionIds ?? [],
            user.id,
          ],
        )
        .catch((err: unknown) => {
          // Two creating the same code at once: the second is told, as if it had checked later.
          if (isUniqueViolation(err, 'key_task_code')) {
            throw new ConflictError(
              `任务代码 ${input.code} 已存在 (task code ${input.code} exists for ${input.year})`,
            );
          }
          throw err;
        });
      await this.audit.record(em, {
        action: 'key-task.create',
        entityType: 'KeyTask',
        entityId: row.id,
        actor: user,
        details: {
          year: input.year,
          code: input.code,
          kind: input.kind,
          indicatorCode: input.indicatorCode ?? null,
        },
      });
      return toTask(row);
    });
  }

  updateTask(user: AuthUser, input: UpdateKeyTaskInput): Promise<KeyTaskModel> {
    return this.dataSource.transaction(async (em) => {
      const [cur]: TaskRow[] = await em.query(
        `SELECT * FROM key_task WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
        [user.tenantId, input.id],
      );
      if (!cur) throw taskNotFound(input.id);
      if (cur.version !== input.version) {
        throw new ConflictError('任务已被他人修改,请刷新 (the task changed since you read it; reload)', {
          version: cur.version,
        });
      }
      const next = {
        requiredLevel: input.requiredLevel ?? Number(cur.required_level),
        effortLevel: input.effortLevel ?? Number(cur.effort_level),
        challengeLevel: input.challengeLevel ?? Number(cur.challenge_level),
      };
      this.checkLevels(next, cur.direction);
      if (input.institutionIds) await this.checkInstitutions(em, user.tenantId, input.institutionIds);
      // TypeORM answers an UPDATE with [rows, count].
      const [[row]]: [TaskRow[], number] = await em.query(
        `UPDATE key_task SET title = $2, description = $3, required_level = $4, effort_level = $5,
           challenge_level = $6, points = $7, institution_ids = $8, version = version + 1, updated_at = now()
         WHERE id = $1 RETURNING *`,
        [
          cur.id,
          input.title ?? cur.title,
          // null clears the description; left out (undefined), it stays.
          input.description === undefined ? cur.description : input.description,
          next.requiredLevel,
          next.effortLevel,
          next.challengeLevel,
          input.points ?? Number(cur.points),
          input.institutionIds ?? cur.institution_ids,
        ],
      );
      const { id: _id, version: _v, ...changed } = input;
      await this.audit.record(em, {
        action: 'key-task.update',
        entityType: 'KeyTask',
        entityId: cur.id,
        actor: user,
        details: { code: cur.code, changed, version: row.version },
      });
      return toTask(row);
    });
  }

  createMatter(user: AuthUser, input: CreateKeyMatterInput): Promise<KeyMatterModel> {
    if (!input.responsibleInstitutionId && !input.department) {
      throw new BadInputError('需指定责任单位或责任科室 (a responsible institution or department is needed)');
    }
    return this.dataSource.transaction(async (em) => {
      const [task]: TaskRow[] = await em.query(`SELECT * FROM key_task WHERE tenant_id = $1 AND id = $2`, [
        user.tenantId,
        input.taskId,
      ]);
      if (!task) throw taskNotFound(input.taskId);
      if (input.responsibleInstitutionId) {
        await this.checkInstitutions(em, user.tenantId, [input.responsibleInstitutionId]);
      }
      const [row]: MatterRow[] = await em.query(
        `INSERT INTO key_matter (tenant_id, task_id, quarter, title, responsible_institution_id, department, due_at, created_by)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING *`,
        [
          user.tenantId,
          task.id,
          input.quarter,
          input.title,
          input.responsibleInstitutionId ?? null,
          input.department ?? null,
          input.dueAt,
          user.id,
        ],
      );
      await this.audit.record(em, {
        action: 'key-matter.create',
        entityType: 'KeyMatter',
        entityId: row.id,
        actor: user,
        details: { taskId: task.id, quarter: input.quarter, dueAt: input.dueAt.toISOString() },
      });
      const payload = { keyMatterId: row.id, tenantId: user.tenantId } satisfies MatterTimerPayload;
      const remindAt = new Date(input.dueAt.getTime() - MATTER_REMINDER_BEFORE_MS);
      await this.outbox.enqueue(
        em,
        ...(remindAt > this.clock.now()
          ? [
              {
                tenantId: user.tenantId,
                queue: QUEUES.ASSESSMENT_TASKS,
                jobName: JOBS.KEY_MATTER_REMINDER,
                runAt: remindAt,
                payload,
              },
            ]
          : []),
        {
          tenantId: user.tenantId,
          queue: QUEUES.ASSESSMENT_TASKS,
          jobName: JOBS.KEY_MATTER_OVERDUE,
          runAt: input.dueAt,
          payload,
        },
      );
      return toMatter(row);
    });
  }

  /** The responsible unit (or a consortium admin on its behalf) marks a key matter done. */
  completeMatter(user: AuthUser, id: string): Promise<KeyMatterModel> {
    return this.dataSource.transaction(async (em) => {
      const [m]: MatterRow[] = await em.query(
        `SELECT * FROM key_matter WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
        [user.tenantId, id],
      );
      if (!m) throw new NotFoundError('KeyMatter', '关键事项', id);
      if (!hasRole(user, Role.CONSORTIUM_ADMIN) && m.responsible_institution_id !== user.institutionId) {
        throw new ForbiddenError('只有责任单位可以办结 (only the responsible unit may complete it)');
      }
      if (m.done_at) return toMatter(m);
      const [[row]]: [MatterRow[], number] = await em.query(
        `UPDATE key_matter SET done_at = $2 WHERE id = $1 RETURNING *`,
        [id, this.clock.now()],
      );
      await this.audit.record(em, {
        action: 'key-matter.complete',
        entityType: 'KeyMatter',
        entityId: id,
        actor: user,
      });
      return toMatter(row);
    });
  }

  /** Progress of a REPORTED task, by the unit it is assessed on (its admin) or a consortium admin. */
  reportProgress(user: AuthUser, input: ReportTaskProgressInput): Promise<TaskProgressModel> {
    return this.dataSource.transaction(async (em) => {
      const [task]: TaskRow[] = await em.query(`SELECT * FROM key_task WHERE tenant_id = $1 AND id = $2`, [
        user.tenantId,
        input.taskId,
      ]);
      if (!task) throw taskNotFound(input.taskId);
      const institutionId = input.institutionId ?? user.institutionId;
      await this.checkInstitutions(em, user.tenantId, [institutionId]);
      if (!hasRole(user, Role.CONSORTIUM_ADMIN) && institutionId !== user.institutionId) {
        throw new ForbiddenError(
          '只能填报本机构的进展 (you may report your own institution’s progress only)',
        );
      }
      if (task.kind !== KeyTaskKind.REPORTED) {
        throw new BadInputError(
          '绑定指标的任务由数据计算,无需填报 (an INDICATOR task is computed from data)',
        );
      }
      if (task.institution_ids.length && !task.institution_ids.includes(institutionId)) {
        throw new BadInputError('该单位不承担此任务 (the institution is not assessed on this task)');
      }
      if (Number(input.month.slice(0, 4)) !== task.year) {
        throw new BadInputError(`月份须在任务年度 ${task.year} 内 (the month must be in ${task.year})`);
      }
      const [row] = await em.query(
        `INSERT INTO key_task_progress (tenant_id, task_id, institution_id, month, value, evidence, evidence_sha256, reported_by)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING *`,
        [
          user.tenantId,
          task.id,
          institutionId,
          input.month,
          input.value,
          input.evidence,
          input.evidenceSha256 ?? null,
          user.id,
        ],
      );
      await this.audit.record(em, {
        action: 'key-task.progress',
        entityType: 'KeyTask',
        entityId: task.id,
        actor: user,
        details: {
          institutionId,
          month: input.month,
          value: input.value,
          evidenceSha256: input.evidenceSha256 ?? null,
        },
      });
      return toProgress(row);
    });
  }

  /**
   * What one unit last reported on each task of a year (a later report of a month replaces an
   * earlier one, as completion reads them). The consortium's readers may ask for any unit, an
   * institution admin for their own.
   */
  async latestProgress(user: AuthUser, year: number, institutionId: string): Promise<TaskProgressModel[]> {
    const em = this.dataSource.manager;
    await this.checkInstitutions(em, user.tenantId, [institutionId]);
    if (!hasRole(user, Role.CONSORTIUM_ADMIN, Role.AUDITOR) && institutionId !== user.institutionId) {
      throw new ForbiddenError('只能查看本机构的填报 (you may read your own institution’s reports only)');
    }
    const rows: ProgressRow[] = await em.query(
      `SELECT DISTINCT ON (p.task_id) p.*
         FROM key_task_progress p JOIN key_task t ON t.tenant_id = p.tenant_id AND t.id = p.task_id
        WHERE p.tenant_id = $1 AND p.institution_id = $2 AND t.year = $3
        ORDER BY p.task_id, p.month DESC, p.created_at DESC`,
      [user.tenantId, institutionId, year],
    );
    return rows.map(toProgress);
  }

  private checkLevels(
    l: { requiredLevel: number; effortLevel: number; challengeLevel: number },
    d: TaskDirection,
  ) {
    const levels = { required: l.requiredLevel, effort: l.effortLevel, challenge: l.challengeLevel };
    if (!levelsOrdered(levels, d)) {
      throw new BadInputError(
        d === 'HIGHER_BETTER'
          ? '目标须满足 考核 < 努力 < 挑战 (levels must rise: required < effort < challenge)'
          : '越低越好的目标须满足 考核 > 努力 > 挑战 (lower-is-better levels must fall: required > effort > challenge)',
      );
    }
  }

  /** Another tenant's institution is NOT_FOUND like a missing one. */
  private async checkInstitutions(em: EntityManager, tenantId: string, ids: readonly string[]) {
    if (!ids.length) return;
    const found: { id: string }[] = await em.query(
      `SELECT id FROM network_institution WHERE tenant_id = $1 AND id = ANY($2)`,
      [tenantId, [...new Set(ids)]],
    );
    const missing = ids.find((id) => !found.some((f) => f.id === id));
    if (missing) throw new NotFoundError('Institution', '机构', missing);
  }
}

interface ProgressRow {
  id: string;
  task_id: string;
  institution_id: string;
  month: string;
  value: string;
  evidence: string;
  evidence_sha256: string | null;
  reported_by: string;
  created_at: Date;
}

function toProgress(row: ProgressRow): TaskProgressModel {
  return {
    id: row.id,
    taskId: row.task_id,
    institutionId: row.institution_id,
    month: row.month,
    value: Number(row.value),
    evidence: row.evidence,
    evidenceSha256: row.evidence_sha256,
    reportedBy: row.reported_by,
    createdAt: row.created_at,
  };
}
