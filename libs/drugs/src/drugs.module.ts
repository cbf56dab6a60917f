import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@yg/audit';
import { NetworkModule } from '@yg/network';
import { DRUG_ENTITIES } from './entities';
import { DrugDictionaryService } from './dictionary/dictionary.service';
import { DrugDictionaryImporter } from './dictionary/dictionary-import.service';
import { DrugDictionaryImportResolver, DrugDictionaryResolver } from './dictionary/dictionary.resolver';
import { FormularyService } from './formulary/formulary.service';
import { FormularyResolver } from './formulary/formulary.resolver';
import { DrugImportsProcessor } from './jobs/drug-imports.processor';
import { ContinuityCoreModule, ContinuityModule } from './continuity/continuity.module';
import { SupplyModule, SupplyWorkerModule } from './supply/supply.module';

const shared = [TypeOrmModule.forFeature(DRUG_ENTITIES), AuditModule, NetworkModule];

/** The dictionary import alone (the command line): no GraphQL, no processors. */
@Module({
  imports: shared,
  providers: [DrugDictionaryService, DrugDictionaryImporter],
  exports: [DrugDictionaryService, DrugDictionaryImporter],
})
export class DrugDictionaryModule {}

/** Api side: the national dictionary (read), the unified list, continuity on down-referral, supply requests. */
@Module({
  imports: [...shared, DrugDictionaryModule, ContinuityCoreModule, ContinuityModule, SupplyModule],
  providers: [FormularyService, DrugDictionaryResolver, DrugDictionaryImportResolver, FormularyResolver],
  exports: [DrugDictionaryModule, FormularyService, ContinuityCoreModule],
})
export class DrugsModule {}

/** Worker side: file imports, continuity re-checks, supply deadlines. */
@Module({
  imports: [...shared, DrugDictionaryModule, ContinuityCoreModule, SupplyWorkerModule],
  providers: [DrugImportsProcessor],
  exports: [ContinuityCoreModule],
})
export class DrugsWorkerModule {}
