import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@yg/audit';
import { NetworkModule } from '@yg/network';
import { RealtimeEmitterModule } from '@yg/realtime';
import { DRUG_ENTITIES } from './entities';
import { DrugDictionaryService } from './dictionary/dictionary.service';
import { DrugDictionaryImporter } from './dictionary/dictionary-import.service';
import { DrugDictionaryImportResolver, DrugDictionaryResolver } from './dictionary/dictionary.resolver';
import { FormularyService } from './formulary/formulary.service';
import { FormularyResolver } from './formulary/formulary.resolver';
import { DrugImportsProcessor } from './jobs/drug-imports.processor';
import { ContinuityCoreModule, ContinuityModule } from './continuity/continuity.module';
import { CatalogueChangeHandler } from './continuity/catalogue-change.handler';
import { SupplyModule, SupplyWorkerModule } from './supply/supply.module';
import { CatalogueAccess } from './catalogue/catalogue-access.service';
import { CatalogueUploadService } from './catalogue/catalogue-upload.service';
import { CatalogueUploadController } from './catalogue/catalogue-upload.controller';
import { CatalogueQueries } from './catalogue/catalogue-queries.service';
import { MappingDecisions } from './catalogue/mapping-decisions.service';
import { StockService } from './catalogue/stock.service';
import { CatalogueMatching } from './catalogue/catalogue-matching.service';
import { CatalogueImporter } from './catalogue/catalogue-import.service';
import {
  CatalogueCoverageResolver,
  CatalogueImportResolver,
  CatalogueItemResolver,
  CatalogueMappingHistoryResolver,
  CatalogueMappingResolver,
  CatalogueStockResolver,
  MappingProposalResolver,
} from './catalogue/catalogue.resolver';

const shared = [TypeOrmModule.forFeature(DRUG_ENTITIES), AuditModule, NetworkModule];

/** The dictionary import alone (the command line): no GraphQL, no processors. */
@Module({
  imports: shared,
  providers: [DrugDictionaryService, DrugDictionaryImporter],
  exports: [DrugDictionaryService, DrugDictionaryImporter],
})
export class DrugDictionaryModule {}

/** Api side: the national dictionary (read), the unified list, member catalogues (upload, review, stock), continuity on down-referral, supply requests. */
@Module({
  imports: [...shared, DrugDictionaryModule, ContinuityCoreModule, ContinuityModule, SupplyModule],
  controllers: [CatalogueUploadController],
  providers: [
    FormularyService,
    DrugDictionaryResolver,
    DrugDictionaryImportResolver,
    FormularyResolver,
    CatalogueAccess,
    CatalogueUploadService,
    CatalogueQueries,
    MappingDecisions,
    StockService,
    CatalogueImportResolver,
    CatalogueItemResolver,
    CatalogueStockResolver,
    CatalogueMappingResolver,
    MappingProposalResolver,
    CatalogueMappingHistoryResolver,
    CatalogueCoverageResolver,
  ],
  exports: [DrugDictionaryModule, FormularyService, CatalogueAccess, ContinuityCoreModule],
})
export class DrugsModule {}

/** Worker side: file imports and re-matching, continuity re-checks, supply deadlines. */
@Module({
  imports: [...shared, DrugDictionaryModule, RealtimeEmitterModule, ContinuityCoreModule, SupplyWorkerModule],
  providers: [CatalogueMatching, CatalogueImporter, DrugImportsProcessor, CatalogueChangeHandler],
  exports: [ContinuityCoreModule],
})
export class DrugsWorkerModule {}
