// Names of the audit trail's entity types: plain data, read by the console and by test/console-labels.test.ts.

/**
 * The entity types the api writes to the trail (its AUDIT_ENTITY_TYPES; test/console-labels.test.ts
 * keeps the two equal). Its filter matches the type exactly, so the console offers these rather
 * than free text.
 */
export const ENTITY_TYPE_LABELS: Record<string, [string, string]> = {
  Assessment: ['月度考核', 'Assessment'],
  AssessmentScheme: ['考核方案', 'AssessmentScheme'],
  ClinicalDocument: ['诊疗附件', 'ClinicalDocument'],
  Consortium: ['医共体', 'Consortium'],
  Consultation: ['远程会诊', 'Consultation'],
  DataImport: ['数据导入', 'DataImport'],
  Department: ['科室', 'Department'],
  DrugCatalogue: ['药品目录', 'DrugCatalogue'],
  DrugCatalogueImport: ['药品目录导入', 'DrugCatalogueImport'],
  DrugDictionaryImport: ['药品字典导入', 'DrugDictionaryImport'],
  DrugMapping: ['药品对照', 'DrugMapping'],
  FormularyItem: ['统一目录药品', 'FormularyItem'],
  IndicatorDefinition: ['指标定义', 'IndicatorDefinition'],
  IndicatorPublication: ['指标发布', 'IndicatorPublication'],
  Institution: ['机构', 'Institution'],
  KeyMatter: ['关键事项', 'KeyMatter'],
  KeyTask: ['重点任务', 'KeyTask'],
  Patient: ['患者', 'Patient'],
  PlatformOperator: ['平台运维人员', 'PlatformOperator'],
  Practitioner: ['医务人员', 'Practitioner'],
  Queue: ['任务队列', 'Queue'],
  Referral: ['转诊单', 'Referral'],
  StatisticsForm: ['统计报表', 'StatisticsForm'],
  SupplyRequest: ['药品调配申请', 'SupplyRequest'],
  UnificationEvidence: ['七统一佐证', 'UnificationEvidence'],
  UnificationItem: ['七统一评估项', 'UnificationItem'],
  User: ['用户', 'User'],
};
