// Do not edit: written by apps/console/codegen.ts from apps/api/schema.gql and operations.graphql.

/** A GraphQL document with its result and variables types attached. */
export type Operation<R, V> = string & { readonly __result?: R; readonly __variables?: V };

export type AssessmentCaseKind = 'BAD' | 'GOOD';
export type AssessmentState = 'OPEN' | 'PUBLISHED';
export type AvailabilityExceptionKind = 'DAY_OFF' | 'EXTRA_WINDOW';
export type ChronicCondition = 'ASTHMA' | 'CANCER' | 'CKD' | 'COPD' | 'CORONARY_HEART_DISEASE' | 'DIABETES_T1' | 'DIABETES_T2' | 'HYPERTENSION' | 'SEVERE_MENTAL_ILLNESS' | 'STROKE_SEQUELAE' | 'TUBERCULOSIS';
export type ConsultationKind = 'ECG_READ' | 'IMAGING_READ' | 'MDT' | 'ON_SITE_CLINIC' | 'PATHOLOGY_READ' | 'TEACHING_ROUND' | 'VIDEO';
export type ConsultationState = 'CANCELLED' | 'COMPLETED' | 'DECLINED' | 'IN_PROGRESS' | 'NO_SHOW' | 'REPORTED' | 'REQUESTED' | 'SCHEDULED';
export type ContinuityTrigger = 'MANUAL' | 'MAPPING_CHANGE' | 'STOCK_CHANGE' | 'SUBMISSION' | 'SUPPLY';
export type FormularyStatus = 'ACTIVE' | 'RETIRED';
export type FormularyTier = 'COUNTY' | 'TOWNSHIP' | 'VILLAGE';
export type ImportStatus = 'DONE' | 'FAILED' | 'QUEUED' | 'RUNNING' | 'SKIPPED' | 'UPLOADING';
export type IndicatorDirection = 'HIGHER_BETTER' | 'LOWER_BETTER' | 'NEUTRAL';
export type IndicatorKind = 'CHANGE' | 'GROWTH' | 'QUALITATIVE' | 'RATIO' | 'VALUE';
export type IndicatorPeriodKind = 'MONTH' | 'QUARTER' | 'YEAR' | 'YEAR_TO_DATE';
export type IndicatorScopeKind = 'CONSORTIUM' | 'INSTITUTION' | 'TIER';
export type IndicatorTargetSource = 'CONSORTIUM' | 'NATIONAL' | 'PROVINCIAL';
export type InstitutionKind = 'COMMUNITY_HEALTH_CENTER' | 'COMMUNITY_HOSPITAL_GROUP' | 'GENERAL_HOSPITAL' | 'PARTNER_HOSPITAL' | 'REGIONAL_SUBCENTER' | 'SPECIALTY_HOSPITAL' | 'TOWNSHIP_HEALTH_CENTER' | 'VILLAGE_CLINIC';
export type InsuranceType = 'COMMERCIAL' | 'OTHER' | 'PUBLIC_FUNDED' | 'SELF_PAY' | 'URBAN_EMPLOYEE' | 'URBAN_RURAL_RESIDENT';
export type KeyTaskKind = 'INDICATOR' | 'REPORTED';
export type MappingStatus = 'AUTO_CONFIRMED' | 'CONFIRMED' | 'INVALID' | 'PROPOSED' | 'REJECTED' | 'UNMAPPED';
export type OutsideChannel = 'SMS' | 'WEBHOOK';
export type PractitionerTitle = 'ASSOCIATE_CHIEF_PHYSICIAN' | 'ATTENDING_PHYSICIAN' | 'CHIEF_PHYSICIAN' | 'RESIDENT_PHYSICIAN' | 'VILLAGE_DOCTOR';
export type ReferralBox = 'ALL' | 'INCOMING' | 'OUTGOING';
export type ReferralDirection = 'DOWN' | 'LATERAL' | 'UP';
export type ReferralOrder = 'RECENT' | 'URGENCY';
export type ReferralState = 'ACCEPTED' | 'ARRIVED' | 'CANCELLED' | 'COMPLETED' | 'DRAFT' | 'NO_SHOW' | 'REJECTED' | 'SUBMITTED';
export type RejectReasonCode = 'INCOMPLETE_INFORMATION' | 'MORE_APPROPRIATE_ELSEWHERE' | 'NO_CAPACITY' | 'OTHER' | 'OUTSIDE_SCOPE' | 'PATIENT_DECLINED';
export type Role = 'AUDITOR' | 'CLINICIAN' | 'CONSORTIUM_ADMIN' | 'DATA_INTEGRATION' | 'EXPERT' | 'INSTITUTION_ADMIN' | 'PHARMACIST' | 'REFERRAL_COORDINATOR';
export type SessionMode = 'ON_SITE' | 'REMOTE';
export type Sex = 'FEMALE' | 'MALE';
export type StatisticKey = 'CHRONIC_MANAGED' | 'CHRONIC_PREMATURE_DEATHS' | 'POPULATION' | 'POPULATION_30_70' | 'STAFF_COUNT' | 'STAFF_INCOME_TOTAL' | 'VILLAGE_CLINICS' | 'VILLAGE_CLINICS_ECG';
export type StockSource = 'IMPORT' | 'MANUAL' | 'SUPPLY';
export type SupplyRequestState = 'APPROVED' | 'DISPATCHED' | 'RECEIVED' | 'REJECTED' | 'REQUESTED';
export type SupplyUrgency = 'ROUTINE' | 'URGENT';
export type Tier = 'COUNTY' | 'EXTERNAL' | 'TOWNSHIP' | 'VILLAGE';
export type UnificationComparator = 'GT' | 'GTE' | 'LT' | 'LTE';
export type UnificationDimension = 'ADMINISTRATION' | 'BUSINESS' | 'DRUGS' | 'FINANCE' | 'INFORMATION' | 'PERFORMANCE' | 'PERSONNEL';
export type UnificationItemKind = 'DATA' | 'EVIDENCE';
export type UnificationItemOutcome = 'MET' | 'NOT_APPLICABLE' | 'NOT_MET' | 'NO_DATA' | 'PARTIAL';
export type UnificationOutcome = 'MET' | 'NOT_MET' | 'PARTIAL';
export type UnificationReviewDecision = 'ACCEPTED' | 'REJECTED';
export type UnificationReviewStatus = 'ACCEPTED' | 'PENDING' | 'REJECTED';
export type Urgency = 'EMERGENCY' | 'ROUTINE' | 'URGENT';

export interface AcceptReferralInput {
  appointmentAt: string;
  bed?: string | null;
  departmentId?: string | null;
  id: string;
  note?: string | null;
  place?: string | null;
}

export interface AddConsultationAttachmentsInput {
  attachments: Array<StudyAttachmentInput>;
  id: string;
  note?: string | null;
}

export interface AddFormularyItemInput {
  dosageForm?: string | null;
  genericName?: string | null;
  nationalCode?: string | null;
  note?: string | null;
  productKey?: string | null;
  spec?: string | null;
  substitutionGroup?: string | null;
  tiers: Array<FormularyTier>;
}

export interface AddReferralAttachmentsInput {
  attachments: Array<AttachmentInput>;
  id: string;
  note?: string | null;
}

export interface ApproveSupplyRequestInput {
  expectedVersion: number;
  id: string;
  note?: string | null;
}

export interface AuditEventFilter {
  action?: string | null;
  actorUserId?: string | null;
  entityId?: string | null;
  entityType?: string | null;
  from?: string | null;
  to?: string | null;
}

export interface BookConsultationInput {
  consent?: ConsentInput | null;
  end: string;
  expertIds?: Array<string> | null;
  id: string;
  mode?: SessionMode | null;
  start: string;
}

export interface CancelReferralInput {
  id: string;
  reason: string;
}

export interface ConsultationIdInput {
  id: string;
  note?: string | null;
}

export interface ConsultationReasonInput {
  id: string;
  reason: string;
}

export interface CorrectAssessmentInput {
  analysis?: number | null;
  completion?: number | null;
  institutionId: string;
  month: string;
  reason: string;
  recognition?: number | null;
  version: number;
}

export interface CreateDepartmentInput {
  code: string;
  institutionId: string;
  name: string;
  specialty?: string | null;
}

export interface CreateInstitutionInput {
  address?: string | null;
  divisionCode: string;
  grade?: string | null;
  kind: InstitutionKind;
  name: string;
  parentId?: string | null;
  phone?: string | null;
  tier: Tier;
}

export interface CreateKeyMatterInput {
  department?: string | null;
  dueAt: string;
  quarter: number;
  responsibleInstitutionId?: string | null;
  taskId: string;
  title: string;
}

export interface CreateKeyTaskInput {
  challengeLevel: number;
  code: string;
  description?: string | null;
  direction?: IndicatorDirection | null;
  effortLevel: number;
  indicatorCode?: string | null;
  institutionIds?: Array<string> | null;
  kind: KeyTaskKind;
  points: number;
  requiredLevel: number;
  title: string;
  year: number;
}

export interface CreatePractitionerInput {
  departmentId?: string | null;
  institutionId: string;
  licenceNumber: string;
  name: string;
  specialties?: Array<string>;
  title: PractitionerTitle;
}

export interface CreateReferralInput {
  attachments?: Array<AttachmentInput>;
  attentionNotes?: string | null;
  clinicalSummary: string;
  contactPhone: string;
  diagnosisCode: string;
  diagnosisName: string;
  direction: ReferralDirection;
  dischargeSummary?: string | null;
  fromPractitionerId?: string | null;
  idempotencyKey?: string | null;
  insuranceType: InsuranceType;
  medicationPlan?: Array<MedicationItemInput>;
  patientId: string;
  purpose: string;
  rehabPlan?: string | null;
  resubmissionOf?: string | null;
  submit?: boolean;
  toDepartmentId?: string | null;
  toInstitutionId: string;
  urgency: Urgency;
}

export interface CreateSupplyRequestInput {
  formularyItemId: string;
  idempotencyKey: string;
  institutionId?: string | null;
  neededBy?: string | null;
  quantity: number;
  reason: string;
  referralId?: string | null;
  urgency?: SupplyUrgency;
}

export interface CreateUnificationItemInput {
  changeNote: string;
  code: string;
  data?: UnificationDataCheckInput | null;
  dimension: UnificationDimension;
  evidence?: UnificationEvidenceCheckInput | null;
  kind: UnificationItemKind;
  nameEn: string;
  nameZh: string;
  tiers: Array<Tier>;
}

export interface CreateUserInput {
  displayName: string;
  institutionId: string;
  password: string;
  phone?: string | null;
  practitionerId?: string | null;
  roles: Array<Role>;
  username: string;
}

export interface DispatchSupplyRequestInput {
  expectedVersion?: number | null;
  id: string;
  note?: string | null;
  quantity?: number | null;
}

export interface IndicatorPeriodInput {
  kind: IndicatorPeriodKind;
  month: string;
}

export interface IndicatorScopeInput {
  institutionId?: string | null;
  kind: IndicatorScopeKind;
  tier?: Tier | null;
}

export interface PublishAvailabilityInput {
  exceptions?: Array<AvailabilityExceptionInput>;
  expertId?: string | null;
  rules: Array<AvailabilityRuleInput>;
}

export interface ReceiveSupplyRequestInput {
  expectedVersion?: number | null;
  id: string;
  note?: string | null;
  receivedQuantity: number;
}

export interface RecordUnificationEvidenceInput {
  documentDate: string;
  evidenceKind: string;
  institutionId: string;
  location: string;
  sha256: string;
  title: string;
}

export interface ReferralNoteInput {
  id: string;
  note?: string | null;
}

export interface ReferralSettingsInput {
  emergencySeconds?: number | null;
  noShowGraceSeconds?: number | null;
  reminderBeforeSeconds?: number | null;
  routineSeconds?: number | null;
  urgentSeconds?: number | null;
  version: number;
}

export interface RegisterPatientInput {
  birthDate?: string | null;
  chronicConditions?: Array<ChronicCondition>;
  familyDoctorContract?: FamilyDoctorContractInput | null;
  idNumber: string;
  name: string;
  phone?: string | null;
  residenceDivisionCode: string;
  sex?: Sex | null;
}

export interface RejectReferralInput {
  id: string;
  reason: string;
  reasonCode: RejectReasonCode;
}

export interface RejectSupplyRequestInput {
  expectedVersion: number;
  id: string;
  reason: string;
}

export interface ReportTaskProgressInput {
  evidence: string;
  evidenceSha256?: string | null;
  institutionId?: string | null;
  month: string;
  taskId: string;
  value: number;
}

export interface RequestConsultationInput {
  attachments?: Array<StudyAttachmentInput>;
  caseSummary: string;
  consent?: ConsentInput | null;
  expertIds?: Array<string>;
  kind: ConsultationKind;
  patientId: string;
  purpose: string;
  question: string;
  specialty?: string | null;
  title?: string | null;
  urgency?: string;
}

export interface RescheduleConsultationInput {
  end: string;
  id: string;
  reason: string;
  start: string;
}

export interface RetireFormularyItemInput {
  expectedVersion?: number | null;
  id: string;
  reason: string;
}

export interface ReviewUnificationEvidenceInput {
  decision: UnificationReviewDecision;
  evidenceId: string;
  reason?: string | null;
}

export interface SubmitConsultationReportInput {
  amendmentReason?: string | null;
  id: string;
  opinion: string;
  recommendations: string;
  suggestedDiagnoses?: Array<SuggestedDiagnosisInput>;
}

