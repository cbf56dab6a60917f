import { registerEnumType } from '@nestjs/graphql';

export enum Role {
  CLINICIAN = 'CLINICIAN',
  REFERRAL_COORDINATOR = 'REFERRAL_COORDINATOR',
  EXPERT = 'EXPERT',
  INSTITUTION_ADMIN = 'INSTITUTION_ADMIN',
  CONSORTIUM_ADMIN = 'CONSORTIUM_ADMIN',
  AUDITOR = 'AUDITOR',
  PHARMACIST = 'PHARMACIST',
  DATA_INTEGRATION = 'DATA_INTEGRATION',
}

registerEnumType(Role, {
  name: 'Role',
  valuesMap: {
    CLINICIAN: { description: '临床医生 Clinician' },
    REFERRAL_COORDINATOR: { description: '转诊协调员 Referral coordinator' },
    EXPERT: { description: '合作医院专家 Partner-hospital expert' },
    INSTITUTION_ADMIN: { description: '机构管理员 Institution administrator' },
    CONSORTIUM_ADMIN: { description: '医共体管理员 Consortium administrator' },
    AUDITOR: { description: '审计/监管 Auditor (read-only)' },
    PHARMACIST: { description: '药师(总药师、药剂科负责人) Pharmacist' },
    DATA_INTEGRATION: { description: '数据对接账号(HIS、医保系统上报) Member-system integration account' },
  },
});
