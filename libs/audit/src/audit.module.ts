import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditEventEntity } from './entities/audit-event.entity';
import { AuditSealEntity } from './entities/audit-seal.entity';
import { AuditService } from './audit.service';
import { AuditChainService } from './audit-chain.service';
import { AuditQueryService } from './audit-query.service';
import { AuditResolver } from './audit.resolver';

@Module({
  imports: [TypeOrmModule.forFeature([AuditEventEntity, AuditSealEntity])],
  providers: [AuditService, AuditChainService, AuditQueryService, AuditResolver],
  exports: [AuditService, AuditChainService],
})
export class AuditModule {}
