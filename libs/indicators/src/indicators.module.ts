import { DynamicModule, Module, ModuleMetadata, Provider, Type } from '@nestjs/common';
import { AuditModule } from '@yg/audit';
import { NetworkModule } from '@yg/network';
import { ReferralReadsModule } from '@yg/referrals';
import { ConsultationReadsModule } from '@yg/consultations';
import { ContinuityModule } from '@yg/drugs';
import { MEASURE_SOURCES, MeasureSource } from './measures/measure-source';
import { MeasureRegistry } from './measures/measure-registry';
import { ReferralMeasures } from './sources/referral-measures.source';
import { ConsultationMeasures } from './sources/consultation-measures.source';
import { DrugMeasures } from './sources/drug-measures.source';
import { IndicatorDefinitions } from './engine/definitions.service';
import { IndicatorEngine } from './engine/indicator-engine';
import { IndicatorReports } from './engine/indicator-reports.service';
import { IndicatorsResolver } from './indicators.resolver';
import { IndicatorExportController } from './export/indicator-export.controller';

/** The sources this library owns. */
export const OWN_MEASURE_SOURCES: Type<MeasureSource>[] = [
  ReferralMeasures,
  ConsultationMeasures,
  DrugMeasures,
];

export interface IndicatorsModuleOptions {
  /** More source classes (another capability's, e.g. encounter intake), provided by `imports`. */
  sources?: Type<MeasureSource>[];
  /** Ready-made sources (a fixed table in tests). */
  sourceInstances?: MeasureSource[];
  /** Modules that provide what the extra sources inject. */
  imports?: ModuleMetadata['imports'];
}

/**
 * MEASURE_SOURCES: this library's sources plus the extra ones, in that order. A ready-made
 * source takes the place of any class source that claims one of its keys, so a test's fixed
 * table stands in for a whole capability; two class sources claiming one key still fail.
 */
export function measureSourcesProvider(options: IndicatorsModuleOptions = {}): Provider {
  const classes = [...OWN_MEASURE_SOURCES, ...(options.sources ?? [])];
  const instances = options.sourceInstances ?? [];
  const taken = new Set(instances.flatMap((s) => s.keys));
  return {
    provide: MEASURE_SOURCES,
    useFactory: (...sources: MeasureSource[]) => [
      ...sources.filter((s) => !s.keys.some((k) => taken.has(k))),
      ...instances,
    ],
    inject: classes,
  };
}

/**
 * Indicators: sets and versioned definitions, the engine over the registered measure sources,
 * reports, trends, drill-down and export. Api side only: nothing here runs as a job.
 */
@Module({})
export class IndicatorsModule {
  static forRoot(options: IndicatorsModuleOptions = {}): DynamicModule {
    return {
      module: IndicatorsModule,
      imports: [
        AuditModule,
        NetworkModule,
        ReferralReadsModule,
        ConsultationReadsModule,
        ContinuityModule,
        ...(options.imports ?? []),
      ],
      controllers: [IndicatorExportController],
      providers: [
        ...OWN_MEASURE_SOURCES,
        ...(options.sources ?? []),
        measureSourcesProvider(options),
        MeasureRegistry,
        IndicatorEngine,
        IndicatorDefinitions,
        IndicatorReports,
        IndicatorsResolver,
      ],
      exports: [IndicatorReports, IndicatorDefinitions, MeasureRegistry],
    };
  }
}
