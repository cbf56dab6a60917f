/** One demo login per role; the README lists them. */
export const DEMO_PASSWORD = 'Demo-pass-2026';

export interface DemoUser {
  username: string;
  displayName: string;
  institutionKey: string;
  roles: string[];
  practitionerKey?: string;
  description: string;
  /** Created with a password the admin chose: the first sign-in asks for the user's own. */
  passwordChangeRequired?: boolean;
}

export const DEMO_USERS: DemoUser[] = [
  {
    username: 'admin',
    displayName: '医共体管理中心',
    institutionKey: 'qj-central',
    roles: ['CONSORTIUM_ADMIN'],
    description: '医共体管理员 consortium administrator',
  },
  {
    username: 'auditor',
    displayName: '区卫健委监管',
    institutionKey: 'qj-central',
    roles: ['AUDITOR'],
    description: '审计/监管 auditor (read-only)',
  },
  {
    username: 'coordinator',
    displayName: '中心医院转诊中心',
    institutionKey: 'qj-central',
    roles: ['REFERRAL_COORDINATOR'],
    description: '转诊协调员 referral coordinator at 黔江中心医院',
  },
  {
    username: 'doctor',
    displayName: '冉茂林',
    institutionKey: 'qj-central',
    roles: ['CLINICIAN'],
    practitionerKey: 'ran-maolin',
    description: '县医院临床医生 county clinician (心血管内科)',
  },
  {
    username: 'villagedoc',
    displayName: '冉茂才',
    institutionKey: 'vc-linee-songlin',
    roles: ['CLINICIAN'],
    practitionerKey: 'ran-maocai',
    description: '村医 village doctor at 邻鄂镇松林村卫生室',
  },
  {
    username: 'towndoc',
    displayName: '龚德明',
    institutionKey: 'sc-linee',
    roles: ['CLINICIAN'],
    practitionerKey: 'gong-deming',
    description: '乡镇卫生院全科医生 township clinician (全科) at 邻鄂镇中心卫生院',
  },
  {
    username: 'instadmin',
    displayName: '邻鄂镇中心卫生院管理员',
    institutionKey: 'sc-linee',
    roles: ['INSTITUTION_ADMIN'],
    description: '机构管理员 institution administrator',
  },
  {
    username: 'pharmacist',
    displayName: '中心药房 谭晓燕',
    institutionKey: 'qj-central',
    roles: ['PHARMACIST'],
    description: '总药师 pharmacist of the central pharmacy (中心药房) at 黔江中心医院',
  },
  {
    username: 'expert',
    displayName: '罗薛峰',
    institutionKey: 'wchscu',
    roles: ['EXPERT'],
    practitionerKey: 'luo-xuefeng',
    description: '华西医院专家 partner-hospital expert',
  },
  {
    username: 'newdoc',
    displayName: '向晓梅',
    institutionKey: 'sc-linee',
    roles: ['CLINICIAN'],
    description:
      '新入职医生 a township doctor just given an account: chooses her own password at first sign-in',
    passwordChangeRequired: true,
  },
];
