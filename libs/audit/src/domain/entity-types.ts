/**
 * Every kind of object the trail names. The audit filter matches a type exactly, so readers (the
 * console's filter, an auditor's query) need the whole list: a new type is added here first, and
 * the console's labels are checked against it.
 */
export const AUDIT_ENTITY_TYPES = [
  'Assessment',
  'AssessmentScheme',
  'ClinicalDocument',
  'Consortium',
  'Consultation',
  'DataImport',
  'Department',
  'DrugCatalogue',
  'DrugCatalogueImport',
  'DrugDictionaryImport',
  'DrugMapping',
  'FormularyItem',
  'IndicatorDefinition',
  'IndicatorPublication',
  'Institution',
  'KeyMatter',
  'KeyTask',
  'Patient',
  'PlatformOperator',
  'Practitioner',
  'Queue',
  'Referral',
  'StatisticsForm',
  'SupplyRequest',
  'UnificationEvidence',
  'UnificationItem',
  'User',
] as const;

export type AuditEntityType = (typeof AUDIT_ENTITY_TYPES)[number];
