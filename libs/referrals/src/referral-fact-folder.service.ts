import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * Moves the fact deltas that referral writes append (`referral_fact_delta`) into the monthly
 * rollup, so readers have few deltas to add. Readers are exact whether or not it has run; see
 * migration 1764000059810.
 */
@Injectable()
export class ReferralFactFolder {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** How many delta rows were folded; 0 when there were none or another worker is folding. */
  async fold(): Promise<number> {
    const [{ n }] = await this.dataSource.query(`SELECT referral_fact_fold() AS n`);
    return n as number;
  }
}
