import { registerEnumType } from '@nestjs/graphql';

export enum InstitutionKind {
  GENERAL_HOSPITAL = 'GENERAL_HOSPITAL',
  SPECIALTY_HOSPITAL = 'SPECIALTY_HOSPITAL',
  COMMUNITY_HOSPITAL_GROUP = 'COMMUNITY_HOSPITAL_GROUP',
  REGIONAL_SUBCENTER = 'REGIONAL_SUBCENTER',
  TOWNSHIP_HEALTH_CENTER = 'TOWNSHIP_HEALTH_CENTER',
  COMMUNITY_HEALTH_CENTER = 'COMMUNITY_HEALTH_CENTER',
  VILLAGE_CLINIC = 'VILLAGE_CLINIC',
  PARTNER_HOSPITAL = 'PARTNER_HOSPITAL',
}

export enum Tier {
  COUNTY = 'COUNTY',
  TOWNSHIP = 'TOWNSHIP',
  VILLAGE = 'VILLAGE',
  EXTERNAL = 'EXTERNAL',
}

export enum PractitionerTitle {
  CHIEF_PHYSICIAN = 'CHIEF_PHYSICIAN',
  ASSOCIATE_CHIEF_PHYSICIAN = 'ASSOCIATE_CHIEF_PHYSICIAN',
  ATTENDING_PHYSICIAN = 'ATTENDING_PHYSICIAN',
  RESIDENT_PHYSICIAN = 'RESIDENT_PHYSICIAN',
  VILLAGE_DOCTOR = 'VILLAGE_DOCTOR',
}

export const KIND_LABELS: Record<InstitutionKind, string> = {
  GENERAL_HOSPITAL: '总医院',
  SPECIALTY_HOSPITAL: '专科医院',
  COMMUNITY_HOSPITAL_GROUP: '社区医院集团',
  REGIONAL_SUBCENTER: '区域医疗卫生次中心',
  TOWNSHIP_HEALTH_CENTER: '乡镇卫生院',
  COMMUNITY_HEALTH_CENTER: '社区卫生服务中心',
  VILLAGE_CLINIC: '村卫生室',
  PARTNER_HOSPITAL: '合作医院',
};

export const TIER_LABELS: Record<Tier, string> = {
  COUNTY: '县级',
  TOWNSHIP: '乡镇级',
  VILLAGE: '村级',
  EXTERNAL: '域外合作',
};

export const TITLE_LABELS: Record<PractitionerTitle, string> = {
  CHIEF_PHYSICIAN: '主任医师',
  ASSOCIATE_CHIEF_PHYSICIAN: '副主任医师',
  ATTENDING_PHYSICIAN: '主治医师',
  RESIDENT_PHYSICIAN: '住院医师',
  VILLAGE_DOCTOR: '乡村医生',
};

const describe = <E extends string>(labels: Record<E, string>) =>
  Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, { description: v as string }]));

registerEnumType(InstitutionKind, { name: 'InstitutionKind', valuesMap: describe(KIND_LABELS) });
registerEnumType(Tier, { name: 'Tier', valuesMap: describe(TIER_LABELS) });
registerEnumType(PractitionerTitle, {
  name: 'PractitionerTitle',
  valuesMap: describe(TITLE_LABELS),
});
