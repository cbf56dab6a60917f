import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the indicator reads of raw flows (ReferralReads / ConsultationReads.factCounts):
 * a month's report reads a few months of one consortium's referrals by submission time and
 * consultations by booked start; without these each read scanned every referral or
 * consultation of the consortium (bench/README.md, indicators at province scale).
 */
export class IndicatorReadIndexes1764000041500 implements MigrationInterface {
  name = 'IndicatorReadIndexes1764000041500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX referral_tenant_submitted ON referral (tenant_id, submitted_at) WHERE submitted_at IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX consultation_tenant_scheduled ON consultation (tenant_id, scheduled_start)
        WHERE scheduled_start IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX consultation_tenant_scheduled`);
    await q.query(`DROP INDEX referral_tenant_submitted`);
  }
}
