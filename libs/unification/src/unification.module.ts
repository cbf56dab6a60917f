import { Module } from '@nestjs/common';
import { AuditModule } from '@yg/audit';
import { NetworkModule } from '@yg/network';
import { UnificationItems } from './services/unification-items.service';
import { UnificationEvidence } from './services/unification-evidence.service';
import { UnificationScorecards } from './services/unification-scorecards.service';
import { UnificationMeasures } from './sources/unification-measures.source';
import { CatalogueMeasures } from './sources/catalogue-measures.source';
import { UnificationResolver } from './unification.resolver';

/** What the measure sources need: imported by the indicators module beside UNIFICATION_MEASURE_SOURCES. */
@Module({
  imports: [AuditModule, NetworkModule],
  providers: [
    UnificationItems,
    UnificationEvidence,
    UnificationScorecards,
    UnificationMeasures,
    CatalogueMeasures,
  ],
  exports: [
    UnificationItems,
    UnificationEvidence,
    UnificationScorecards,
    UnificationMeasures,
    CatalogueMeasures,
  ],
})
export class UnificationReadsModule {}

/**
 * This library's measure sources, for IndicatorsModule.forRoot({ sources, imports:
 * [UnificationReadsModule] }): uni.* (the qualitative national indicators) and drug.catalogue_*.
 */
export const UNIFICATION_MEASURE_SOURCES = [UnificationMeasures, CatalogueMeasures];

/** The seven-unification scorecard: items, evidence and its review, results. Api side only. */
@Module({
  imports: [UnificationReadsModule],
  providers: [UnificationResolver],
})
export class UnificationModule {}