export interface SubmitStatisticsInput {
  dispatches?: Array<DispatchRecordInput>;
  values?: Array<StatisticValueInput>;
  year: number;
}

export interface SupplySettingsInput {
  reminderBeforeSeconds?: number | null;
  routineDecideSeconds?: number | null;
  routineDeliverSeconds?: number | null;
  urgentDecideSeconds?: number | null;
  urgentDeliverSeconds?: number | null;
  version: number;
}

export interface UpdateAssessmentSchemeInput {
  analysisWeight: number;
  basedOnVersion: number;
  changeNote: string;
  completionWeight: number;
  creditBelowRequired: boolean;
  groups: Array<AssessmentGroupInput>;
  recognitionWeight: number;
}

export interface UpdateFormularyItemInput {
  dosageForm?: string | null;
  expectedVersion: number;
  genericName?: string | null;
  id: string;
  note?: string | null;
  reason?: string | null;
  spec?: string | null;
  substitutionGroup?: string | null;
  tiers?: Array<FormularyTier> | null;
}

export interface UpdateIndicatorDefinitionInput {
  changeNote: string;
  code: string;
  dimension?: string | null;
  direction?: IndicatorDirection | null;
  formula?: IndicatorFormulaInput | null;
  kind?: IndicatorKind | null;
  nameEn?: string | null;
  nameZh?: string | null;
  targets?: Array<IndicatorTargetInput> | null;
  unit?: string | null;
  version: number;
  workingDefinition?: string | null;
}

export interface UpdateInstitutionInput {
  active?: boolean | null;
  address?: string | null;
  divisionCode?: string | null;
  grade?: string | null;
  id: string;
  kind?: InstitutionKind | null;
  name?: string | null;
  parentId?: string | null;
  phone?: string | null;
  tier?: Tier | null;
  version: number;
}

export interface UpdateKeyTaskInput {
  challengeLevel?: number | null;
  description?: string | null;
  effortLevel?: number | null;
  id: string;
  institutionIds?: Array<string> | null;
  points?: number | null;
  requiredLevel?: number | null;
  title?: string | null;
  version: number;
}

export interface UpdateNotificationPreferencesInput {
  channels: Array<OutsideChannel>;
  webhookUrl?: string | null;
}

export interface UpdateStockInput {
  institutionId: string;
  items: Array<StockLineInput>;
}

export interface UpdateUnificationItemInput {
  active?: boolean | null;
  changeNote: string;
  code: string;
  data?: UnificationDataCheckInput | null;
  evidence?: UnificationEvidenceCheckInput | null;
  nameEn?: string | null;
  nameZh?: string | null;
  tiers?: Array<Tier> | null;
  version: number;
}

export interface UpdateUserInput {
  displayName?: string | null;
  id: string;
  institutionId?: string | null;
  phone?: string | null;
  practitionerId?: string | null;
  roles?: Array<Role> | null;
  version: number;
}

export interface AssessmentGroupInput {
  code: string;
  kinds: Array<string>;
  name: string;
  tiers: Array<string>;
}

export interface AttachmentInput {
  documentId?: string | null;
  name: string;
  type?: string | null;
  uri?: string | null;
}

export interface AvailabilityExceptionInput {
  date: string;
  end?: string | null;
  kind: AvailabilityExceptionKind;
  mode?: SessionMode | null;
  sessionMinutes?: number | null;
  start?: string | null;
}

export interface AvailabilityRuleInput {
  end: string;
  mode: SessionMode;
  sessionMinutes: number;
  start: string;
  validFrom: string;
  validTo?: string | null;
  weekday: number;
}

export interface ConsentInput {
  documentId?: string | null;
  documentUri?: string | null;
  relationship: string;
  signedAt: string;
  signedBy: string;
}

export interface DispatchRecordInput {
  endsOn?: string | null;
  fromInstitutionId: string;
  reference: string;
  startsOn: string;
  toInstitutionId: string;
}

export interface FamilyDoctorContractInput {
  institutionId: string;
  practitionerId: string;
  signedOn: string;
}

export interface IndicatorFormulaInput {
  denominator?: IndicatorExprInput | null;
  multiplier: number;
  numerator: IndicatorExprInput;
}

export interface IndicatorTargetInput {
  note?: string | null;
  source: IndicatorTargetSource;
  value: number;
}

export interface MedicationItemInput {
  dose: string;
  drug: string;
  duration: string;
  formularyItemId?: string | null;
  frequency: string;
  nationalCode?: string | null;
  route: string;
}

export interface StatisticValueInput {
  institutionId?: string | null;
  key: StatisticKey;
  value: number;
}

export interface StockLineInput {
  catalogueItemId: string;
  onHand: number;
}

export interface StudyAttachmentInput {
  documentId?: string | null;
  name: string;
  type?: string | null;
  uri?: string | null;
}

export interface SuggestedDiagnosisInput {
  code?: string | null;
  name: string;
}

export interface UnificationDataCheckInput {
  comparator: UnificationComparator;
  denominator?: Array<string> | null;
  met: number;
  multiplier: number;
  numerator: Array<string>;
  partial?: number | null;
}

export interface UnificationEvidenceCheckInput {
  evidenceKind: string;
  validMonths?: number | null;
}

export interface IndicatorExprInput {
  per?: Array<IndicatorTermInput> | null;
  terms: Array<IndicatorTermInput>;
}

export interface IndicatorTermInput {
  coefficient?: number | null;
  consortiumLevel?: boolean | null;
  key: string;
  kinds?: Array<string> | null;
  tiers?: Array<Tier> | null;
}

export type LoginResult = {
  login: {
    token: string;
    expiresAt: string;
  };
};
export type LoginVariables = {
  username: string;
  password: string;
};
export const Login = "mutation Login($username: String!, $password: String!) {\n  login(username: $username, password: $password) {\n    token\n    expiresAt\n  }\n}" as Operation<LoginResult, LoginVariables>;

export type MeResult = {
  me: {
    id: string;
    username: string;
    displayName: string;
    roles: Array<Role>;
    practitionerId: string | null;
    passwordChangeRequired: boolean;
    institution: {
      id: string;
      name: string;
      kind: InstitutionKind;
    };
  };
};
export type MeVariables = {};
export const Me = "query Me {\n  me {\n    id\n    username\n    displayName\n    roles\n    practitionerId\n    passwordChangeRequired\n    institution {\n      id\n      name\n      kind\n    }\n  }\n}" as Operation<MeResult, MeVariables>;

export type NetworkResult = {
  consortium: {
    id: string;
    name: string;
    framework: string;
    structure: {
      framework: string;
      known: boolean;
      holds: boolean;
      differences: Array<string>;
      counts: Array<{
        kind: InstitutionKind;
        expected: number | null;
        actual: number;
        holds: boolean;
      }>;
    };
  };
};
export type NetworkVariables = {};
export const Network = "query Network {\n  consortium {\n    id\n    name\n    framework\n    structure {\n      framework\n      known\n      holds\n      differences\n      counts {\n        kind\n        expected\n        actual\n        holds\n      }\n    }\n  }\n}" as Operation<NetworkResult, NetworkVariables>;

export type InstitutionsResult = {
  institutions: {
    nodes: Array<{
      id: string;
      name: string;
      kind: InstitutionKind;
      tier: Tier;
      grade: string | null;
      parentId: string | null;
    }>;
    pageInfo: {
      endCursor: string | null;
      hasNextPage: boolean;
    };
  };
};
export type InstitutionsVariables = {
  after?: string | null;
};
export const Institutions = "query Institutions($after: String) {\n  institutions(first: 100, after: $after) {\n    nodes {\n      id\n      name\n      kind\n      tier\n      grade\n      parentId\n    }\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n  }\n}" as Operation<InstitutionsResult, InstitutionsVariables>;

export type PractitionersResult = {
  practitioners: {
    nodes: Array<{
      id: string;
      institutionId: string;
    }>;
    pageInfo: {
      endCursor: string | null;
      hasNextPage: boolean;
    };
  };
};
export type PractitionersVariables = {
  after?: string | null;
};
export const Practitioners = "query Practitioners($after: String) {\n  practitioners(first: 100, after: $after) {\n    nodes {\n      id\n      institutionId\n    }\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n  }\n}" as Operation<PractitionersResult, PractitionersVariables>;

export type ReferralCountsResult = {
  referralCounts: {
    total: number;
    overdue: number;
    escalated: number;
    byState: Array<{
      state: ReferralState;
      count: number;
    }>;
  };
};
export type ReferralCountsVariables = {
  box: ReferralBox;
};
export const ReferralCounts = "query ReferralCounts($box: ReferralBox!) {\n  referralCounts(box: $box) {\n    total\n    overdue\n    escalated\n    byState {\n      state\n      count\n    }\n  }\n}" as Operation<ReferralCountsResult, ReferralCountsVariables>;

export type ReferralsResult = {
  referrals: {
    nodes: Array<{
      id: string;
      number: string;
      direction: ReferralDirection;
      urgency: Urgency;
      state: ReferralState;
      dueAt: string;
      responseDueAt: string | null;
      escalationLevel: number;
      createdAt: string;
      patient: {
        name: string;
      } | null;
      fromInstitution: {
        name: string;
      } | null;
      toInstitution: {
        name: string;
      } | null;
    }>;
    pageInfo: {
      endCursor: string | null;
      hasNextPage: boolean;
    };
  };
};
export type ReferralsVariables = {
  box: ReferralBox;
  states?: Array<ReferralState> | null;
  overdue?: boolean | null;
  escalated?: boolean | null;
  order?: ReferralOrder | null;
  after?: string | null;
};
export const Referrals = "query Referrals($box: ReferralBox!, $states: [ReferralState!], $overdue: Boolean, $escalated: Boolean, $order: ReferralOrder, $after: String) {\n  referrals(\n    box: $box\n    states: $states\n    overdue: $overdue\n    escalated: $escalated\n    order: $order\n    first: 50\n    after: $after\n  ) {\n    nodes {\n      id\n      number\n      direction\n      urgency\n      state\n      dueAt\n      responseDueAt\n      escalationLevel\n      createdAt\n      patient {\n        name\n      }\n      fromInstitution {\n        name\n      }\n      toInstitution {\n        name\n      }\n    }\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n  }\n}" as Operation<ReferralsResult, ReferralsVariables>;

export type ReferralResult = {
  referral: {
    id: string;
    number: string;
    direction: ReferralDirection;
    urgency: Urgency;
    state: ReferralState;
    dueAt: string;
    responseDueAt: string | null;
    escalationLevel: number;
    fromInstitutionId: string;
    toInstitutionId: string;
    diagnosisCode: string;
    diagnosisName: string;
    purpose: string;
    clinicalSummary: string;
    insuranceType: InsuranceType;
    contactPhone: string;
    appointmentAt: string | null;
    appointmentPlace: string | null;
    bed: string | null;
    rejectReason: string | null;
    arrivedAt: string | null;
    closedAt: string | null;
    patient: {
      name: string;
      sex: string;
      birthYear: number | null;
    } | null;
    fromInstitution: {
      name: string;
    } | null;
    toInstitution: {
      name: string;
    } | null;
    medicationPlan: Array<{
      drug: string;
      dose: string;
      frequency: string;
      route: string;
      duration: string;
      nationalCode: string | null;
    }>;
    medicationContinuity: {
      itemsTotal: number;
      available: number;
      substitute: number;
      outOfStock: number;
      notListed: number;
      unknown: number;
      checkedAt: string;
      trigger: ContinuityTrigger;
    } | null;
    attachments: Array<{
      name: string;
      type: string;
      uri: string;
      documentId: string | null;
      sizeBytes: number | null;
    }>;
    timeline: Array<{
      id: string;
      at: string;
      action: string;
      fromState: ReferralState | null;
      toState: ReferralState;
      note: string | null;
    }>;
  };
};
export type ReferralVariables = {
  id: string;
};
export const Referral = "query Referral($id: ID!) {\n  referral(id: $id) {\n    id\n    number\n    direction\n    urgency\n    state\n    dueAt\n    responseDueAt\n    escalationLevel\n    fromInstitutionId\n    toInstitutionId\n    diagnosisCode\n    diagnosisName\n    purpose\n    clinicalSummary\n    insuranceType\n    contactPhone\n    appointmentAt\n    appointmentPlace\n    bed\n    rejectReason\n    arrivedAt\n    closedAt\n    patient {\n      name\n      sex\n      birthYear\n    }\n    fromInstitution {\n      name\n    }\n    toInstitution {\n      name\n    }\n    medicationPlan {\n      drug\n      dose\n      frequency\n      route\n      duration\n      nationalCode\n    }\n    medicationContinuity {\n      itemsTotal\n      available\n      substitute\n      outOfStock\n      notListed\n      unknown\n      checkedAt\n      trigger\n    }\n    attachments {\n      name\n      type\n      uri\n      documentId\n      sizeBytes\n    }\n    timeline {\n      id\n      at\n      action\n      fromState\n      toState\n      note\n    }\n  }\n}" as Operation<ReferralResult, ReferralVariables>;

export type ReferralTargetsResult = {
  institutions: {
    nodes: Array<{
      id: string;
      name: string;
      kind: InstitutionKind;
      tier: Tier;
      departments: Array<{
        id: string;
        name: string;
      }>;
    }>;
    pageInfo: {
      endCursor: string | null;
      hasNextPage: boolean;
    };
  };
};
export type ReferralTargetsVariables = {
  after?: string | null;
};
export const ReferralTargets = "query ReferralTargets($after: String) {\n  institutions(first: 100, after: $after) {\n    nodes {\n      id\n      name\n      kind\n      tier\n      departments {\n        id\n        name\n      }\n    }\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n  }\n}" as Operation<ReferralTargetsResult, ReferralTargetsVariables>;

