// Migration files only: loading them must not pull in decorated models (the migration CLI
// and test set-up run outside the application).
import { Network1764000000000 } from '@yg/network/migrations/1764000000000-network';
import { Audit1764000001000 } from '@yg/audit/migrations/1764000001000-audit';
import { Identity1764000002000 } from '@yg/identity/migrations/1764000002000-identity';
import { Patients1764000003000 } from '@yg/patients/migrations/1764000003000-patients';
import { Outbox1764000004000 } from '@yg/outbox/migrations/1764000004000-outbox';
import { Notifications1764000005000 } from '@yg/notifications/migrations/1764000005000-notifications';
import { Referrals1764000006000 } from '@yg/referrals/migrations/1764000006000-referrals';
import { Consultations1764000007000 } from '@yg/consultations/migrations/1764000007000-consultations';
import { ReserveExpertTime1764000008000 } from '@yg/consultations/migrations/1764000008000-reserve-expert-time';
import { RevocableSessions1764000009000 } from '@yg/identity/migrations/1764000009000-revocable-sessions';
import { PlatformOperators1764000009100 } from '@yg/identity/migrations/1764000009100-platform-operators';
import { AppRole1764000010000 } from './roles/1764000010000-app-role';
import { AuditKeyedChain1764000010100 } from '@yg/audit/migrations/1764000010100-audit-keyed-chain';
import { OutboxSettled1764000012000 } from '@yg/outbox/migrations/1764000012000-outbox-settled';
import { PharmacistRole1764000020000 } from '@yg/identity/migrations/1764000020000-pharmacist-role';
import { Drugs1764000020100 } from '@yg/drugs/migrations/1764000020100-drugs';
import { CatalogueUploads1764000021000 } from '@yg/drugs/migrations/1764000021000-catalogue-uploads';
import { SupplyDeadlines1764000022000 } from '@yg/drugs/migrations/1764000022000-supply-deadlines';
import { IntegrationRole1764000030000 } from '@yg/intake/migrations/1764000030000-integration-role';
import { Intake1764000030100 } from '@yg/intake/migrations/1764000030100-intake';
import { EncounterDays1764000030200 } from '@yg/intake/migrations/1764000030200-encounter-days';
import { Indicators1764000031000 } from '@yg/indicators/migrations/1764000031000-indicators';
import { DrugProductNames1764000032100 } from '@yg/drugs/migrations/1764000032100-drug-product-names';
import { DrugDictionaryCurrentEdition1764000032200 } from '@yg/drugs/migrations/1764000032200-drug-dictionary-current-edition';
import { Unification1764000040000 } from '@yg/unification/migrations/1764000040000-unification';
import { QualitativeIndicators1764000040100 } from '@yg/unification/migrations/1764000040100-qualitative-indicators';
import { Assessment1764000041000 } from '@yg/assessment/migrations/1764000041000-assessment';
import { IndicatorReadIndexes1764000041500 } from '@yg/indicators/migrations/1764000041500-indicator-read-indexes';
import { PatientReadModel1764000055000 } from '@yg/patients/migrations/1764000055000-patient-read-model';
import { CreateReferral1764000055100 } from '@yg/referrals/migrations/1764000055100-create-referral';
import { FirstReportIndex1764000041600 } from '@yg/indicators/migrations/1764000041600-first-report-index';
import { DrugCodeBulkLoad1764000050000 } from '@yg/drugs/migrations/1764000050000-drug-code-bulk-load';
import { ReserveGuardedRange1764000056000 } from '@yg/consultations/migrations/1764000056000-reserve-guarded-range';
import { EncounterNaturalKey1764000052000 } from '@yg/intake/migrations/1764000052000-encounter-natural-key';
import { PartitionRace1764000052100 } from '@yg/intake/migrations/1764000052100-partition-race';
import { ReferralFactRollup1764000051000 } from '@yg/referrals/migrations/1764000051000-referral-fact-rollup';
import { ConsultationFactRollup1764000051010 } from '@yg/consultations/migrations/1764000051010-consultation-fact-rollup';
import { ContinuityRollup1764000051020 } from '@yg/drugs/migrations/1764000051020-continuity-rollup';
import { DrugCodeCollateC1764000057400 } from '@yg/drugs/migrations/1764000057400-drug-code-collate-c';
import { DrugCodeBulkLoadDefaults1764000059200 } from '@yg/drugs/migrations/1764000059200-drug-code-bulk-load-defaults';
import { NetworkReadModel1764000058000 } from '@yg/network/migrations/1764000058000-network-read-model';
import { UserDirectory1764000058010 } from '@yg/identity/migrations/1764000058010-user-directory';
import { PatientIndex1764000059400 } from '@yg/patients/migrations/1764000059400-patient-index';
import { UserContact1764000059410 } from '@yg/identity/migrations/1764000059410-user-contact';
import { CatalogueReadModel1764000059420 } from '@yg/drugs/migrations/1764000059420-catalogue-read-model';
import { EncounterDaysReported1764000059500 } from '@yg/intake/migrations/1764000059500-encounter-days-reported';
import { EncounterRollupCovering1764000059510 } from '@yg/intake/migrations/1764000059510-encounter-rollup-covering';
import { AudienceMembers1764000059700 } from '@yg/identity/migrations/1764000059700-audience-members';
import { ClaimEvent1764000059710 } from '@yg/outbox/migrations/1764000059710-claim-event';
import { OutboxWithoutNotify1764000059800 } from '@yg/outbox/migrations/1764000059800-outbox-without-notify';
import { ReferralFactDelta1764000059810 } from '@yg/referrals/migrations/1764000059810-referral-fact-delta';
import { ConsultationCreatedMs1764000059900 } from '@yg/consultations/migrations/1764000059900-consultation-created-ms';
import { DrugListsCreatedMs1764000059910 } from '@yg/drugs/migrations/1764000059910-drug-lists-created-ms';
import { PasswordChangeRequired1764000060000 } from '@yg/identity/migrations/1764000060000-password-change-required';
import { LoginUnknownName1764000060010 } from '@yg/identity/migrations/1764000060010-login-unknown-name';
import { InstitutionVersion1764000060100 } from '@yg/network/migrations/1764000060100-institution-version';
import { SettingsVersions1764000060110 } from '@yg/network/migrations/1764000060110-settings-versions';
import { UserVersion1764000060200 } from '@yg/identity/migrations/1764000060200-user-version';
import { ClinicalDocuments1764000060300 } from '@yg/documents/migrations/1764000060300-clinical-documents';
import { NotifyEvent1764000059720 } from '@yg/notifications/migrations/1764000059720-notify-event';

