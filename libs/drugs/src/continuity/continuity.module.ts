import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NetworkModule } from '@yg/network';
import { ReferralReadsModule, ReferralsModule } from '@yg/referrals';
import { DRUG_ENTITIES } from '../entities';
import { ContinuityInputs } from './continuity-inputs';
import { ContinuityService } from './continuity.service';
import { ContinuityHook } from './continuity.hook';
import { ContinuityQueries } from './continuity-queries.service';
import { ContinuityRateService } from './continuity-rate.service';
import {
  ContinuityCheckResolver,
  ContinuityItemResolver,
  ReferralContinuityResolver,
} from './continuity.resolver';
import { ContinuityRateResolver, ContinuityRateRowResolver } from './continuity-rate.resolver';

/**
 * Continuity checks and `requestRecheck`, for the api and the worker alike. Whatever changes
 * an institution's stock or mappings imports this and calls ContinuityService.requestRecheck.
 */
@Module({
  imports: [TypeOrmModule.forFeature(DRUG_ENTITIES), NetworkModule, ReferralReadsModule],
  providers: [ContinuityInputs, ContinuityService],
  exports: [ContinuityService],
})
export class ContinuityCoreModule {}

/** Api side: the submission hook, the referral's continuity fields, 用药衔接率. */
@Module({
  imports: [ContinuityCoreModule, NetworkModule, ReferralsModule, ReferralReadsModule],
  providers: [
    ContinuityHook,
    ContinuityQueries,
    ContinuityRateService,
    ReferralContinuityResolver,
    ContinuityCheckResolver,
    ContinuityItemResolver,
    ContinuityRateResolver,
    ContinuityRateRowResolver,
  ],
  exports: [ContinuityCoreModule, ContinuityQueries, ContinuityRateService],
})
export class ContinuityModule {}
