import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@yg/audit';
import { ConsortiumEntity } from './entities/consortium.entity';
import { InstitutionEntity } from './entities/institution.entity';
import { DepartmentEntity } from './entities/department.entity';
import { PractitionerEntity } from './entities/practitioner.entity';
import { NetworkService } from './network.service';
import { ConsortiumSettingsService } from './consortium-settings.service';
import { ConsortiumResolver, InstitutionResolver, PractitionerResolver } from './network.resolver';

@Module({
  imports: [
    TypeOrmModule.forFeature([ConsortiumEntity, InstitutionEntity, DepartmentEntity, PractitionerEntity]),
    AuditModule,
  ],
  providers: [
    NetworkService,
    ConsortiumSettingsService,
    ConsortiumResolver,
    InstitutionResolver,
    PractitionerResolver,
  ],
  exports: [NetworkService, ConsortiumSettingsService],
})
export class NetworkModule {}
