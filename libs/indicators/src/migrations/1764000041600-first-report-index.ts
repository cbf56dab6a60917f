import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * First reports by consortium and signing time, for the con.reports / con.reports_on_time
 * indicator reads (ConsultationReads, which now names the report's tenant): without it a month's
 * read joined every consultation of the consortium to its reports.
 */
export class FirstReportIndex1764000041600 implements MigrationInterface {
  name = 'FirstReportIndex1764000041600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX consultation_report_first_signed ON consultation_report (tenant_id, signed_at) WHERE version = 1`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX consultation_report_first_signed`);
  }
}
