import { Injectable, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EntityManager, In } from 'typeorm';
import { ReferralEntity } from './entities/referral.entity';
import { ReferralDirection, ReferralState } from './domain/referral.enums';

/** What other capabilities may read of a referral without a user: no patient, no clinical text. */
export interface ReferralSummary {
  id: string;
  tenantId: string;
  number: string;
  direction: ReferralDirection;
  state: ReferralState;
  fromInstitutionId: string;
  toInstitutionId: string;
  fromUserId: string;
  submittedAt: Date | null;
  arrivedAt: Date | null;
  closedAt: Date | null;
}

/**
 * The referrals' read model for the capabilities built on them (drug continuity, indicators):
 * they read referrals through this, never the table. One statement per call.
 */
@Injectable()
export class ReferralReads {
  async summaries(em: EntityManager, tenantId: string, ids: readonly string[]): Promise<ReferralSummary[]> {
    if (!ids.length) return [];
    return em.getRepository(ReferralEntity).find({
      select: {
        id: true,
        tenantId: true,
        number: true,
        direction: true,
        state: true,
        fromInstitutionId: true,
        toInstitutionId: true,
        fromUserId: true,
        submittedAt: true,
        arrivedAt: true,
        closedAt: true,
      },
      where: { tenantId, id: In([...new Set(ids)]) },
    });
  }
}

/** Available to the api and the worker alike. */
@Module({
  imports: [TypeOrmModule.forFeature([ReferralEntity])],
  providers: [ReferralReads],
  exports: [ReferralReads],
})
export class ReferralReadsModule {}