export type FindPatientsResult = {
  patients: {
    nodes: Array<{
      id: string;
      name: string;
      sex: Sex;
      birthYear: number | null;
      idNumber: string;
    }>;
  };
};
export type FindPatientsVariables = {
  name?: string | null;
  idSuffix?: string | null;
};
export const FindPatients = "query FindPatients($name: String, $idSuffix: String) {\n  patients(first: 20, name: $name, idSuffix: $idSuffix) {\n    nodes {\n      id\n      name\n      sex\n      birthYear\n      idNumber\n    }\n  }\n}" as Operation<FindPatientsResult, FindPatientsVariables>;

export type CreateReferralResult = {
  createReferral: {
    id: string;
    number: string;
    state: ReferralState;
  };
};
export type CreateReferralVariables = {
  input: CreateReferralInput;
};
export const CreateReferral = "mutation CreateReferral($input: CreateReferralInput!) {\n  createReferral(input: $input) {\n    id\n    number\n    state\n  }\n}" as Operation<CreateReferralResult, CreateReferralVariables>;

export type SubmitReferralResult = {
  submitReferral: {
    id: string;
    state: ReferralState;
  };
};
export type SubmitReferralVariables = {
  input: ReferralNoteInput;
};
export const SubmitReferral = "mutation SubmitReferral($input: ReferralNoteInput!) {\n  submitReferral(input: $input) {\n    id\n    state\n  }\n}" as Operation<SubmitReferralResult, SubmitReferralVariables>;

export type CancelReferralResult = {
  cancelReferral: {
    id: string;
    state: ReferralState;
  };
};
export type CancelReferralVariables = {
  input: CancelReferralInput;
};
export const CancelReferral = "mutation CancelReferral($input: CancelReferralInput!) {\n  cancelReferral(input: $input) {\n    id\n    state\n  }\n}" as Operation<CancelReferralResult, CancelReferralVariables>;

export type AcceptReferralResult = {
  acceptReferral: {
    id: string;
    state: ReferralState;
  };
};
export type AcceptReferralVariables = {
  input: AcceptReferralInput;
};
export const AcceptReferral = "mutation AcceptReferral($input: AcceptReferralInput!) {\n  acceptReferral(input: $input) {\n    id\n    state\n  }\n}" as Operation<AcceptReferralResult, AcceptReferralVariables>;

export type RejectReferralResult = {
  rejectReferral: {
    id: string;
    state: ReferralState;
  };
};
export type RejectReferralVariables = {
  input: RejectReferralInput;
};
export const RejectReferral = "mutation RejectReferral($input: RejectReferralInput!) {\n  rejectReferral(input: $input) {\n    id\n    state\n  }\n}" as Operation<RejectReferralResult, RejectReferralVariables>;

export type RecordReferralArrivalResult = {
  recordReferralArrival: {
    id: string;
    state: ReferralState;
  };
};
export type RecordReferralArrivalVariables = {
  input: ReferralNoteInput;
};
export const RecordReferralArrival = "mutation RecordReferralArrival($input: ReferralNoteInput!) {\n  recordReferralArrival(input: $input) {\n    id\n    state\n  }\n}" as Operation<RecordReferralArrivalResult, RecordReferralArrivalVariables>;

export type CompleteReferralResult = {
  completeReferral: {
    id: string;
    state: ReferralState;
  };
};
export type CompleteReferralVariables = {
  input: ReferralNoteInput;
};
export const CompleteReferral = "mutation CompleteReferral($input: ReferralNoteInput!) {\n  completeReferral(input: $input) {\n    id\n    state\n  }\n}" as Operation<CompleteReferralResult, CompleteReferralVariables>;

export type AddReferralAttachmentsResult = {
  addReferralAttachments: {
    id: string;
    state: ReferralState;
    attachments: Array<{
      name: string;
      documentId: string | null;
    }>;
  };
};
export type AddReferralAttachmentsVariables = {
  input: AddReferralAttachmentsInput;
};
export const AddReferralAttachments = "mutation AddReferralAttachments($input: AddReferralAttachmentsInput!) {\n  addReferralAttachments(input: $input) {\n    id\n    state\n    attachments {\n      name\n      documentId\n    }\n  }\n}" as Operation<AddReferralAttachmentsResult, AddReferralAttachmentsVariables>;

export type ConsultationsResult = {
  consultations: {
    nodes: Array<{
      id: string;
      number: string;
      kind: ConsultationKind;
      state: ConsultationState;
      urgency: string;
      purpose: string;
      scheduledStart: string | null;
      scheduledEnd: string | null;
      startedAt: string | null;
      endedAt: string | null;
      reportDueAt: string | null;
      mode: SessionMode | null;
      createdAt: string;
      requestedSpecialty: string | null;
      requestingInstitutionId: string;
      patient: {
        name: string;
      } | null;
      requestingInstitution: {
        name: string;
      } | null;
      experts: Array<{
        assigned: boolean;
        named: boolean;
        practitionerId: string;
        expert: {
          id: string;
          name: string;
          title: PractitionerTitle;
        } | null;
      }>;
    }>;
    pageInfo: {
      endCursor: string | null;
      hasNextPage: boolean;
    };
  };
};
export type ConsultationsVariables = {
  after?: string | null;
  states?: Array<ConsultationState> | null;
};
export const Consultations = "query Consultations($after: String, $states: [ConsultationState!]) {\n  consultations(first: 100, after: $after, states: $states) {\n    nodes {\n      id\n      number\n      kind\n      state\n      urgency\n      purpose\n      scheduledStart\n      scheduledEnd\n      startedAt\n      endedAt\n      reportDueAt\n      mode\n      createdAt\n      requestedSpecialty\n      requestingInstitutionId\n      patient {\n        name\n      }\n      requestingInstitution {\n        name\n      }\n      experts {\n        assigned\n        named\n        practitionerId\n        expert {\n          id\n          name\n          title\n        }\n      }\n    }\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n  }\n}" as Operation<ConsultationsResult, ConsultationsVariables>;

export type AvailableSlotsResult = {
  availableSlots: Array<{
    expert: {
      id: string;
      name: string;
      title: PractitionerTitle;
    };
    slots: Array<{
      start: string;
      end: string;
      mode: SessionMode;
    }>;
  }>;
};
export type AvailableSlotsVariables = {
  expertId?: string | null;
  specialty?: string | null;
  from: string;
  to: string;
  durationMinutes: number;
};
export const AvailableSlots = "query AvailableSlots($expertId: ID, $specialty: String, $from: DateTime!, $to: DateTime!, $durationMinutes: Int!) {\n  availableSlots(\n    expertId: $expertId\n    specialty: $specialty\n    from: $from\n    to: $to\n    durationMinutes: $durationMinutes\n  ) {\n    expert {\n      id\n      name\n      title\n    }\n    slots {\n      start\n      end\n      mode\n    }\n  }\n}" as Operation<AvailableSlotsResult, AvailableSlotsVariables>;

export type BookConsultationResult = {
  bookConsultation: {
    id: string;
    state: ConsultationState;
    scheduledStart: string | null;
    scheduledEnd: string | null;
  };
};
export type BookConsultationVariables = {
  input: BookConsultationInput;
};
export const BookConsultation = "mutation BookConsultation($input: BookConsultationInput!) {\n  bookConsultation(input: $input) {\n    id\n    state\n    scheduledStart\n    scheduledEnd\n  }\n}" as Operation<BookConsultationResult, BookConsultationVariables>;

export type RescheduleConsultationResult = {
  rescheduleConsultation: {
    id: string;
    state: ConsultationState;
    scheduledStart: string | null;
    scheduledEnd: string | null;
  };
};
export type RescheduleConsultationVariables = {
  input: RescheduleConsultationInput;
};
export const RescheduleConsultation = "mutation RescheduleConsultation($input: RescheduleConsultationInput!) {\n  rescheduleConsultation(input: $input) {\n    id\n    state\n    scheduledStart\n    scheduledEnd\n  }\n}" as Operation<RescheduleConsultationResult, RescheduleConsultationVariables>;

export type PartnerExpertsResult = {
  practitioners: {
    nodes: Array<{
      id: string;
      name: string;
      title: PractitionerTitle;
      specialties: Array<string>;
    }>;
  };
};
export type PartnerExpertsVariables = {
  institutionId: string;
};
export const PartnerExperts = "query PartnerExperts($institutionId: ID!) {\n  practitioners(institutionId: $institutionId, first: 100) {\n    nodes {\n      id\n      name\n      title\n      specialties\n    }\n  }\n}" as Operation<PartnerExpertsResult, PartnerExpertsVariables>;

export type RequestConsultationResult = {
  requestConsultation: {
    id: string;
    number: string;
    state: ConsultationState;
  };
};
export type RequestConsultationVariables = {
  input: RequestConsultationInput;
};
export const RequestConsultation = "mutation RequestConsultation($input: RequestConsultationInput!) {\n  requestConsultation(input: $input) {\n    id\n    number\n    state\n  }\n}" as Operation<RequestConsultationResult, RequestConsultationVariables>;

export type CancelConsultationResult = {
  cancelConsultation: {
    id: string;
    state: ConsultationState;
  };
};
export type CancelConsultationVariables = {
  input: ConsultationReasonInput;
};
export const CancelConsultation = "mutation CancelConsultation($input: ConsultationReasonInput!) {\n  cancelConsultation(input: $input) {\n    id\n    state\n  }\n}" as Operation<CancelConsultationResult, CancelConsultationVariables>;

export type AddConsultationAttachmentsResult = {
  addConsultationAttachments: {
    id: string;
    state: ConsultationState;
    attachments: Array<{
      name: string;
      documentId: string | null;
    }>;
  };
};
export type AddConsultationAttachmentsVariables = {
  input: AddConsultationAttachmentsInput;
};
export const AddConsultationAttachments = "mutation AddConsultationAttachments($input: AddConsultationAttachmentsInput!) {\n  addConsultationAttachments(input: $input) {\n    id\n    state\n    attachments {\n      name\n      documentId\n    }\n  }\n}" as Operation<AddConsultationAttachmentsResult, AddConsultationAttachmentsVariables>;

export type CompleteConsultationResult = {
  completeConsultation: {
    id: string;
    state: ConsultationState;
  };
};
export type CompleteConsultationVariables = {
  input: ConsultationIdInput;
};
export const CompleteConsultation = "mutation CompleteConsultation($input: ConsultationIdInput!) {\n  completeConsultation(input: $input) {\n    id\n    state\n  }\n}" as Operation<CompleteConsultationResult, CompleteConsultationVariables>;

export type StartConsultationResult = {
  startConsultation: {
    id: string;
    state: ConsultationState;
    startedAt: string | null;
  };
};
export type StartConsultationVariables = {
  input: ConsultationIdInput;
};
export const StartConsultation = "mutation StartConsultation($input: ConsultationIdInput!) {\n  startConsultation(input: $input) {\n    id\n    state\n    startedAt\n  }\n}" as Operation<StartConsultationResult, StartConsultationVariables>;

export type EndConsultationResult = {
  endConsultation: {
    id: string;
    state: ConsultationState;
    endedAt: string | null;
    reportDueAt: string | null;
  };
};
export type EndConsultationVariables = {
  input: ConsultationIdInput;
};
export const EndConsultation = "mutation EndConsultation($input: ConsultationIdInput!) {\n  endConsultation(input: $input) {\n    id\n    state\n    endedAt\n    reportDueAt\n  }\n}" as Operation<EndConsultationResult, EndConsultationVariables>;

export type DeclineConsultationResult = {
  declineConsultation: {
    id: string;
    state: ConsultationState;
  };
};
export type DeclineConsultationVariables = {
  input: ConsultationReasonInput;
};
export const DeclineConsultation = "mutation DeclineConsultation($input: ConsultationReasonInput!) {\n  declineConsultation(input: $input) {\n    id\n    state\n  }\n}" as Operation<DeclineConsultationResult, DeclineConsultationVariables>;

export type SubmitConsultationReportResult = {
  submitConsultationReport: {
    id: string;
    version: number;
    signedAt: string;
    contentHash: string;
  };
};
export type SubmitConsultationReportVariables = {
  input: SubmitConsultationReportInput;
};
export const SubmitConsultationReport = "mutation SubmitConsultationReport($input: SubmitConsultationReportInput!) {\n  submitConsultationReport(input: $input) {\n    id\n    version\n    signedAt\n    contentHash\n  }\n}" as Operation<SubmitConsultationReportResult, SubmitConsultationReportVariables>;

