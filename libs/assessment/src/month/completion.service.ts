import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuthUser } from '@yg/core';
import { IndicatorReports, PeriodKind, ScopeKind } from '@yg/indicators';
import { completionScore, completionShare } from '../domain/scoring';
import type { Scheme } from '../domain/scheme';
import type { KeyTaskModel, TaskCompletionModel } from '../models/assessment.models';

export interface UnitCompletion {
  completion: number;
  tasks: TaskCompletionModel[];
}

/**
 * Completion (完成度) of a unit in a month: each key task of the year that applies to it, valued
 * on the year to date — an INDICATOR task by the indicators engine for that institution, a
 * REPORTED task by the latest figure the unit reported for a month up to this one — then
 * scored against its three levels and weighted by its points.
 */
@Injectable()
export class CompletionService {
  constructor(private readonly reports: IndicatorReports) {}

  async forUnits(
    em: EntityManager,
    user: AuthUser,
    month: string,
    scheme: Scheme,
    tasks: readonly KeyTaskModel[],
    institutionIds: readonly string[],
  ): Promise<Map<string, UnitCompletion>> {
    const out = new Map<string, UnitCompletion>();
    const reported: { task_id: string; institution_id: string; value: string }[] = await em.query(
      `SELECT DISTINCT ON (task_id, institution_id) task_id, institution_id, value
         FROM key_task_progress
        WHERE tenant_id = $1 AND task_id = ANY($2) AND month <= $3
        ORDER BY task_id, institution_id, month DESC, created_at DESC`,
      [user.tenantId, tasks.map((t) => t.id), month],
    );
    for (const inst of institutionIds) {
      const mine = tasks.filter((t) => !t.institutionIds.length || t.institutionIds.includes(inst));
      let indicatorValues: Map<string, { value: number | null; reason: string | null }> | null = null;
      if (mine.some((t) => t.indicatorCode)) {
        const report = await this.reports.report(
          user,
          { kind: ScopeKind.INSTITUTION, institutionId: inst },
          { kind: PeriodKind.YEAR_TO_DATE, month },
        );
        indicatorValues = new Map(report.results.map((r) => [r.code, { value: r.value, reason: r.reason }]));
      }
      const lines: TaskCompletionModel[] = mine.map((t) => {
        let value: number | null;
        let reason: string | null = null;
        if (t.indicatorCode) {
          const v = indicatorValues?.get(t.indicatorCode);
          value = v?.value ?? null;
          if (value === null) reason = v?.reason ?? '指标无数据 (no indicator value)';
        } else {
          const r = reported.find((p) => p.task_id === t.id && p.institution_id === inst);
          value = r ? Number(r.value) : null;
          if (value === null) reason = '未填报进展 (no progress reported)';
        }
        const share = completionShare(
          value,
          { required: t.requiredLevel, effort: t.effortLevel, challenge: t.challengeLevel },
          t.direction as 'HIGHER_BETTER' | 'LOWER_BETTER',
          scheme.creditBelowRequired,
        );
        return { taskId: t.id, code: t.code, title: t.title, value, share, points: t.points, reason };
      });
      out.set(inst, {
        completion: completionScore(lines, scheme.completionWeight),
        // Shares shown to four places; the score above used them exactly.
        tasks: lines.map((l) => ({ ...l, share: Math.round(l.share * 1e4) / 1e4 })),
      });
    }
    return out;
  }
}
