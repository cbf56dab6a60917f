import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuthUser, BadInputError, Clock, ForbiddenError, hasRole, Role } from '@yg/core';
import { AuditService } from '@yg/audit';
import { STATISTICS, StatisticKey } from './domain/statistics';
import { SubmitStatisticsInput } from './dto/intake.inputs';
import { IntakeAccess } from './intake-access.service';
import type { DispatchRecordModel } from './models/intake.models';

/**
 * Yearly statistics forms (年度统计报表) and dispatch records (派驻). A value submitted again for
 * the same year, item and institution replaces the old one; a dispatch reported again under
 * its reference is corrected. Consortium-wide items and dispatches are the consortium
 * administrators'; an institution's own items (staff, income) also its administrator's.
 */
@Injectable()
export class StatisticsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: IntakeAccess,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * The values recorded for a year: the consortium's items and every member's for consortium
   * admins and auditors; the consortium's and its own for an institution admin.
   */
  async recorded(
    user: AuthUser,
    year: number,
  ): Promise<{ key: StatisticKey; institutionId: string | null; value: number; submittedAt: Date }[]> {
    assertYear(year);
    const all = hasRole(user, Role.CONSORTIUM_ADMIN, Role.AUDITOR);
    const rows: { key: StatisticKey; institution_id: string | null; value: string; submitted_at: Date }[] =
      await this.dataSource.query(
        `SELECT key, institution_id, value::text, submitted_at FROM intake_statistic
          WHERE tenant_id = $1 AND year = $2 AND ($3 OR institution_id IS NULL OR institution_id = $4)
          ORDER BY key, institution_id NULLS FIRST`,
        [user.tenantId, year, all, user.institutionId],
      );
    return rows.map((r) => ({
      key: r.key,
      institutionId: r.institution_id,
      value: Number(r.value),
      submittedAt: r.submitted_at,
    }));
  }

  /**
   * The dispatches that overlap a year, by start: every one for consortium admins and auditors;
   * those from or to its own institution for an institution admin.
   */
  async dispatches(user: AuthUser, year: number): Promise<DispatchRecordModel[]> {
    assertYear(year);
    const all = hasRole(user, Role.CONSORTIUM_ADMIN, Role.AUDITOR);
    const rows: {
      reference: string;
      from_institution_id: string;
      to_institution_id: string;
      starts_on: string;
      ends_on: string | null;
      submitted_at: Date;
    }[] = await this.dataSource.query(
      `SELECT reference, from_institution_id, to_institution_id, starts_on::text, ends_on::text, submitted_at
         FROM dispatch_record
        WHERE tenant_id = $1 AND starts_on <= make_date($2, 12, 31) AND (ends_on IS NULL OR ends_on >= make_date($2, 1, 1))
          AND ($3 OR from_institution_id = $4 OR to_institution_id = $4)
        ORDER BY starts_on, reference`,
      [user.tenantId, year, all, user.institutionId],
    );
    return rows.map((r) => ({
      reference: r.reference,
      fromInstitutionId: r.from_institution_id,
      toInstitutionId: r.to_institution_id,
      startsOn: r.starts_on,
      endsOn: r.ends_on,
      submittedAt: r.submitted_at,
    }));
  }

  async submit(
    user: AuthUser,
    input: SubmitStatisticsInput,
  ): Promise<{ year: number; values: number; dispatches: number }> {
    const consortiumAdmin = hasRole(user, Role.CONSORTIUM_ADMIN);
    const seen = new Set<string>();
    input.values.forEach((v, i) => {
      const spec = STATISTICS[v.key];
      const field = `values[${i}]`;
      if (spec.perInstitution && !v.institutionId) {
        throw new BadInputError(`${spec.label}:须填写机构 (institutionId is required for this item)`, {
          field,
        });
      }
      if (!spec.perInstitution && v.institutionId) {
        throw new BadInputError(
          `${spec.label}:按医共体填报,不填机构 (a consortium-wide item takes no institutionId)`,
          {
            field,
          },
        );
      }
      if (spec.integer && !Number.isInteger(v.value)) {
        throw new BadInputError(`${spec.label}:应为整数 (must be a whole number)`, { field });
      }
      const k = `${v.key}:${v.institutionId ?? ''}`;
      if (seen.has(k)) throw new BadInputError('同一项目填了两次 (an item is listed twice)', { field });
      seen.add(k);
      if (!consortiumAdmin && (!spec.perInstitution || v.institutionId !== user.institutionId)) {
        throw new ForbiddenError(
          "机构管理员只能填报本机构的项目 (institution administrators submit their own institution's items only)",
        );
      }
    });
    if (input.dispatches.length && !consortiumAdmin) {
      throw new ForbiddenError(
        '派驻记录由医共体管理员填报 (dispatch records are kept by consortium administrators)',
      );
    }
    const refs = new Set<string>();
    input.dispatches.forEach((d, i) => {
      const field = `dispatches[${i}]`;
      if (refs.has(d.reference))
        throw new BadInputError('派驻记录编号重复 (a reference is listed twice)', { field });
      refs.add(d.reference);
      if (!validDay(d.startsOn) || (d.endsOn && !validDay(d.endsOn))) {
        throw new BadInputError('日期无效 (not a calendar day)', { field });
      }
      if (d.endsOn && d.endsOn < d.startsOn) {
        throw new BadInputError('结束日期早于开始日期 (endsOn is before startsOn)', { field });
      }
    });
    return this.dataSource.transaction(async (em) => {
      const institutions = new Set<string>();
      for (const v of input.values) if (v.institutionId) institutions.add(v.institutionId);
      for (const d of input.dispatches) institutions.add(d.fromInstitutionId).add(d.toInstitutionId);
      for (const id of [...institutions].sort()) await this.access.member(user, id, em);
      const now = this.clock.now();
      if (input.values.length) {
        await em.query(
          `INSERT INTO intake_statistic (tenant_id, year, key, institution_id, value, submitted_by, submitted_at)
           SELECT $1, $2, x.key, x.institution_id, x.value, $4, $5
             FROM jsonb_to_recordset($3::jsonb) AS x(key text, institution_id uuid, value numeric)
           ON CONFLICT ON CONSTRAINT intake_statistic_key DO UPDATE SET value = EXCLUDED.value,
             submitted_by = EXCLUDED.submitted_by, submitted_at = EXCLUDED.submitted_at`,
          [
            user.tenantId,
            input.year,
            JSON.stringify(
              input.values.map((v) => ({
                key: v.key,
                institution_id: v.institutionId ?? null,
                value: v.value,
              })),
            ),
            user.id,
            now,
          ],
        );
      }
      if (input.dispatches.length) {
        await em.query(
          `INSERT INTO dispatch_record (tenant_id, reference, from_institution_id, to_institution_id, starts_on, ends_on,
               submitted_by, submitted_at)
           SELECT $1, x.reference, x.from_id, x.to_id, x.starts_on, x.ends_on, $3, $4
             FROM jsonb_to_recordset($2::jsonb) AS x(reference text, from_id uuid, to_id uuid, starts_on date, ends_on date)
           ON CONFLICT (tenant_id, reference) DO UPDATE SET from_institution_id = EXCLUDED.from_institution_id,
             to_institution_id = EXCLUDED.to_institution_id, starts_on = EXCLUDED.starts_on, ends_on = EXCLUDED.ends_on,
             submitted_by = EXCLUDED.submitted_by, submitted_at = EXCLUDED.submitted_at`,
          [
            user.tenantId,
            JSON.stringify(
              input.dispatches.map((d) => ({
                reference: d.reference,
                from_id: d.fromInstitutionId,
                to_id: d.toInstitutionId,
                starts_on: d.startsOn,
                ends_on: d.endsOn ?? null,
              })),
            ),
            user.id,
            now,
          ],
        );
      }
      await this.audit.record(em, {
        action: 'intake.statistics.submit',
        entityType: 'StatisticsForm',
        entityId: `${user.tenantId}:${input.year}`,
        actor: user,
        tenantId: user.tenantId,
        details: {
          year: input.year,
          values: input.values.map((v) => ({
            key: v.key,
            institutionId: v.institutionId ?? null,
            value: v.value,
          })),
          dispatches: input.dispatches,
        },
      });
      return { year: input.year, values: input.values.length, dispatches: input.dispatches.length };
    });
  }
}

function validDay(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** The years the forms take (the submission's own bounds). */
function assertYear(year: number): void {
  if (!Number.isInteger(year) || year < 2000 || year > 2100) {
    throw new BadInputError('年度应在 2000–2100 之间 (the year must be 2000–2100)', { field: 'year' });
  }
}