export type ExpertAvailabilityResult = {
  expertAvailability: {
    expertId: string;
    timeZone: string;
    rules: Array<{
      weekday: number;
      start: string;
      end: string;
      sessionMinutes: number;
      mode: SessionMode;
      validFrom: string;
      validTo: string | null;
    }>;
    exceptions: Array<{
      date: string;
      kind: string;
      start: string | null;
      end: string | null;
      sessionMinutes: number | null;
      mode: SessionMode | null;
    }>;
    windows: Array<{
      start: string;
      end: string;
      sessionMinutes: number;
      mode: SessionMode;
      extra: boolean;
    }>;
  };
};
export type ExpertAvailabilityVariables = {
  expertId: string;
  from: string;
  to: string;
};
export const ExpertAvailability = "query ExpertAvailability($expertId: ID!, $from: DateTime!, $to: DateTime!) {\n  expertAvailability(expertId: $expertId) {\n    expertId\n    timeZone\n    rules {\n      weekday\n      start\n      end\n      sessionMinutes\n      mode\n      validFrom\n      validTo\n    }\n    exceptions {\n      date\n      kind\n      start\n      end\n      sessionMinutes\n      mode\n    }\n    windows(from: $from, to: $to) {\n      start\n      end\n      sessionMinutes\n      mode\n      extra\n    }\n  }\n}" as Operation<ExpertAvailabilityResult, ExpertAvailabilityVariables>;

export type CoverageResult = {
  catalogueCoverage: {
    institutions: Array<{
      institutionId: string | null;
      institution: {
        name: string;
      } | null;
      items: number;
      mapped: number;
      pending: number;
      unmapped: number;
      invalid: number;
      mappedShare: number | null;
    }>;
    total: {
      items: number;
      mapped: number;
      pending: number;
      unmapped: number;
      invalid: number;
      mappedShare: number | null;
    };
  };
};
export type CoverageVariables = {};
export const Coverage = "query Coverage {\n  catalogueCoverage {\n    institutions {\n      institutionId\n      institution {\n        name\n      }\n      items\n      mapped\n      pending\n      unmapped\n      invalid\n      mappedShare\n    }\n    total {\n      items\n      mapped\n      pending\n      unmapped\n      invalid\n      mappedShare\n    }\n  }\n}" as Operation<CoverageResult, CoverageVariables>;

export type ReviewQueueResult = {
  catalogueMappings: {
    nodes: Array<{
      id: string;
      status: MappingStatus;
      score: number | null;
      tier: string | null;
      reasons: Array<string>;
      warnings: Array<string>;
      version: number;
      formularyItemId: string | null;
      item: {
        genericName: string;
        brandName: string | null;
        spec: string | null;
        localCode: string;
        institution: {
          name: string;
        } | null;
      } | null;
      formularyItem: {
        id: string;
        genericName: string;
        spec: string | null;
        nationalCode: string | null;
      } | null;
      proposals: Array<{
        formularyItemId: string;
        score: number;
        tier: string;
        reasons: Array<string>;
        formularyItem: {
          genericName: string;
          spec: string | null;
        } | null;
      }>;
    }>;
  };
};
export type ReviewQueueVariables = {
  status?: MappingStatus | null;
};
export const ReviewQueue = "query ReviewQueue($status: MappingStatus) {\n  catalogueMappings(status: $status, first: 100) {\n    nodes {\n      id\n      status\n      score\n      tier\n      reasons\n      warnings\n      version\n      formularyItemId\n      item {\n        genericName\n        brandName\n        spec\n        localCode\n        institution {\n          name\n        }\n      }\n      formularyItem {\n        id\n        genericName\n        spec\n        nationalCode\n      }\n      proposals {\n        formularyItemId\n        score\n        tier\n        reasons\n        formularyItem {\n          genericName\n          spec\n        }\n      }\n    }\n  }\n}" as Operation<ReviewQueueResult, ReviewQueueVariables>;

export type ConfirmMappingResult = {
  confirmMapping: {
    id: string;
    status: MappingStatus;
    version: number;
    formularyItemId: string | null;
  };
};
export type ConfirmMappingVariables = {
  id: string;
  expectedVersion: number;
  formularyItemId?: string | null;
};
export const ConfirmMapping = "mutation ConfirmMapping($id: ID!, $expectedVersion: Int!, $formularyItemId: ID) {\n  confirmMapping(\n    id: $id\n    expectedVersion: $expectedVersion\n    formularyItemId: $formularyItemId\n  ) {\n    id\n    status\n    version\n    formularyItemId\n  }\n}" as Operation<ConfirmMappingResult, ConfirmMappingVariables>;

export type RejectMappingResult = {
  rejectMapping: {
    id: string;
    status: MappingStatus;
    version: number;
  };
};
export type RejectMappingVariables = {
  id: string;
  expectedVersion: number;
  reason: string;
};
export const RejectMapping = "mutation RejectMapping($id: ID!, $expectedVersion: Int!, $reason: String!) {\n  rejectMapping(id: $id, expectedVersion: $expectedVersion, reason: $reason) {\n    id\n    status\n    version\n  }\n}" as Operation<RejectMappingResult, RejectMappingVariables>;

export type SupplyRequestsResult = {
  supplyRequests: {
    nodes: Array<{
      id: string;
      number: string;
      state: SupplyRequestState;
      urgency: SupplyUrgency;
      quantity: number;
      unit: string | null;
      reason: string;
      createdAt: string;
      version: number;
      requestingInstitutionId: string;
      supplyingInstitutionId: string;
      quantityDispatched: number | null;
      rejectReason: string | null;
      requestingInstitution: {
        name: string;
      } | null;
      formularyItem: {
        genericName: string;
        spec: string | null;
      } | null;
    }>;
  };
};
export type SupplyRequestsVariables = {};
export const SupplyRequests = "query SupplyRequests {\n  supplyRequests(first: 100) {\n    nodes {\n      id\n      number\n      state\n      urgency\n      quantity\n      unit\n      reason\n      createdAt\n      version\n      requestingInstitutionId\n      supplyingInstitutionId\n      quantityDispatched\n      rejectReason\n      requestingInstitution {\n        name\n      }\n      formularyItem {\n        genericName\n        spec\n      }\n    }\n  }\n}" as Operation<SupplyRequestsResult, SupplyRequestsVariables>;

export type FindFormularyItemsResult = {
  formulary: {
    nodes: Array<{
      id: string;
      genericName: string;
      spec: string | null;
      dosageForm: string | null;
    }>;
  };
};
export type FindFormularyItemsVariables = {
  search: string;
};
export const FindFormularyItems = "query FindFormularyItems($search: String!) {\n  formulary(search: $search, first: 20) {\n    nodes {\n      id\n      genericName\n      spec\n      dosageForm\n    }\n  }\n}" as Operation<FindFormularyItemsResult, FindFormularyItemsVariables>;

export type CreateSupplyRequestResult = {
  createSupplyRequest: {
    id: string;
    number: string;
    state: SupplyRequestState;
  };
};
export type CreateSupplyRequestVariables = {
  input: CreateSupplyRequestInput;
};
export const CreateSupplyRequest = "mutation CreateSupplyRequest($input: CreateSupplyRequestInput!) {\n  createSupplyRequest(input: $input) {\n    id\n    number\n    state\n  }\n}" as Operation<CreateSupplyRequestResult, CreateSupplyRequestVariables>;

export type ApproveSupplyRequestResult = {
  approveSupplyRequest: {
    id: string;
    state: SupplyRequestState;
    version: number;
  };
};
export type ApproveSupplyRequestVariables = {
  input: ApproveSupplyRequestInput;
};
export const ApproveSupplyRequest = "mutation ApproveSupplyRequest($input: ApproveSupplyRequestInput!) {\n  approveSupplyRequest(input: $input) {\n    id\n    state\n    version\n  }\n}" as Operation<ApproveSupplyRequestResult, ApproveSupplyRequestVariables>;

export type RejectSupplyRequestResult = {
  rejectSupplyRequest: {
    id: string;
    state: SupplyRequestState;
    version: number;
  };
};
export type RejectSupplyRequestVariables = {
  input: RejectSupplyRequestInput;
};
export const RejectSupplyRequest = "mutation RejectSupplyRequest($input: RejectSupplyRequestInput!) {\n  rejectSupplyRequest(input: $input) {\n    id\n    state\n    version\n  }\n}" as Operation<RejectSupplyRequestResult, RejectSupplyRequestVariables>;

export type DispatchSupplyRequestResult = {
  dispatchSupplyRequest: {
    id: string;
    state: SupplyRequestState;
    version: number;
  };
};
export type DispatchSupplyRequestVariables = {
  input: DispatchSupplyRequestInput;
};
export const DispatchSupplyRequest = "mutation DispatchSupplyRequest($input: DispatchSupplyRequestInput!) {\n  dispatchSupplyRequest(input: $input) {\n    id\n    state\n    version\n  }\n}" as Operation<DispatchSupplyRequestResult, DispatchSupplyRequestVariables>;

export type ReceiveSupplyRequestResult = {
  receiveSupplyRequest: {
    id: string;
    state: SupplyRequestState;
    version: number;
  };
};
export type ReceiveSupplyRequestVariables = {
  input: ReceiveSupplyRequestInput;
};
export const ReceiveSupplyRequest = "mutation ReceiveSupplyRequest($input: ReceiveSupplyRequestInput!) {\n  receiveSupplyRequest(input: $input) {\n    id\n    state\n    version\n  }\n}" as Operation<ReceiveSupplyRequestResult, ReceiveSupplyRequestVariables>;

export type AuditEventsResult = {
  auditEvents: {
    nodes: Array<{
      id: string;
      occurredAt: string;
      action: string;
      actorUserId: string | null;
      actorName: string | null;
      actorInstitutionName: string | null;
      entityType: string | null;
      entityId: string | null;
      outcome: string;
      errorCode: string | null;
    }>;
    pageInfo: {
      endCursor: string | null;
      hasNextPage: boolean;
    };
  };
};
export type AuditEventsVariables = {
  filter?: AuditEventFilter | null;
  after?: string | null;
};
export const AuditEvents = "query AuditEvents($filter: AuditEventFilter, $after: String) {\n  auditEvents(first: 50, filter: $filter, after: $after) {\n    nodes {\n      id\n      occurredAt\n      action\n      actorUserId\n      actorName\n      actorInstitutionName\n      entityType\n      entityId\n      outcome\n      errorCode\n    }\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n  }\n}" as Operation<AuditEventsResult, AuditEventsVariables>;

export type VerifyAuditChainResult = {
  verifyAuditChain: {
    ok: boolean;
    checked: number;
    unsealed: number;
    reason: string | null;
    brokenAtSeq: string | null;
  };
};
export type VerifyAuditChainVariables = {};
export const VerifyAuditChain = "query VerifyAuditChain {\n  verifyAuditChain {\n    ok\n    checked\n    unsealed\n    reason\n    brokenAtSeq\n  }\n}" as Operation<VerifyAuditChainResult, VerifyAuditChainVariables>;

export type IndicatorReportResult = {
  indicatorReport: {
    published: boolean;
    period: {
      label: string;
      from: string;
      to: string;
    };
    results: Array<{
      code: string;
      value: number | null;
      numerator: number | null;
      denominator: number | null;
      reason: string | null;
      met: boolean | null;
      previousValue: number | null;
      changeFromPrevious: number | null;
      target: {
        source: IndicatorTargetSource;
        value: number;
      } | null;
      definition: {
        code: string;
        nameZh: string;
        nameEn: string;
        unit: string;
        direction: IndicatorDirection;
        kind: IndicatorKind;
        dimension: string;
        setCode: string;
        version: number;
        workingDefinition: string;
        changeNote: string | null;
        targets: Array<{
          source: IndicatorTargetSource;
          value: number;
          note: string | null;
        }>;
        formula: {
          numerator: {
            terms: Array<{
              key: string;
            }>;
            per: Array<{
              key: string;
            }> | null;
          };
          denominator: {
            terms: Array<{
              key: string;
            }>;
            per: Array<{
              key: string;
            }> | null;
          } | null;
        };
      };
    }>;
  };
};
export type IndicatorReportVariables = {
  scope: IndicatorScopeInput;
  period: IndicatorPeriodInput;
};
export const IndicatorReport = "query IndicatorReport($scope: IndicatorScopeInput!, $period: IndicatorPeriodInput!) {\n  indicatorReport(scope: $scope, period: $period) {\n    published\n    period {\n      label\n      from\n      to\n    }\n    results {\n      code\n      value\n      numerator\n      denominator\n      reason\n      met\n      previousValue\n      changeFromPrevious\n      target {\n        source\n        value\n      }\n      definition {\n        code\n        nameZh\n        nameEn\n        unit\n        direction\n        kind\n        dimension\n        setCode\n        version\n        workingDefinition\n        changeNote\n        targets {\n          source\n          value\n          note\n        }\n        formula {\n          numerator {\n            terms {\n              key\n            }\n            per {\n              key\n            }\n          }\n          denominator {\n            terms {\n              key\n            }\n            per {\n              key\n            }\n          }\n        }\n      }\n    }\n  }\n}" as Operation<IndicatorReportResult, IndicatorReportVariables>;

export type IndicatorTrendResult = {
  indicator: {
    result: {
      code: string;
      value: number | null;
      met: boolean | null;
      reason: string | null;
    };
    trend: Array<{
      month: string;
      value: number | null;
      reason: string | null;
      definitionVersion: number;
    }>;
  };
};
export type IndicatorTrendVariables = {
  code: string;
  scope: IndicatorScopeInput;
  period: IndicatorPeriodInput;
};
export const IndicatorTrend = "query IndicatorTrend($code: String!, $scope: IndicatorScopeInput!, $period: IndicatorPeriodInput!) {\n  indicator(code: $code, scope: $scope, period: $period, trendMonths: 24) {\n    result {\n      code\n      value\n      met\n      reason\n    }\n    trend {\n      month\n      value\n      reason\n      definitionVersion\n    }\n  }\n}" as Operation<IndicatorTrendResult, IndicatorTrendVariables>;

