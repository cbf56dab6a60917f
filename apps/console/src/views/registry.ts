import type { ComponentType } from 'react';
import type { Role } from '../api/generated';
import { AssessmentView } from './assessment';
import { AuditView } from './audit';
import { ConsultationsView } from './consultations';
import { DrugsView } from './drugs';
import { IndicatorsView } from './indicators';
import { NetworkView } from './network';
import { PatientsView } from './patients';
import { ReferralsView } from './referrals';
import { UnificationView } from './unification';
import { UsersView } from './users';

export interface ViewProps {
  roles: Role[];
}

/** One menu entry. A new view is a module in this folder and one line here. */
export interface ViewDef {
  id: string;
  zh: string;
  en: string;
  /** Who sees it in the menu; the api decides what each may read and do all the same. */
  roles: Role[];
  component: ComponentType<ViewProps>;
}

const ALL: Role[] = [
  'CONSORTIUM_ADMIN',
  'AUDITOR',
  'REFERRAL_COORDINATOR',
  'CLINICIAN',
  'INSTITUTION_ADMIN',
  'PHARMACIST',
  'EXPERT',
];

const PERFORMANCE: Role[] = ['CONSORTIUM_ADMIN', 'AUDITOR', 'INSTITUTION_ADMIN'];

export const VIEWS: ViewDef[] = [
  { id: 'network', zh: '医共体网络', en: 'Network', roles: ALL, component: NetworkView },
  // Admins keep their users: a consortium admin the consortium's, an institution admin their own.
  {
    id: 'users',
    zh: '用户管理',
    en: 'Users',
    roles: ['CONSORTIUM_ADMIN', 'INSTITUTION_ADMIN'],
    component: UsersView,
  },
  // Clinicians register and find their patients; the referral centre finds them.
  {
    id: 'patients',
    zh: '患者',
    en: 'Patients',
    roles: ['CLINICIAN', 'REFERRAL_COORDINATOR'],
    component: PatientsView,
  },
  {
    id: 'referrals',
    zh: '双向转诊',
    en: 'Referrals',
    roles: ['REFERRAL_COORDINATOR', 'CLINICIAN', 'CONSORTIUM_ADMIN'],
    component: ReferralsView,
  },
  {
    id: 'consultations',
    zh: '远程会诊',
    en: 'Consultations',
    // The referral centre requests and follows consultations for its institution, as clinicians do.
    roles: ['EXPERT', 'CLINICIAN', 'REFERRAL_COORDINATOR', 'CONSORTIUM_ADMIN', 'INSTITUTION_ADMIN'],
    component: ConsultationsView,
  },
  {
    id: 'drugs',
    zh: '药品目录对照',
    en: 'Drug alignment',
    // Clinicians and the referral centre raise and receive supply requests (and are told of them).
    roles: ['PHARMACIST', 'CONSORTIUM_ADMIN', 'INSTITUTION_ADMIN', 'CLINICIAN', 'REFERRAL_COORDINATOR'],
    component: DrugsView,
  },
  // Who reads indicators, the scorecard and the assessment: as the api's resolvers allow.
  { id: 'indicators', zh: '绩效指标', en: 'Indicators', roles: PERFORMANCE, component: IndicatorsView },
  {
    id: 'unification',
    zh: '七统一',
    en: 'Seven unifications',
    roles: PERFORMANCE,
    component: UnificationView,
  },
  {
    id: 'assessment',
    zh: '月度考核',
    en: 'Monthly assessment',
    roles: PERFORMANCE,
    component: AssessmentView,
  },
  { id: 'audit', zh: '审计轨迹', en: 'Audit', roles: ['AUDITOR', 'CONSORTIUM_ADMIN'], component: AuditView },
];

export function viewsFor(roles: Role[]): ViewDef[] {
  return VIEWS.filter((v) => v.roles.some((r) => roles.includes(r)));
}