/**
 * Every migration, oldest first. Each capability keeps its own migrations; this list is
 * the one place that orders them for the app, the worker, the CLI and the tests.
 */
export const MIGRATIONS = [
  Network1764000000000,
  Audit1764000001000,
  Identity1764000002000,
  Patients1764000003000,
  Outbox1764000004000,
  Notifications1764000005000,
  Referrals1764000006000,
  Consultations1764000007000,
  ReserveExpertTime1764000008000,
  RevocableSessions1764000009000,
  PlatformOperators1764000009100,
  AppRole1764000010000,
  AuditKeyedChain1764000010100,
  OutboxSettled1764000012000,
  PharmacistRole1764000020000,
  Drugs1764000020100,
  CatalogueUploads1764000021000,
  SupplyDeadlines1764000022000,
  IntegrationRole1764000030000,
  Intake1764000030100,
  EncounterDays1764000030200,
  Indicators1764000031000,
  DrugProductNames1764000032100,
  DrugDictionaryCurrentEdition1764000032200,
  Unification1764000040000,
  QualitativeIndicators1764000040100,
  Assessment1764000041000,
  IndicatorReadIndexes1764000041500,
  FirstReportIndex1764000041600,
  DrugCodeBulkLoad1764000050000,
  ReferralFactRollup1764000051000,
  ConsultationFactRollup1764000051010,
  ContinuityRollup1764000051020,
  EncounterNaturalKey1764000052000,
  PartitionRace1764000052100,
  PatientReadModel1764000055000,
  CreateReferral1764000055100,
  ReserveGuardedRange1764000056000,
  DrugCodeCollateC1764000057400,
  NetworkReadModel1764000058000,
  UserDirectory1764000058010,
  DrugCodeBulkLoadDefaults1764000059200,
  PatientIndex1764000059400,
  UserContact1764000059410,
  CatalogueReadModel1764000059420,
  EncounterDaysReported1764000059500,
  EncounterRollupCovering1764000059510,
  AudienceMembers1764000059700,
  ClaimEvent1764000059710,
  NotifyEvent1764000059720,
  OutboxWithoutNotify1764000059800,
  ReferralFactDelta1764000059810,
  ConsultationCreatedMs1764000059900,
  DrugListsCreatedMs1764000059910,
  PasswordChangeRequired1764000060000,
  LoginUnknownName1764000060010,
  InstitutionVersion1764000060100,
  SettingsVersions1764000060110,
  UserVersion1764000060200,
  ClinicalDocuments1764000060300,
];