export type IndicatorContributorsResult = {
  indicatorContributors: {
    measure: string;
    total: number;
    rows: Array<{
      id: string;
      kind: string;
      label: string;
      month: string;
      occurredAt: string;
      value: number;
      institutionId: string | null;
    }>;
  };
};
export type IndicatorContributorsVariables = {
  code: string;
  scope: IndicatorScopeInput;
  period: IndicatorPeriodInput;
  measure: string;
  offset: number;
};
export const IndicatorContributors = "query IndicatorContributors($code: String!, $scope: IndicatorScopeInput!, $period: IndicatorPeriodInput!, $measure: String!, $offset: Int!) {\n  indicatorContributors(\n    code: $code\n    scope: $scope\n    period: $period\n    measure: $measure\n    offset: $offset\n    limit: 50\n  ) {\n    measure\n    total\n    rows {\n      id\n      kind\n      label\n      month\n      occurredAt\n      value\n      institutionId\n    }\n  }\n}" as Operation<IndicatorContributorsResult, IndicatorContributorsVariables>;

export type SevenUnificationsResult = {
  sevenUnifications: {
    rule: string;
    period: {
      label: string;
    };
    rollup: Array<{
      dimension: UnificationDimension;
      nameZh: string;
      outcome: UnificationOutcome;
      met: number;
      partial: number;
      notMet: number;
    }>;
    institutions: Array<{
      institutionId: string;
      name: string;
      tier: Tier;
      dimensions: Array<{
        dimension: UnificationDimension;
        nameZh: string;
        outcome: UnificationOutcome;
        reason: string | null;
        items: Array<{
          code: string;
          nameZh: string;
          nameEn: string;
          kind: UnificationItemKind;
          outcome: UnificationItemOutcome;
          reason: string;
          value: number | null;
          numerator: number | null;
          denominator: number | null;
          evidenceIds: Array<string>;
        }>;
      }>;
    }>;
  };
};
export type SevenUnificationsVariables = {
  scope: IndicatorScopeInput;
  period: IndicatorPeriodInput;
};
export const SevenUnifications = "query SevenUnifications($scope: IndicatorScopeInput!, $period: IndicatorPeriodInput!) {\n  sevenUnifications(scope: $scope, period: $period) {\n    rule\n    period {\n      label\n    }\n    rollup {\n      dimension\n      nameZh\n      outcome\n      met\n      partial\n      notMet\n    }\n    institutions {\n      institutionId\n      name\n      tier\n      dimensions {\n        dimension\n        nameZh\n        outcome\n        reason\n        items {\n          code\n          nameZh\n          nameEn\n          kind\n          outcome\n          reason\n          value\n          numerator\n          denominator\n          evidenceIds\n        }\n      }\n    }\n  }\n}" as Operation<SevenUnificationsResult, SevenUnificationsVariables>;

export type UnificationEvidenceResult = {
  unificationEvidence: Array<{
    id: string;
    institutionId: string;
    evidenceKind: string;
    title: string;
    documentDate: string;
    status: UnificationReviewStatus;
    reviewReason: string | null;
    location: string;
    sha256: string;
    recordedAt: string;
    recordedBy: string;
  }>;
};
export type UnificationEvidenceVariables = {
  institutionId?: string | null;
};
export const UnificationEvidence = "query UnificationEvidence($institutionId: ID) {\n  unificationEvidence(institutionId: $institutionId) {\n    id\n    institutionId\n    evidenceKind\n    title\n    documentDate\n    status\n    reviewReason\n    location\n    sha256\n    recordedAt\n    recordedBy\n  }\n}" as Operation<UnificationEvidenceResult, UnificationEvidenceVariables>;

export type AssessmentResult = {
  assessment: {
    month: string;
    state: AssessmentState;
    edition: number;
    version: number;
    publishedAt: string | null;
    raterIds: Array<string>;
    missingRatings: Array<{
      raterId: string;
      institutionId: string;
    }>;
    scheme: {
      version: number;
      completionWeight: number;
      recognitionWeight: number;
      analysisWeight: number;
    };
    groups: Array<{
      code: string;
      name: string;
      units: Array<{
        institutionId: string;
        institutionName: string;
        completion: number;
        recognition: number | null;
        ratings: number;
        analysis: number | null;
        total: number;
        rank: number;
        top: boolean;
        bottom: boolean;
      }>;
    }>;
    draw: {
      seed: string;
      algorithm: string;
      units: Array<string>;
      drawn: Array<string>;
      drawnAt: string;
    } | null;
    goodCase: {
      institutionId: string;
      title: string;
      summary: string;
    } | null;
    badCase: {
      institutionId: string;
      title: string;
      summary: string;
    } | null;
    editions: Array<{
      edition: number;
      reason: string;
      createdAt: string;
    }>;
  };
};
export type AssessmentVariables = {
  month: string;
  edition?: number | null;
};
export const Assessment = "query Assessment($month: String!, $edition: Int) {\n  assessment(month: $month, edition: $edition) {\n    month\n    state\n    edition\n    version\n    publishedAt\n    raterIds\n    missingRatings {\n      raterId\n      institutionId\n    }\n    scheme {\n      version\n      completionWeight\n      recognitionWeight\n      analysisWeight\n    }\n    groups {\n      code\n      name\n      units {\n        institutionId\n        institutionName\n        completion\n        recognition\n        ratings\n        analysis\n        total\n        rank\n        top\n        bottom\n      }\n    }\n    draw {\n      seed\n      algorithm\n      units\n      drawn\n      drawnAt\n    }\n    goodCase {\n      institutionId\n      title\n      summary\n    }\n    badCase {\n      institutionId\n      title\n      summary\n    }\n    editions {\n      edition\n      reason\n      createdAt\n    }\n  }\n}" as Operation<AssessmentResult, AssessmentVariables>;

export type AssessmentHistoryResult = {
  assessmentHistory: {
    institutionId: string;
    months: Array<{
      month: string;
      edition: number;
      groupCode: string;
      groupSize: number;
      rank: number;
      completion: number;
      recognition: number | null;
      analysis: number | null;
      total: number;
    }>;
    distribution: Array<{
      month: string;
      count: number;
      min: number;
      q1: number;
      median: number;
      q3: number;
      max: number;
    }>;
  };
};
export type AssessmentHistoryVariables = {
  institutionId: string;
};
export const AssessmentHistory = "query AssessmentHistory($institutionId: ID!) {\n  assessmentHistory(institutionId: $institutionId) {\n    institutionId\n    months {\n      month\n      edition\n      groupCode\n      groupSize\n      rank\n      completion\n      recognition\n      analysis\n      total\n    }\n    distribution {\n      month\n      count\n      min\n      q1\n      median\n      q3\n      max\n    }\n  }\n}" as Operation<AssessmentHistoryResult, AssessmentHistoryVariables>;

export type RatersResult = {
  admins: {
    nodes: Array<{
      id: string;
      displayName: string;
      institution: {
        name: string;
      };
    }>;
  };
  institutionAdmins: {
    nodes: Array<{
      id: string;
      displayName: string;
      institution: {
        name: string;
      };
    }>;
  };
};
export type RatersVariables = {};
export const Raters = "query Raters {\n  admins: users(role: CONSORTIUM_ADMIN, active: true, first: 100) {\n    nodes {\n      id\n      displayName\n      institution {\n        name\n      }\n    }\n  }\n  institutionAdmins: users(role: INSTITUTION_ADMIN, active: true, first: 100) {\n    nodes {\n      id\n      displayName\n      institution {\n        name\n      }\n    }\n  }\n}" as Operation<RatersResult, RatersVariables>;

export type OpenAssessmentResult = {
  openAssessment: {
    state: AssessmentState;
    version: number;
  };
};
export type OpenAssessmentVariables = {
  month: string;
  raterIds: Array<string>;
};
export const OpenAssessment = "mutation OpenAssessment($month: String!, $raterIds: [ID!]!) {\n  openAssessment(month: $month, raterIds: $raterIds) {\n    state\n    version\n  }\n}" as Operation<OpenAssessmentResult, OpenAssessmentVariables>;

export type RecomputeAssessmentCompletionResult = {
  recomputeAssessmentCompletion: {
    state: AssessmentState;
    version: number;
  };
};
export type RecomputeAssessmentCompletionVariables = {
  month: string;
  version: number;
};
export const RecomputeAssessmentCompletion = "mutation RecomputeAssessmentCompletion($month: String!, $version: Int!) {\n  recomputeAssessmentCompletion(month: $month, version: $version) {\n    state\n    version\n  }\n}" as Operation<RecomputeAssessmentCompletionResult, RecomputeAssessmentCompletionVariables>;

export type DrawAnalysisUnitsResult = {
  drawAnalysisUnits: {
    month: string;
    version: number;
  };
};
export type DrawAnalysisUnitsVariables = {
  month: string;
  seed?: string | null;
};
export const DrawAnalysisUnits = "mutation DrawAnalysisUnits($month: String!, $seed: String) {\n  drawAnalysisUnits(month: $month, seed: $seed) {\n    month\n    version\n  }\n}" as Operation<DrawAnalysisUnitsResult, DrawAnalysisUnitsVariables>;

export type PublishAssessmentResult = {
  publishAssessment: {
    month: string;
    state: AssessmentState;
    version: number;
  };
};
export type PublishAssessmentVariables = {
  month: string;
  version: number;
};
export const PublishAssessment = "mutation PublishAssessment($month: String!, $version: Int!) {\n  publishAssessment(month: $month, version: $version) {\n    month\n    state\n    version\n  }\n}" as Operation<PublishAssessmentResult, PublishAssessmentVariables>;

export type SubmitRecognitionRatingResult = {
  submitRecognitionRating: {
    month: string;
    version: number;
  };
};
export type SubmitRecognitionRatingVariables = {
  month: string;
  institutionId: string;
  score: number;
};
export const SubmitRecognitionRating = "mutation SubmitRecognitionRating($month: String!, $institutionId: ID!, $score: Float!) {\n  submitRecognitionRating(\n    month: $month\n    institutionId: $institutionId\n    score: $score\n  ) {\n    month\n    version\n  }\n}" as Operation<SubmitRecognitionRatingResult, SubmitRecognitionRatingVariables>;

export type ScoreAnalysisResult = {
  scoreAnalysis: {
    month: string;
    version: number;
  };
};
export type ScoreAnalysisVariables = {
  month: string;
  institutionId: string;
  score: number;
  version: number;
};
export const ScoreAnalysis = "mutation ScoreAnalysis($month: String!, $institutionId: ID!, $score: Float!, $version: Int!) {\n  scoreAnalysis(\n    month: $month\n    institutionId: $institutionId\n    score: $score\n    version: $version\n  ) {\n    month\n    version\n  }\n}" as Operation<ScoreAnalysisResult, ScoreAnalysisVariables>;

export type RecordAssessmentCaseResult = {
  recordAssessmentCase: {
    month: string;
    version: number;
  };
};
export type RecordAssessmentCaseVariables = {
  month: string;
  institutionId: string;
  kind: AssessmentCaseKind;
  title: string;
  summary: string;
};
export const RecordAssessmentCase = "mutation RecordAssessmentCase($month: String!, $institutionId: ID!, $kind: AssessmentCaseKind!, $title: String!, $summary: String!) {\n  recordAssessmentCase(\n    month: $month\n    institutionId: $institutionId\n    kind: $kind\n    title: $title\n    summary: $summary\n  ) {\n    month\n    version\n  }\n}" as Operation<RecordAssessmentCaseResult, RecordAssessmentCaseVariables>;

export type NotificationsResult = {
  notifications: {
    unreadCount: number;
    nodes: Array<{
      id: string;
      kind: string;
      title: string;
      body: string | null;
      link: string | null;
      createdAt: string;
      readAt: string | null;
    }>;
  };
};
export type NotificationsVariables = {};
export const Notifications = "query Notifications {\n  notifications(first: 20) {\n    unreadCount\n    nodes {\n      id\n      kind\n      title\n      body\n      link\n      createdAt\n      readAt\n    }\n  }\n}" as Operation<NotificationsResult, NotificationsVariables>;

export type MarkNotificationsReadResult = {
  markNotificationsRead: number;
};
export type MarkNotificationsReadVariables = {
  ids?: Array<string> | null;
  all: boolean;
};
export const MarkNotificationsRead = "mutation MarkNotificationsRead($ids: [ID!], $all: Boolean!) {\n  markNotificationsRead(ids: $ids, all: $all)\n}" as Operation<MarkNotificationsReadResult, MarkNotificationsReadVariables>;

export type IndicatorDefinitionsResult = {
  indicatorDefinitions: Array<{
    code: string;
    version: number;
    own: boolean;
    nameZh: string;
    nameEn: string;
    unit: string;
    direction: IndicatorDirection;
    workingDefinition: string;
    changeNote: string | null;
    targets: Array<{
      source: IndicatorTargetSource;
      value: number;
      note: string | null;
    }>;
  }>;
};
export type IndicatorDefinitionsVariables = {};
export const IndicatorDefinitions = "query IndicatorDefinitions {\n  indicatorDefinitions {\n    code\n    version\n    own\n    nameZh\n    nameEn\n    unit\n    direction\n    workingDefinition\n    changeNote\n    targets {\n      source\n      value\n      note\n    }\n  }\n}" as Operation<IndicatorDefinitionsResult, IndicatorDefinitionsVariables>;

