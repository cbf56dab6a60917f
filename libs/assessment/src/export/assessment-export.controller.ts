import { Controller, Get, Query, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { IsIn, IsInt, IsOptional, Matches, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { AuthUser, CurrentUser, excel, HttpErrorFilter, Role, Roles } from '@yg/core';
import { MONTH_MESSAGE, MONTH_PATTERN } from '@yg/indicators';
import { toCsv } from '@yg/indicators/export/report-table';
import { AssessmentModel } from '../models/assessment.models';
import { AssessmentService } from '../month/assessment.service';

export class AssessmentExportQuery {
  @Matches(MONTH_PATTERN, { message: MONTH_MESSAGE })
  month!: string;

  @IsOptional()
  @IsIn(['csv', 'xlsx'], { message: '格式为 csv 或 xlsx (format: csv or xlsx)' })
  format?: 'csv' | 'xlsx';

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  edition?: number;
}

export const ASSESSMENT_HEADERS = [
  '分组 Group',
  '名次 Rank',
  '单位 Institution',
  '完成度 Completion',
  '认可度 Recognition',
  '评分数 Ratings',
  '剖析度 Analysis',
  '总分 Total',
  '前三 Top 3',
  '后三 Bottom 3',
  '版本 Edition',
] as const;

export function assessmentRows(a: AssessmentModel): (string | number)[][] {
  return a.groups.flatMap((g) =>
    g.units.map((u) => [
      g.name,
      u.rank,
      u.institutionName,
      u.completion,
      u.recognition ?? '',
      u.ratings,
      u.analysis ?? '',
      u.total,
      u.top ? '是' : '',
      u.bottom ? '是' : '',
      a.edition,
    ]),
  );
}

/** `GET /assessments/export?month=2026-10&format=xlsx` (bearer token): a month's results, CSV (UTF-8, BOM) or XLSX. */
@Controller('assessments')
@UseFilters(HttpErrorFilter)
export class AssessmentExportController {
  constructor(private readonly assessments: AssessmentService) {}

  @Get('export')
  @Roles(Role.CONSORTIUM_ADMIN, Role.AUDITOR, Role.INSTITUTION_ADMIN)
  async export(
    @CurrentUser() user: AuthUser,
    @Query() q: AssessmentExportQuery,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const a = await this.assessments.view(user, q.month, q.edition);
    const rows = assessmentRows(a);
    const name = `assessment-${q.month}-v${a.edition}`;
    if ((q.format ?? 'csv') === 'csv') {
      res.header('content-type', 'text/csv; charset=utf-8');
      res.header('content-disposition', `attachment; filename="${name}.csv"`);
      res.send(toCsv(ASSESSMENT_HEADERS, rows));
      return;
    }
    const book = new (excel().Workbook)();
    const sheet = book.addWorksheet(`月度考核 ${q.month}`);
    sheet.addRow([...ASSESSMENT_HEADERS]);
    sheet.getRow(1).font = { bold: true };
    for (const r of rows) sheet.addRow(r);
    sheet.getColumn(3).width = 30;
    res.header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.header('content-disposition', `attachment; filename="${name}.xlsx"`);
    res.send(Buffer.from(await book.xlsx.writeBuffer()));
  }
}
