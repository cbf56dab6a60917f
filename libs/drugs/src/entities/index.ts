import {
  DrugCodeEntity,
  DrugDictionaryEditionEntity,
  DrugDictionaryImportEntity,
  EssentialDrugEditionEntity,
} from './dictionary.entities';
import { FormularyItemEntity, FormularyItemVersionEntity } from './formulary.entities';
import {
  DrugCatalogueImportEntity,
  DrugCatalogueItemEntity,
  DrugCatalogueItemVersionEntity,
  DrugCatalogueUploadChunkEntity,
  DrugMappingEntity,
  DrugMappingHistoryEntity,
  DrugStockEntity,
} from './catalogue.entities';
import {
  MedicationContinuityCheckEntity,
  MedicationContinuityResultEntity,
  MedicationPlanItemEntity,
} from './continuity.entities';
import { SupplyRequestEntity, SupplyRequestStepEntity } from './supply.entities';

export * from './dictionary.entities';
export * from './formulary.entities';
export * from './catalogue.entities';
export * from './continuity.entities';
export * from './supply.entities';

/** Every entity of the capability, for TypeOrmModule.forFeature. */
export const DRUG_ENTITIES = [
  EssentialDrugEditionEntity,
  DrugDictionaryEditionEntity,
  DrugDictionaryImportEntity,
  DrugCodeEntity,
  FormularyItemEntity,
  FormularyItemVersionEntity,
  DrugCatalogueImportEntity,
  DrugCatalogueUploadChunkEntity,
  DrugCatalogueItemEntity,
  DrugCatalogueItemVersionEntity,
  DrugMappingEntity,
  DrugMappingHistoryEntity,
  DrugStockEntity,
  MedicationPlanItemEntity,
  MedicationContinuityCheckEntity,
  MedicationContinuityResultEntity,
  SupplyRequestEntity,
  SupplyRequestStepEntity,
];