export type UpdateIndicatorDefinitionResult = {
  updateIndicatorDefinition: {
    code: string;
    version: number;
  };
};
export type UpdateIndicatorDefinitionVariables = {
  input: UpdateIndicatorDefinitionInput;
};
export const UpdateIndicatorDefinition = "mutation UpdateIndicatorDefinition($input: UpdateIndicatorDefinitionInput!) {\n  updateIndicatorDefinition(input: $input) {\n    code\n    version\n  }\n}" as Operation<UpdateIndicatorDefinitionResult, UpdateIndicatorDefinitionVariables>;

export type UsersResult = {
  users: {
    nodes: Array<{
      id: string;
      username: string;
      displayName: string;
      roles: Array<Role>;
      active: boolean;
      deactivatedAt: string | null;
      lastLoginAt: string | null;
      practitionerId: string | null;
      passwordChangeRequired: boolean;
      phoneMasked: string | null;
      version: number;
      institution: {
        id: string;
        name: string;
      };
    }>;
    pageInfo: {
      endCursor: string | null;
      hasNextPage: boolean;
    };
  };
};
export type UsersVariables = {
  search?: string | null;
  institutionId?: string | null;
  role?: Role | null;
  active?: boolean | null;
  after?: string | null;
};
export const Users = "query Users($search: String, $institutionId: ID, $role: Role, $active: Boolean, $after: String) {\n  users(\n    search: $search\n    institutionId: $institutionId\n    role: $role\n    active: $active\n    first: 50\n    after: $after\n  ) {\n    nodes {\n      id\n      username\n      displayName\n      roles\n      active\n      deactivatedAt\n      lastLoginAt\n      practitionerId\n      passwordChangeRequired\n      phoneMasked\n      version\n      institution {\n        id\n        name\n      }\n    }\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n  }\n}" as Operation<UsersResult, UsersVariables>;

export type CreateUserResult = {
  createUser: {
    id: string;
    username: string;
  };
};
export type CreateUserVariables = {
  input: CreateUserInput;
};
export const CreateUser = "mutation CreateUser($input: CreateUserInput!) {\n  createUser(input: $input) {\n    id\n    username\n  }\n}" as Operation<CreateUserResult, CreateUserVariables>;

export type UpdateUserResult = {
  updateUser: {
    id: string;
    roles: Array<Role>;
    version: number;
  };
};
export type UpdateUserVariables = {
  input: UpdateUserInput;
};
export const UpdateUser = "mutation UpdateUser($input: UpdateUserInput!) {\n  updateUser(input: $input) {\n    id\n    roles\n    version\n  }\n}" as Operation<UpdateUserResult, UpdateUserVariables>;

export type DeactivateUserResult = {
  deactivateUser: {
    id: string;
    active: boolean;
  };
};
export type DeactivateUserVariables = {
  id: string;
  reason: string;
};
export const DeactivateUser = "mutation DeactivateUser($id: ID!, $reason: String!) {\n  deactivateUser(id: $id, reason: $reason) {\n    id\n    active\n  }\n}" as Operation<DeactivateUserResult, DeactivateUserVariables>;

export type ReactivateUserResult = {
  reactivateUser: {
    id: string;
    active: boolean;
  };
};
export type ReactivateUserVariables = {
  id: string;
};
export const ReactivateUser = "mutation ReactivateUser($id: ID!) {\n  reactivateUser(id: $id) {\n    id\n    active\n  }\n}" as Operation<ReactivateUserResult, ReactivateUserVariables>;

export type InstitutionDetailResult = {
  institution: {
    id: string;
    name: string;
    kind: InstitutionKind;
    tier: Tier;
    grade: string | null;
    divisionCode: string;
    address: string | null;
    phone: string | null;
    active: boolean;
    parentId: string | null;
    version: number;
    parent: {
      name: string;
    } | null;
    departments: Array<{
      id: string;
      code: string;
      name: string;
      specialty: string | null;
    }>;
  };
  practitioners: {
    nodes: Array<{
      id: string;
      name: string;
      title: PractitionerTitle;
      licenceNumber: string;
      specialties: Array<string>;
      active: boolean;
      department: {
        name: string;
      } | null;
    }>;
    pageInfo: {
      hasNextPage: boolean;
    };
  };
};
export type InstitutionDetailVariables = {
  id: string;
};
export const InstitutionDetail = "query InstitutionDetail($id: ID!) {\n  institution(id: $id) {\n    id\n    name\n    kind\n    tier\n    grade\n    divisionCode\n    address\n    phone\n    active\n    parentId\n    version\n    parent {\n      name\n    }\n    departments {\n      id\n      code\n      name\n      specialty\n    }\n  }\n  practitioners(institutionId: $id, first: 100) {\n    nodes {\n      id\n      name\n      title\n      licenceNumber\n      specialties\n      active\n      department {\n        name\n      }\n    }\n    pageInfo {\n      hasNextPage\n    }\n  }\n}" as Operation<InstitutionDetailResult, InstitutionDetailVariables>;

export type CreateInstitutionResult = {
  createInstitution: {
    id: string;
    name: string;
  };
};
export type CreateInstitutionVariables = {
  input: CreateInstitutionInput;
};
export const CreateInstitution = "mutation CreateInstitution($input: CreateInstitutionInput!) {\n  createInstitution(input: $input) {\n    id\n    name\n  }\n}" as Operation<CreateInstitutionResult, CreateInstitutionVariables>;

export type CreateDepartmentResult = {
  createDepartment: {
    id: string;
  };
};
export type CreateDepartmentVariables = {
  input: CreateDepartmentInput;
};
export const CreateDepartment = "mutation CreateDepartment($input: CreateDepartmentInput!) {\n  createDepartment(input: $input) {\n    id\n  }\n}" as Operation<CreateDepartmentResult, CreateDepartmentVariables>;

export type CreatePractitionerResult = {
  createPractitioner: {
    id: string;
  };
};
export type CreatePractitionerVariables = {
  input: CreatePractitionerInput;
};
export const CreatePractitioner = "mutation CreatePractitioner($input: CreatePractitionerInput!) {\n  createPractitioner(input: $input) {\n    id\n  }\n}" as Operation<CreatePractitionerResult, CreatePractitionerVariables>;

export type PatientListResult = {
  patients: {
    nodes: Array<{
      id: string;
      name: string;
      sex: Sex;
      birthYear: number | null;
      idNumber: string;
      phone: string | null;
      masked: boolean;
    }>;
    pageInfo: {
      endCursor: string | null;
      hasNextPage: boolean;
    };
  };
};
export type PatientListVariables = {
  name?: string | null;
  idSuffix?: string | null;
  phoneSuffix?: string | null;
  after?: string | null;
};
export const PatientList = "query PatientList($name: String, $idSuffix: String, $phoneSuffix: String, $after: String) {\n  patients(\n    first: 20\n    name: $name\n    idSuffix: $idSuffix\n    phoneSuffix: $phoneSuffix\n    after: $after\n  ) {\n    nodes {\n      id\n      name\n      sex\n      birthYear\n      idNumber\n      phone\n      masked\n    }\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n  }\n}" as Operation<PatientListResult, PatientListVariables>;

export type PatientRecordResult = {
  patient: {
    id: string;
    name: string;
    sex: Sex;
    birthDate: string | null;
    birthYear: number | null;
    idNumber: string;
    phone: string | null;
    masked: boolean;
    residenceDivisionCode: string;
    chronicConditions: Array<ChronicCondition>;
    createdAt: string;
    registeredByInstitution: {
      name: string;
    } | null;
    familyDoctorContract: {
      signedOn: string;
      institution: {
        name: string;
      } | null;
      practitioner: {
        name: string;
      } | null;
    } | null;
  };
};
export type PatientRecordVariables = {
  id: string;
};
export const PatientRecord = "query PatientRecord($id: ID!) {\n  patient(id: $id) {\n    id\n    name\n    sex\n    birthDate\n    birthYear\n    idNumber\n    phone\n    masked\n    residenceDivisionCode\n    chronicConditions\n    createdAt\n    registeredByInstitution {\n      name\n    }\n    familyDoctorContract {\n      signedOn\n      institution {\n        name\n      }\n      practitioner {\n        name\n      }\n    }\n  }\n}" as Operation<PatientRecordResult, PatientRecordVariables>;

export type RegisterPatientResult = {
  registerPatient: {
    id: string;
    name: string;
    idNumber: string;
    masked: boolean;
  };
};
export type RegisterPatientVariables = {
  input: RegisterPatientInput;
};
export const RegisterPatient = "mutation RegisterPatient($input: RegisterPatientInput!) {\n  registerPatient(input: $input) {\n    id\n    name\n    idNumber\n    masked\n  }\n}" as Operation<RegisterPatientResult, RegisterPatientVariables>;

export type PublishAvailabilityResult = {
  publishAvailability: {
    expertId: string;
    rules: Array<{
      weekday: number;
    }>;
    exceptions: Array<{
      date: string;
    }>;
  };
};
export type PublishAvailabilityVariables = {
  input: PublishAvailabilityInput;
};
export const PublishAvailability = "mutation PublishAvailability($input: PublishAvailabilityInput!) {\n  publishAvailability(input: $input) {\n    expertId\n    rules {\n      weekday\n    }\n    exceptions {\n      date\n    }\n  }\n}" as Operation<PublishAvailabilityResult, PublishAvailabilityVariables>;

export type KeyTasksResult = {
  keyTasks: Array<{
    id: string;
    code: string;
    title: string;
    description: string | null;
    kind: KeyTaskKind;
    direction: IndicatorDirection;
    requiredLevel: number;
    effortLevel: number;
    challengeLevel: number;
    points: number;
    institutionIds: Array<string>;
    indicatorCode: string | null;
    version: number;
    matters: Array<{
      id: string;
      title: string;
      quarter: number;
      dueAt: string;
      doneAt: string | null;
      overdueAt: string | null;
      department: string | null;
      responsibleInstitutionId: string | null;
    }>;
  }>;
};
export type KeyTasksVariables = {
  year: number;
};
export const KeyTasks = "query KeyTasks($year: Int!) {\n  keyTasks(year: $year) {\n    id\n    code\n    title\n    description\n    kind\n    direction\n    requiredLevel\n    effortLevel\n    challengeLevel\n    points\n    institutionIds\n    indicatorCode\n    version\n    matters {\n      id\n      title\n      quarter\n      dueAt\n      doneAt\n      overdueAt\n      department\n      responsibleInstitutionId\n    }\n  }\n}" as Operation<KeyTasksResult, KeyTasksVariables>;

export type KeyTaskProgressResult = {
  keyTaskProgress: Array<{
    taskId: string;
    institutionId: string;
    month: string;
    value: number;
    evidence: string;
    createdAt: string;
  }>;
};
export type KeyTaskProgressVariables = {
  year: number;
  institutionId: string;
};
export const KeyTaskProgress = "query KeyTaskProgress($year: Int!, $institutionId: ID!) {\n  keyTaskProgress(year: $year, institutionId: $institutionId) {\n    taskId\n    institutionId\n    month\n    value\n    evidence\n    createdAt\n  }\n}" as Operation<KeyTaskProgressResult, KeyTaskProgressVariables>;

export type ReportTaskProgressResult = {
  reportTaskProgress: {
    id: string;
  };
};
export type ReportTaskProgressVariables = {
  input: ReportTaskProgressInput;
};
export const ReportTaskProgress = "mutation ReportTaskProgress($input: ReportTaskProgressInput!) {\n  reportTaskProgress(input: $input) {\n    id\n  }\n}" as Operation<ReportTaskProgressResult, ReportTaskProgressVariables>;

export type CompleteKeyMatterResult = {
  completeKeyMatter: {
    id: string;
    doneAt: string | null;
  };
};
export type CompleteKeyMatterVariables = {
  id: string;
};
export const CompleteKeyMatter = "mutation CompleteKeyMatter($id: ID!) {\n  completeKeyMatter(id: $id) {\n    id\n    doneAt\n  }\n}" as Operation<CompleteKeyMatterResult, CompleteKeyMatterVariables>;

export type UnificationEvidenceKindsResult = {
  unificationItems: Array<{
    code: string;
    nameZh: string;
    nameEn: string;
    evidence: {
      evidenceKind: string;
    } | null;
  }>;
};
export type UnificationEvidenceKindsVariables = {};
export const UnificationEvidenceKinds = "query UnificationEvidenceKinds {\n  unificationItems {\n    code\n    nameZh\n    nameEn\n    evidence {\n      evidenceKind\n    }\n  }\n}" as Operation<UnificationEvidenceKindsResult, UnificationEvidenceKindsVariables>;

export type RecordUnificationEvidenceResult = {
  recordUnificationEvidence: {
    id: string;
    status: UnificationReviewStatus;
  };
};
export type RecordUnificationEvidenceVariables = {
  input: RecordUnificationEvidenceInput;
};
export const RecordUnificationEvidence = "mutation RecordUnificationEvidence($input: RecordUnificationEvidenceInput!) {\n  recordUnificationEvidence(input: $input) {\n    id\n    status\n  }\n}" as Operation<RecordUnificationEvidenceResult, RecordUnificationEvidenceVariables>;

export type ReviewUnificationEvidenceResult = {
  reviewUnificationEvidence: {
    id: string;
    status: UnificationReviewStatus;
    reviewReason: string | null;
  };
};
export type ReviewUnificationEvidenceVariables = {
  input: ReviewUnificationEvidenceInput;
};
export const ReviewUnificationEvidence = "mutation ReviewUnificationEvidence($input: ReviewUnificationEvidenceInput!) {\n  reviewUnificationEvidence(input: $input) {\n    id\n    status\n    reviewReason\n  }\n}" as Operation<ReviewUnificationEvidenceResult, ReviewUnificationEvidenceVariables>;

