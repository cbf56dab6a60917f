import { randomInt } from 'node:crypto';
import type { TestApi } from './api';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** A valid, unique-enough 居民身份证 number (Qianjiang address code). */
export function randomResidentId(): string {
  const year = 1940 + randomInt(60);
  const month = String(1 + randomInt(12)).padStart(2, '0');
  const day = String(1 + randomInt(28)).padStart(2, '0');
  const body = `500114${year}${month}${day}${String(randomInt(1000)).padStart(3, '0')}`;
  const sum = [...body].reduce((a, d, i) => a + Number(d) * WEIGHTS[i], 0);
  return body + '10X98765432'[sum % 11];
}

export async function registerPatient(api: TestApi, token: string, name = '测试患者'): Promise<string> {
  const res = await api.gql<{ registerPatient: { id: string } }>(
    `mutation($i: RegisterPatientInput!) { registerPatient(input: $i) { id } }`,
    {
      i: {
        name,
        idNumber: randomResidentId(),
        phone: '13900000000',
        residenceDivisionCode: '500114101',
        chronicConditions: ['HYPERTENSION'],
      },
    },
    token,
  );
  if (!res.data) throw new Error(JSON.stringify(res.errors));
  return res.data.registerPatient.id;
}

export function upReferralInput(
  patientId: string,
  toInstitutionId: string,
  extra: Record<string, unknown> = {},
) {
  return {
    patientId,
    direction: 'UP',
    toInstitutionId,
    urgency: 'URGENT',
    diagnosisCode: 'I10',
    diagnosisName: '原发性高血压',
    purpose: '血压控制不佳,需上级医院调整方案',
    clinicalSummary: '反复头晕 2 周,血压 180/110 mmHg',
    insuranceType: 'URBAN_RURAL_RESIDENT',
    contactPhone: '13800000000',
    attachments: [],
    medicationPlan: [],
    submit: true,
    ...extra,
  };
}

export const REFERRAL_FIELDS = `id number state direction urgency escalationLevel dueAt responseDueAt appointmentAt
  toDepartmentId patient { id name } fromInstitution { id name } toInstitution { id name }
  timeline { action fromState toState actorUserId note }`;
