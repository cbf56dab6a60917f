import { registerEnumType } from '@nestjs/graphql';

/** Conditions managed in primary care (基层慢病管理). */
export enum ChronicCondition {
  HYPERTENSION = 'HYPERTENSION',
  DIABETES_T1 = 'DIABETES_T1',
  DIABETES_T2 = 'DIABETES_T2',
  CORONARY_HEART_DISEASE = 'CORONARY_HEART_DISEASE',
  STROKE_SEQUELAE = 'STROKE_SEQUELAE',
  COPD = 'COPD',
  ASTHMA = 'ASTHMA',
  CKD = 'CKD',
  TUBERCULOSIS = 'TUBERCULOSIS',
  SEVERE_MENTAL_ILLNESS = 'SEVERE_MENTAL_ILLNESS',
  CANCER = 'CANCER',
}

export const CHRONIC_LABELS: Record<ChronicCondition, string> = {
  HYPERTENSION: '高血压',
  DIABETES_T1: '1型糖尿病',
  DIABETES_T2: '2型糖尿病',
  CORONARY_HEART_DISEASE: '冠心病',
  STROKE_SEQUELAE: '脑卒中后遗症',
  COPD: '慢性阻塞性肺疾病',
  ASTHMA: '哮喘',
  CKD: '慢性肾脏病',
  TUBERCULOSIS: '肺结核',
  SEVERE_MENTAL_ILLNESS: '严重精神障碍',
  CANCER: '恶性肿瘤',
};

export enum SexValue {
  MALE = 'MALE',
  FEMALE = 'FEMALE',
}

registerEnumType(ChronicCondition, {
  name: 'ChronicCondition',
  valuesMap: Object.fromEntries(Object.entries(CHRONIC_LABELS).map(([k, v]) => [k, { description: v }])),
});
registerEnumType(SexValue, {
  name: 'Sex',
  valuesMap: { MALE: { description: '男 Male' }, FEMALE: { description: '女 Female' } },
});