export type CatalogueImportResult = {
  catalogueImport: {
    id: string;
    status: ImportStatus;
    fileName: string;
    fullImport: boolean;
    rowsTotal: number | null;
    rowsDone: number;
    rowsOk: number;
    rowsBad: number;
    inserted: number;
    updated: number;
    unchanged: number;
    deactivated: number;
    reactivated: number;
    stockUpdated: number;
    failure: string | null;
    createdAt: string;
    finishedAt: string | null;
    matchCounts: {
      autoConfirmed: number;
      proposed: number;
      unmapped: number;
      invalid: number;
      kept: number;
    };
    errors: Array<{
      line: number;
      sheet: number | null;
      reason: string;
    }>;
  };
};
export type CatalogueImportVariables = {
  id: string;
};
export const CatalogueImport = "query CatalogueImport($id: ID!) {\n  catalogueImport(id: $id) {\n    id\n    status\n    fileName\n    fullImport\n    rowsTotal\n    rowsDone\n    rowsOk\n    rowsBad\n    inserted\n    updated\n    unchanged\n    deactivated\n    reactivated\n    stockUpdated\n    failure\n    createdAt\n    finishedAt\n    matchCounts {\n      autoConfirmed\n      proposed\n      unmapped\n      invalid\n      kept\n    }\n    errors(first: 20) {\n      line\n      sheet\n      reason\n    }\n  }\n}" as Operation<CatalogueImportResult, CatalogueImportVariables>;

export type CatalogueImportsResult = {
  catalogueImports: {
    nodes: Array<{
      id: string;
      status: ImportStatus;
      fileName: string;
      rowsTotal: number | null;
      rowsOk: number;
      rowsBad: number;
      createdAt: string;
      finishedAt: string | null;
    }>;
  };
};
export type CatalogueImportsVariables = {
  institutionId?: string | null;
};
export const CatalogueImports = "query CatalogueImports($institutionId: ID) {\n  catalogueImports(institutionId: $institutionId, first: 5) {\n    nodes {\n      id\n      status\n      fileName\n      rowsTotal\n      rowsOk\n      rowsBad\n      createdAt\n      finishedAt\n    }\n  }\n}" as Operation<CatalogueImportsResult, CatalogueImportsVariables>;

export type ChangePasswordResult = {
  changePassword: {
    token: string;
  };
};
export type ChangePasswordVariables = {
  currentPassword: string;
  newPassword: string;
};
export const ChangePassword = "mutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n  changePassword(currentPassword: $currentPassword, newPassword: $newPassword) {\n    token\n  }\n}" as Operation<ChangePasswordResult, ChangePasswordVariables>;

export type ResetUserPasswordResult = {
  resetUserPassword: {
    id: string;
  };
};
export type ResetUserPasswordVariables = {
  id: string;
  newPassword: string;
};
export const ResetUserPassword = "mutation ResetUserPassword($id: ID!, $newPassword: String!) {\n  resetUserPassword(id: $id, newPassword: $newPassword) {\n    id\n  }\n}" as Operation<ResetUserPasswordResult, ResetUserPasswordVariables>;

export type CreateKeyTaskResult = {
  createKeyTask: {
    id: string;
    code: string;
  };
};
export type CreateKeyTaskVariables = {
  input: CreateKeyTaskInput;
};
export const CreateKeyTask = "mutation CreateKeyTask($input: CreateKeyTaskInput!) {\n  createKeyTask(input: $input) {\n    id\n    code\n  }\n}" as Operation<CreateKeyTaskResult, CreateKeyTaskVariables>;

export type CreateKeyMatterResult = {
  createKeyMatter: {
    id: string;
  };
};
export type CreateKeyMatterVariables = {
  input: CreateKeyMatterInput;
};
export const CreateKeyMatter = "mutation CreateKeyMatter($input: CreateKeyMatterInput!) {\n  createKeyMatter(input: $input) {\n    id\n  }\n}" as Operation<CreateKeyMatterResult, CreateKeyMatterVariables>;

export type FormularyResult = {
  formulary: {
    nodes: Array<{
      id: string;
      nationalCode: string | null;
      productKey: string;
      genericName: string;
      dosageForm: string | null;
      spec: string | null;
      tiers: Array<FormularyTier>;
      substitutionGroup: string | null;
      substitutionKey: string;
      note: string | null;
      status: FormularyStatus;
      retiredAt: string | null;
      retireReason: string | null;
      version: number;
      updatedAt: string;
      versions: Array<{
        version: number;
        action: string;
        at: string;
        changed: Array<string>;
        note: string | null;
      }>;
    }>;
    pageInfo: {
      endCursor: string | null;
      hasNextPage: boolean;
    };
  };
};
export type FormularyVariables = {
  search?: string | null;
  tier?: FormularyTier | null;
  status?: FormularyStatus | null;
  after?: string | null;
};
export const Formulary = "query Formulary($search: String, $tier: FormularyTier, $status: FormularyStatus, $after: String) {\n  formulary(\n    search: $search\n    tier: $tier\n    status: $status\n    first: 50\n    after: $after\n  ) {\n    nodes {\n      id\n      nationalCode\n      productKey\n      genericName\n      dosageForm\n      spec\n      tiers\n      substitutionGroup\n      substitutionKey\n      note\n      status\n      retiredAt\n      retireReason\n      version\n      updatedAt\n      versions {\n        version\n        action\n        at\n        changed\n        note\n      }\n    }\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n  }\n}" as Operation<FormularyResult, FormularyVariables>;

export type AddFormularyItemResult = {
  addFormularyItem: {
    id: string;
    genericName: string;
    spec: string | null;
    version: number;
  };
};
export type AddFormularyItemVariables = {
  input: AddFormularyItemInput;
};
export const AddFormularyItem = "mutation AddFormularyItem($input: AddFormularyItemInput!) {\n  addFormularyItem(input: $input) {\n    id\n    genericName\n    spec\n    version\n  }\n}" as Operation<AddFormularyItemResult, AddFormularyItemVariables>;

export type UpdateFormularyItemResult = {
  updateFormularyItem: {
    id: string;
    version: number;
  };
};
export type UpdateFormularyItemVariables = {
  input: UpdateFormularyItemInput;
};
export const UpdateFormularyItem = "mutation UpdateFormularyItem($input: UpdateFormularyItemInput!) {\n  updateFormularyItem(input: $input) {\n    id\n    version\n  }\n}" as Operation<UpdateFormularyItemResult, UpdateFormularyItemVariables>;

export type RetireFormularyItemResult = {
  retireFormularyItem: {
    id: string;
    status: FormularyStatus;
    version: number;
  };
};
export type RetireFormularyItemVariables = {
  input: RetireFormularyItemInput;
};
export const RetireFormularyItem = "mutation RetireFormularyItem($input: RetireFormularyItemInput!) {\n  retireFormularyItem(input: $input) {\n    id\n    status\n    version\n  }\n}" as Operation<RetireFormularyItemResult, RetireFormularyItemVariables>;

export type UpdateInstitutionResult = {
  updateInstitution: {
    id: string;
    version: number;
  };
};
export type UpdateInstitutionVariables = {
  input: UpdateInstitutionInput;
};
export const UpdateInstitution = "mutation UpdateInstitution($input: UpdateInstitutionInput!) {\n  updateInstitution(input: $input) {\n    id\n    version\n  }\n}" as Operation<UpdateInstitutionResult, UpdateInstitutionVariables>;

export type CatalogueItemsResult = {
  catalogueItems: {
    nodes: Array<{
      id: string;
      localCode: string;
      genericName: string;
      brandName: string | null;
      dosageForm: string | null;
      spec: string | null;
      unit: string | null;
      nationalCode: string | null;
      mapping: {
        id: string;
        status: MappingStatus;
        version: number;
        note: string | null;
        formularyItem: {
          id: string;
          genericName: string;
          spec: string | null;
        } | null;
      } | null;
      stock: {
        onHand: number;
        source: StockSource;
        updatedAt: string;
        version: number;
      } | null;
    }>;
    pageInfo: {
      endCursor: string | null;
      hasNextPage: boolean;
    };
  };
};
export type CatalogueItemsVariables = {
  institutionId?: string | null;
  search?: string | null;
  mappingStatus?: MappingStatus | null;
  after?: string | null;
};
export const CatalogueItems = "query CatalogueItems($institutionId: ID, $search: String, $mappingStatus: MappingStatus, $after: String) {\n  catalogueItems(\n    institutionId: $institutionId\n    search: $search\n    mappingStatus: $mappingStatus\n    first: 50\n    after: $after\n  ) {\n    nodes {\n      id\n      localCode\n      genericName\n      brandName\n      dosageForm\n      spec\n      unit\n      nationalCode\n      mapping {\n        id\n        status\n        version\n        note\n        formularyItem {\n          id\n          genericName\n          spec\n        }\n      }\n      stock {\n        onHand\n        source\n        updatedAt\n        version\n      }\n    }\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n  }\n}" as Operation<CatalogueItemsResult, CatalogueItemsVariables>;

export type UpdateStockResult = {
  updateStock: {
    updated: number;
    unchanged: number;
  };
};
export type UpdateStockVariables = {
  input: UpdateStockInput;
};
export const UpdateStock = "mutation UpdateStock($input: UpdateStockInput!) {\n  updateStock(input: $input) {\n    updated\n    unchanged\n  }\n}" as Operation<UpdateStockResult, UpdateStockVariables>;

export type RemapCatalogueItemResult = {
  remapCatalogueItem: {
    id: string;
    status: MappingStatus;
    version: number;
    formularyItemId: string | null;
  };
};
export type RemapCatalogueItemVariables = {
  itemId: string;
  formularyItemId: string;
  reason: string;
  expectedVersion?: number | null;
};
export const RemapCatalogueItem = "mutation RemapCatalogueItem($itemId: ID!, $formularyItemId: ID!, $reason: String!, $expectedVersion: Int) {\n  remapCatalogueItem(\n    itemId: $itemId\n    formularyItemId: $formularyItemId\n    reason: $reason\n    expectedVersion: $expectedVersion\n  ) {\n    id\n    status\n    version\n    formularyItemId\n  }\n}" as Operation<RemapCatalogueItemResult, RemapCatalogueItemVariables>;

export type UnificationItemsResult = {
  unificationItems: Array<{
    id: string;
    code: string;
    version: number;
    own: boolean;
    active: boolean;
    dimension: UnificationDimension;
    kind: UnificationItemKind;
    nameZh: string;
    nameEn: string;
    tiers: Array<Tier>;
    changeNote: string | null;
    createdAt: string;
    data: {
      comparator: UnificationComparator;
      numerator: Array<string>;
      denominator: Array<string> | null;
      multiplier: number;
      met: number;
      partial: number | null;
    } | null;
    evidence: {
      evidenceKind: string;
      validMonths: number | null;
    } | null;
  }>;
};
export type UnificationItemsVariables = {};
export const UnificationItems = "query UnificationItems {\n  unificationItems {\n    id\n    code\n    version\n    own\n    active\n    dimension\n    kind\n    nameZh\n    nameEn\n    tiers\n    changeNote\n    createdAt\n    data {\n      comparator\n      numerator\n      denominator\n      multiplier\n      met\n      partial\n    }\n    evidence {\n      evidenceKind\n      validMonths\n    }\n  }\n}" as Operation<UnificationItemsResult, UnificationItemsVariables>;

export type UnificationItemVersionsResult = {
  unificationItems: Array<{
    id: string;
    version: number;
    own: boolean;
    active: boolean;
    nameZh: string;
    changeNote: string | null;
    createdAt: string;
  }>;
};
export type UnificationItemVersionsVariables = {
  code: string;
};
export const UnificationItemVersions = "query UnificationItemVersions($code: String!) {\n  unificationItems(code: $code) {\n    id\n    version\n    own\n    active\n    nameZh\n    changeNote\n    createdAt\n  }\n}" as Operation<UnificationItemVersionsResult, UnificationItemVersionsVariables>;

export type CreateUnificationItemResult = {
  createUnificationItem: {
    id: string;
    code: string;
    version: number;
  };
};
export type CreateUnificationItemVariables = {
  input: CreateUnificationItemInput;
};
export const CreateUnificationItem = "mutation CreateUnificationItem($input: CreateUnificationItemInput!) {\n  createUnificationItem(input: $input) {\n    id\n    code\n    version\n  }\n}" as Operation<CreateUnificationItemResult, CreateUnificationItemVariables>;

export type UpdateUnificationItemResult = {
  updateUnificationItem: {
    id: string;
    code: string;
    version: number;
  };
};
export type UpdateUnificationItemVariables = {
  input: UpdateUnificationItemInput;
};
export const UpdateUnificationItem = "mutation UpdateUnificationItem($input: UpdateUnificationItemInput!) {\n  updateUnificationItem(input: $input) {\n    id\n    code\n    version\n  }\n}" as Operation<UpdateUnificationItemResult, UpdateUnificationItemVariables>;

export type PublishIndicatorMonthResult = {
  publishIndicatorMonth: {
    month: string;
    publishedAt: string;
    definitions: number;
  };
};
export type PublishIndicatorMonthVariables = {
  month: string;
};
export const PublishIndicatorMonth = "mutation PublishIndicatorMonth($month: String!) {\n  publishIndicatorMonth(month: $month) {\n    month\n    publishedAt\n    definitions\n  }\n}" as Operation<PublishIndicatorMonthResult, PublishIndicatorMonthVariables>;

