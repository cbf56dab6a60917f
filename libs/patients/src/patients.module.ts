import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@yg/audit';
import { NetworkModule } from '@yg/network';
import { PatientEntity } from './entities/patient.entity';
import { PatientAccessEntity } from './entities/patient-access.entity';
import { PatientsService } from './patients.service';
import { FamilyDoctorContractResolver, PatientsResolver } from './patients.resolver';
import { PatientCipherProvider } from './patient-cipher.provider';
import { PatientSummaryLoader } from './patient-summary.loader';

@Module({
  imports: [TypeOrmModule.forFeature([PatientEntity, PatientAccessEntity]), AuditModule, NetworkModule],
  providers: [
    PatientCipherProvider,
    PatientsService,
    PatientsResolver,
    FamilyDoctorContractResolver,
    PatientSummaryLoader,
  ],
  exports: [PatientsService, PatientSummaryLoader],
})
export class PatientsModule {}
