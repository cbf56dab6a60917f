import { Controller, Get, Query, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { IsEnum, IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { AuthUser, CurrentUser, excel, HttpErrorFilter, Role, Roles } from '@yg/core';
import { NetworkService, Tier } from '@yg/network';
import { MONTH_MESSAGE, MONTH_PATTERN, PeriodKind } from '../domain/period';
import { ScopeKind } from '../models/indicator.models';
import { IndicatorReports } from '../engine/indicator-reports.service';
import { EXPORT_HEADERS, reportRows, toCsv } from './report-table';

export class ExportQuery {
  @Matches(MONTH_PATTERN, { message: MONTH_MESSAGE })
  month!: string;

  @IsOptional()
  @IsIn(['csv', 'xlsx'], { message: '格式为 csv 或 xlsx (format: csv or xlsx)' })
  format?: 'csv' | 'xlsx';

  @IsOptional()
  @IsEnum(PeriodKind, {
    message: '期间为 MONTH、QUARTER、YEAR 或 YEAR_TO_DATE (period: MONTH, QUARTER, YEAR or YEAR_TO_DATE)',
  })
  period?: PeriodKind;

  @IsOptional()
  @IsEnum(ScopeKind, {
    message: '范围为 CONSORTIUM、TIER 或 INSTITUTION (scope: CONSORTIUM, TIER or INSTITUTION)',
  })
  scope?: ScopeKind;

  @IsOptional()
  @IsEnum(Tier, { message: '层级不合法 (bad tier)' })
  tier?: Tier;

  @IsOptional()
  @IsUUID('all', { message: '机构 id 不合法 (bad institution id)' })
  institutionId?: string;
}

/**
 * `GET /indicators/export?month=2026-10&format=xlsx` (bearer token): one month's indicator
 * report as CSV (UTF-8, BOM) or XLSX, Chinese headers. `period` (default MONTH) widens it to the
 * quarter, year or year to date around that month, as in `indicatorReport`. `scope` defaults to CONSORTIUM for
 * consortium admins and auditors, to the caller's institution for an institution admin;
 * `tier` / `institutionId` narrow it as in `indicatorReport`.
 */
@Controller('indicators')
@UseFilters(HttpErrorFilter)
export class IndicatorExportController {
  constructor(
    private readonly reports: IndicatorReports,
    private readonly network: NetworkService,
  ) {}

  @Get('export')
  @Roles(Role.CONSORTIUM_ADMIN, Role.AUDITOR, Role.INSTITUTION_ADMIN)
  async export(
    @CurrentUser() user: AuthUser,
    @Query() q: ExportQuery,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const wide = user.roles.includes(Role.CONSORTIUM_ADMIN) || user.roles.includes(Role.AUDITOR);
    const kind = q.scope ?? (q.institutionId || !wide ? ScopeKind.INSTITUTION : ScopeKind.CONSORTIUM);
    const report = await this.reports.report(
      user,
      {
        kind,
        tier: q.tier,
        institutionId: kind === ScopeKind.INSTITUTION ? (q.institutionId ?? user.institutionId) : undefined,
      },
      { kind: q.period ?? PeriodKind.MONTH, month: q.month },
    );
    const rows = reportRows(report);
    // The months the report covers (a period still running ends at the current month).
    const { from, to } = report.period;
    const span = from === to ? from : `${from}_${to}`;
    // Which figures these are, in the file's name and on a sheet of its own: a township's export
    // and the consortium's look alike otherwise.
    const scope = report.scope;
    const name =
      scope.kind === ScopeKind.CONSORTIUM
        ? `indicators-${span}`
        : scope.kind === ScopeKind.TIER
          ? `indicators-${span}-tier-${scope.tier}`
          : `indicators-${span}-institution-${scope.institutionId}`;
    if ((q.format ?? 'csv') === 'csv') {
      res.header('content-type', 'text/csv; charset=utf-8');
      res.header('content-disposition', `attachment; filename="${name}.csv"`);
      res.send(toCsv(EXPORT_HEADERS, rows));
      return;
    }
    const book = new (excel().Workbook)();
    const sheet = book.addWorksheet(`指标 ${span.replace('_', '至')}`);
    sheet.addRow([...EXPORT_HEADERS]);
    sheet.getRow(1).font = { bold: true };
    for (const r of rows) sheet.addRow(r);
    sheet.getColumn(3).width = 40;
    sheet.getColumn(17).width = 50;
    const consortium = await this.network.consortium(user.tenantId);
    const about = book.addWorksheet('范围 Scope');
    about.addRows([
      ['医共体 Consortium', consortium.name],
      ['范围 Scope', await this.scopeLabel(user, scope)],
      ['期间 Period', from === to ? from : `${from} 至 ${to}`],
      ['导出时间 Exported at', new Date().toISOString()],
    ]);
    about.getColumn(1).width = 24;
    about.getColumn(2).width = 40;
    res.header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.header('content-disposition', `attachment; filename="${name}.xlsx"`);
    res.send(Buffer.from(await book.xlsx.writeBuffer()));
  }

  private async scopeLabel(
    user: AuthUser,
    scope: { kind: ScopeKind; tier: Tier | null; institutionId: string | null },
  ) {
    if (scope.kind === ScopeKind.TIER) return `${TIER_LABEL[scope.tier!]} (tier ${scope.tier})`;
    if (scope.kind === ScopeKind.INSTITUTION)
      return (await this.network.institution(user.tenantId, scope.institutionId!)).name;
    return '全医共体 (the whole consortium)';
  }
}

const TIER_LABEL: Record<Tier, string> = {
  [Tier.COUNTY]: '县级医疗机构',
  [Tier.TOWNSHIP]: '乡镇(街道)医疗机构',
  [Tier.VILLAGE]: '村卫生室',
  [Tier.EXTERNAL]: '医共体外机构',
};
