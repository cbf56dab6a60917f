import { Module } from '@nestjs/common';
import { AuditModule } from '@yg/audit';
import { NetworkModule } from '@yg/network';
import { PatientCipherProvider } from '@yg/patients/patient-cipher.provider';
import { IntakeAccess } from './intake-access.service';
import { IntakeService } from './intake.service';
import { StatisticsService } from './statistics.service';
import { IntakeResolver } from './intake.resolver';
import { EncounterMeasureSource } from './measures/encounter-measure-source';

/** The measure source alone: what the indicators engine needs, in the api and the worker. */
@Module({
  providers: [EncounterMeasureSource],
  exports: [EncounterMeasureSource],
})
export class IntakeMeasuresModule {}

/** Api side: the push mutations, statistics forms, import runs. */
@Module({
  imports: [AuditModule, NetworkModule, IntakeMeasuresModule],
  providers: [PatientCipherProvider, IntakeAccess, IntakeService, StatisticsService, IntakeResolver],
  exports: [IntakeService, IntakeMeasuresModule],
})
export class IntakeModule {}