export type StatisticsResult = {
  statistics: Array<{
    key: StatisticKey;
    institutionId: string | null;
    value: number;
    submittedAt: string;
  }>;
};
export type StatisticsVariables = {
  year: number;
};
export const Statistics = "query Statistics($year: Int!) {\n  statistics(year: $year) {\n    key\n    institutionId\n    value\n    submittedAt\n  }\n}" as Operation<StatisticsResult, StatisticsVariables>;

export type SubmitStatisticsResult = {
  submitStatistics: {
    year: number;
    values: number;
    dispatches: number;
  };
};
export type SubmitStatisticsVariables = {
  input: SubmitStatisticsInput;
};
export const SubmitStatistics = "mutation SubmitStatistics($input: SubmitStatisticsInput!) {\n  submitStatistics(input: $input) {\n    year\n    values\n    dispatches\n  }\n}" as Operation<SubmitStatisticsResult, SubmitStatisticsVariables>;

export type ReferralSettingsResult = {
  referralSettings: {
    version: number;
    responseSeconds: {
      EMERGENCY: number;
      URGENT: number;
      ROUTINE: number;
    };
    reminderBeforeSeconds: number;
    noShowGraceSeconds: number;
  };
};
export type ReferralSettingsVariables = {};
export const ReferralSettings = "query ReferralSettings {\n  referralSettings {\n    version\n    responseSeconds {\n      EMERGENCY\n      URGENT\n      ROUTINE\n    }\n    reminderBeforeSeconds\n    noShowGraceSeconds\n  }\n}" as Operation<ReferralSettingsResult, ReferralSettingsVariables>;

export type UpdateReferralSettingsResult = {
  updateReferralSettings: {
    version: number;
    responseSeconds: {
      EMERGENCY: number;
      URGENT: number;
      ROUTINE: number;
    };
    reminderBeforeSeconds: number;
    noShowGraceSeconds: number;
  };
};
export type UpdateReferralSettingsVariables = {
  input: ReferralSettingsInput;
};
export const UpdateReferralSettings = "mutation UpdateReferralSettings($input: ReferralSettingsInput!) {\n  updateReferralSettings(input: $input) {\n    version\n    responseSeconds {\n      EMERGENCY\n      URGENT\n      ROUTINE\n    }\n    reminderBeforeSeconds\n    noShowGraceSeconds\n  }\n}" as Operation<UpdateReferralSettingsResult, UpdateReferralSettingsVariables>;

export type NotificationPreferencesResult = {
  notificationPreferences: {
    channels: Array<OutsideChannel>;
    webhookUrl: string | null;
    smsTo: string | null;
  };
};
export type NotificationPreferencesVariables = {};
export const NotificationPreferences = "query NotificationPreferences {\n  notificationPreferences {\n    channels\n    webhookUrl\n    smsTo\n  }\n}" as Operation<NotificationPreferencesResult, NotificationPreferencesVariables>;

export type UpdateNotificationPreferencesResult = {
  updateNotificationPreferences: {
    channels: Array<OutsideChannel>;
    webhookUrl: string | null;
    webhookSecret: string | null;
  };
};
export type UpdateNotificationPreferencesVariables = {
  input: UpdateNotificationPreferencesInput;
};
export const UpdateNotificationPreferences = "mutation UpdateNotificationPreferences($input: UpdateNotificationPreferencesInput!) {\n  updateNotificationPreferences(input: $input) {\n    channels\n    webhookUrl\n    webhookSecret\n  }\n}" as Operation<UpdateNotificationPreferencesResult, UpdateNotificationPreferencesVariables>;

export type SupplySettingsResult = {
  supplySettings: {
    version: number;
    decideSeconds: {
      URGENT: number;
      ROUTINE: number;
    };
    deliverSeconds: {
      URGENT: number;
      ROUTINE: number;
    };
    reminderBeforeSeconds: number;
  };
};
export type SupplySettingsVariables = {};
export const SupplySettings = "query SupplySettings {\n  supplySettings {\n    version\n    decideSeconds {\n      URGENT\n      ROUTINE\n    }\n    deliverSeconds {\n      URGENT\n      ROUTINE\n    }\n    reminderBeforeSeconds\n  }\n}" as Operation<SupplySettingsResult, SupplySettingsVariables>;

export type UpdateSupplySettingsResult = {
  updateSupplySettings: {
    version: number;
    decideSeconds: {
      URGENT: number;
      ROUTINE: number;
    };
    deliverSeconds: {
      URGENT: number;
      ROUTINE: number;
    };
    reminderBeforeSeconds: number;
  };
};
export type UpdateSupplySettingsVariables = {
  input: SupplySettingsInput;
};
export const UpdateSupplySettings = "mutation UpdateSupplySettings($input: SupplySettingsInput!) {\n  updateSupplySettings(input: $input) {\n    version\n    decideSeconds {\n      URGENT\n      ROUTINE\n    }\n    deliverSeconds {\n      URGENT\n      ROUTINE\n    }\n    reminderBeforeSeconds\n  }\n}" as Operation<UpdateSupplySettingsResult, UpdateSupplySettingsVariables>;

export type UpdateKeyTaskResult = {
  updateKeyTask: {
    id: string;
    version: number;
  };
};
export type UpdateKeyTaskVariables = {
  input: UpdateKeyTaskInput;
};
export const UpdateKeyTask = "mutation UpdateKeyTask($input: UpdateKeyTaskInput!) {\n  updateKeyTask(input: $input) {\n    id\n    version\n  }\n}" as Operation<UpdateKeyTaskResult, UpdateKeyTaskVariables>;

export type CorrectAssessmentResult = {
  correctAssessment: {
    month: string;
    edition: number;
    version: number;
  };
};
export type CorrectAssessmentVariables = {
  input: CorrectAssessmentInput;
};
export const CorrectAssessment = "mutation CorrectAssessment($input: CorrectAssessmentInput!) {\n  correctAssessment(input: $input) {\n    month\n    edition\n    version\n  }\n}" as Operation<CorrectAssessmentResult, CorrectAssessmentVariables>;

export type DispatchRecordsResult = {
  dispatchRecords: Array<{
    reference: string;
    fromInstitutionId: string;
    toInstitutionId: string;
    startsOn: string;
    endsOn: string | null;
  }>;
};
export type DispatchRecordsVariables = {
  year: number;
};
export const DispatchRecords = "query DispatchRecords($year: Int!) {\n  dispatchRecords(year: $year) {\n    reference\n    fromInstitutionId\n    toInstitutionId\n    startsOn\n    endsOn\n  }\n}" as Operation<DispatchRecordsResult, DispatchRecordsVariables>;

export type AssessmentSchemesResult = {
  assessmentSchemes: Array<{
    version: number;
    completionWeight: number;
    recognitionWeight: number;
    analysisWeight: number;
    creditBelowRequired: boolean;
    changeNote: string | null;
    createdAt: string | null;
    groups: Array<{
      code: string;
      name: string;
      kinds: Array<string>;
      tiers: Array<string>;
    }>;
  }>;
};
export type AssessmentSchemesVariables = {};
export const AssessmentSchemes = "query AssessmentSchemes {\n  assessmentSchemes {\n    version\n    completionWeight\n    recognitionWeight\n    analysisWeight\n    creditBelowRequired\n    changeNote\n    createdAt\n    groups {\n      code\n      name\n      kinds\n      tiers\n    }\n  }\n}" as Operation<AssessmentSchemesResult, AssessmentSchemesVariables>;

export type UpdateAssessmentSchemeResult = {
  updateAssessmentScheme: {
    version: number;
  };
};
export type UpdateAssessmentSchemeVariables = {
  input: UpdateAssessmentSchemeInput;
};
export const UpdateAssessmentScheme = "mutation UpdateAssessmentScheme($input: UpdateAssessmentSchemeInput!) {\n  updateAssessmentScheme(input: $input) {\n    version\n  }\n}" as Operation<UpdateAssessmentSchemeResult, UpdateAssessmentSchemeVariables>;

export type ReferralSlipResult = {
  referral: {
    id: string;
    number: string;
    direction: ReferralDirection;
    urgency: Urgency;
    state: ReferralState;
    submittedAt: string | null;
    createdAt: string;
    dueAt: string;
    responseDueAt: string | null;
    patientId: string;
    diagnosisCode: string;
    diagnosisName: string;
    purpose: string;
    clinicalSummary: string;
    attentionNotes: string | null;
    insuranceType: InsuranceType;
    contactPhone: string;
    appointmentAt: string | null;
    appointmentPlace: string | null;
    bed: string | null;
    dischargeSummary: string | null;
    rehabPlan: string | null;
    patient: {
      name: string;
      sex: string;
      birthYear: number | null;
    } | null;
    fromInstitution: {
      name: string;
      phone: string | null;
    } | null;
    toInstitution: {
      name: string;
    } | null;
    toDepartment: {
      name: string;
    } | null;
    fromPractitioner: {
      name: string;
    } | null;
    medicationPlan: Array<{
      drug: string;
      dose: string;
      frequency: string;
      route: string;
      duration: string;
    }>;
    attachments: Array<{
      name: string;
      documentId: string | null;
    }>;
  };
};
export type ReferralSlipVariables = {
  id: string;
};
export const ReferralSlip = "query ReferralSlip($id: ID!) {\n  referral(id: $id) {\n    id\n    number\n    direction\n    urgency\n    state\n    submittedAt\n    createdAt\n    dueAt\n    responseDueAt\n    patientId\n    diagnosisCode\n    diagnosisName\n    purpose\n    clinicalSummary\n    attentionNotes\n    insuranceType\n    contactPhone\n    appointmentAt\n    appointmentPlace\n    bed\n    dischargeSummary\n    rehabPlan\n    patient {\n      name\n      sex\n      birthYear\n    }\n    fromInstitution {\n      name\n      phone\n    }\n    toInstitution {\n      name\n    }\n    toDepartment {\n      name\n    }\n    fromPractitioner {\n      name\n    }\n    medicationPlan {\n      drug\n      dose\n      frequency\n      route\n      duration\n    }\n    attachments {\n      name\n      documentId\n    }\n  }\n}" as Operation<ReferralSlipResult, ReferralSlipVariables>;

export type ConsultationDetailResult = {
  consultation: {
    id: string;
    number: string;
    kind: ConsultationKind;
    state: ConsultationState;
    urgency: string;
    purpose: string;
    question: string;
    caseSummary: string;
    createdAt: string;
    scheduledStart: string | null;
    scheduledEnd: string | null;
    startedAt: string | null;
    endedAt: string | null;
    reportDueAt: string | null;
    mode: SessionMode | null;
    meetingUrl: string | null;
    requestedSpecialty: string | null;
    requestedTitle: string | null;
    cancelReason: string | null;
    declineReason: string | null;
    patient: {
      name: string;
      sex: string;
      birthYear: number | null;
    } | null;
    requestingInstitutionId: string;
    requestingInstitution: {
      name: string;
    } | null;
    experts: Array<{
      assigned: boolean;
      named: boolean;
      practitionerId: string;
      expert: {
        id: string;
        name: string;
        title: PractitionerTitle;
        institution: {
          name: string;
        };
      } | null;
    }>;
    consent: {
      signedBy: string;
      relationship: string;
      signedAt: string;
      documentUri: string;
      documentId: string | null;
    } | null;
    attachments: Array<{
      name: string;
      type: string;
      uri: string;
      documentId: string | null;
      sizeBytes: number | null;
    }>;
    reports: Array<{
      id: string;
      version: number;
      opinion: string;
      recommendations: string;
      suggestedDiagnoses: Array<{
        code: string | null;
        name: string;
      }>;
      signedAt: string;
      amendmentReason: string | null;
      authorPractitionerId: string;
      contentHash: string;
    }>;
    timeline: Array<{
      id: string;
      at: string;
      action: string;
      toState: ConsultationState;
      note: string | null;
    }>;
  };
};
export type ConsultationDetailVariables = {
  id: string;
};
export const ConsultationDetail = "query ConsultationDetail($id: ID!) {\n  consultation(id: $id) {\n    id\n    number\n    kind\n    state\n    urgency\n    purpose\n    question\n    caseSummary\n    createdAt\n    scheduledStart\n    scheduledEnd\n    startedAt\n    endedAt\n    reportDueAt\n    mode\n    meetingUrl\n    requestedSpecialty\n    requestedTitle\n    cancelReason\n    declineReason\n    patient {\n      name\n      sex\n      birthYear\n    }\n    requestingInstitutionId\n    requestingInstitution {\n      name\n    }\n    experts {\n      assigned\n      named\n      practitionerId\n      expert {\n        id\n        name\n        title\n        institution {\n          name\n        }\n      }\n    }\n    consent {\n      signedBy\n      relationship\n      signedAt\n      documentUri\n      documentId\n    }\n    attachments {\n      name\n      type\n      uri\n      documentId\n      sizeBytes\n    }\n    reports {\n      id\n      version\n      opinion\n      recommendations\n      suggestedDiagnoses {\n        code\n        name\n      }\n      signedAt\n      amendmentReason\n      authorPractitionerId\n      contentHash\n    }\n    timeline {\n      id\n      at\n      action\n      toState\n      note\n    }\n  }\n}" as Operation<ConsultationDetailResult, ConsultationDetailVariables>;
