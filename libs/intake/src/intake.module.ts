import { Module } from '@nestjs/common';
import { AuditModule } from '@yg/audit';
import { NetworkModule } from '@yg/network';
import { RealtimeEmitterModule } from '@yg/realtime';
import { PatientCipherProvider } from '@yg/patients/patient-cipher.provider';
import { IntakeAccess } from './intake-access.service';
import { IntakeService } from './intake.service';
import { StatisticsService } from './statistics.service';
import { IntakeResolver } from './intake.resolver';
import { EncounterMeasureSource } from './measures/encounter-measure-source';
import { IntakeUploadService } from './files/intake-upload.service';
import { IntakeUploadController } from './files/intake-upload.controller';
import { IntakeFileImporter } from './files/intake-import.service';
import { IntakeImportsProcessor } from './files/intake-imports.processor';

/** The measure source alone: what the indicators engine needs, in the api and the worker. */
@Module({
  providers: [EncounterMeasureSource],
  exports: [EncounterMeasureSource],
})
export class IntakeMeasuresModule {}

/** The push path's rules, shared by the api and the worker. */
@Module({
  imports: [AuditModule, NetworkModule],
  providers: [PatientCipherProvider, IntakeAccess, IntakeService],
  exports: [IntakeAccess, IntakeService],
})
export class IntakeCoreModule {}

/** Api side: the push mutations, file uploads, statistics forms, import runs. */
@Module({
  imports: [AuditModule, IntakeCoreModule, IntakeMeasuresModule],
  controllers: [IntakeUploadController],
  providers: [StatisticsService, IntakeResolver, IntakeUploadService],
  exports: [IntakeCoreModule, IntakeMeasuresModule],
})
export class IntakeModule {}

/** Worker side: file imports. */
@Module({
  imports: [AuditModule, IntakeCoreModule, RealtimeEmitterModule, IntakeMeasuresModule],
  providers: [IntakeFileImporter, IntakeImportsProcessor],
  exports: [IntakeMeasuresModule],
})
export class IntakeWorkerModule {}
