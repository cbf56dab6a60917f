import { registerEnumType } from '@nestjs/graphql';

export enum ReferralDirection {
  UP = 'UP',
  DOWN = 'DOWN',
  LATERAL = 'LATERAL',
}

export enum ReferralState {
  DRAFT = 'DRAFT',
  SUBMITTED = 'SUBMITTED',
  ACCEPTED = 'ACCEPTED',
  REJECTED = 'REJECTED',
  ARRIVED = 'ARRIVED',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
  NO_SHOW = 'NO_SHOW',
}

export enum Urgency {
  EMERGENCY = 'EMERGENCY',
  URGENT = 'URGENT',
  ROUTINE = 'ROUTINE',
}

/** Which side of my institution a worklist shows. */
export enum ReferralBox {
  INCOMING = 'INCOMING',
  OUTGOING = 'OUTGOING',
  ALL = 'ALL',
}

export enum ReferralOrder {
  URGENCY = 'URGENCY',
  RECENT = 'RECENT',
}

/** Lower sorts first in worklists. */
export const URGENCY_RANK: Record<Urgency, number> = { EMERGENCY: 0, URGENT: 1, ROUTINE: 2 };

export enum RejectReasonCode {
  NO_CAPACITY = 'NO_CAPACITY',
  OUTSIDE_SCOPE = 'OUTSIDE_SCOPE',
  INCOMPLETE_INFORMATION = 'INCOMPLETE_INFORMATION',
  MORE_APPROPRIATE_ELSEWHERE = 'MORE_APPROPRIATE_ELSEWHERE',
  PATIENT_DECLINED = 'PATIENT_DECLINED',
  OTHER = 'OTHER',
}

/** 费别 */
export enum InsuranceType {
  URBAN_EMPLOYEE = 'URBAN_EMPLOYEE',
  URBAN_RURAL_RESIDENT = 'URBAN_RURAL_RESIDENT',
  PUBLIC_FUNDED = 'PUBLIC_FUNDED',
  COMMERCIAL = 'COMMERCIAL',
  SELF_PAY = 'SELF_PAY',
  OTHER = 'OTHER',
}

export const STATE_LABELS: Record<ReferralState, string> = {
  DRAFT: '草稿',
  SUBMITTED: '已提交待接收',
  ACCEPTED: '已接收',
  REJECTED: '已退回',
  ARRIVED: '已到诊',
  COMPLETED: '已结案',
  CANCELLED: '已撤销',
  NO_SHOW: '未到诊',
};

export const URGENCY_LABELS: Record<Urgency, string> = { EMERGENCY: '急诊', URGENT: '加急', ROUTINE: '普通' };
export const DIRECTION_LABELS: Record<ReferralDirection, string> = {
  UP: '上转',
  DOWN: '下转',
  LATERAL: '平转',
};

const withLabels = (labels: Record<string, string>) =>
  Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, { description: v }]));

registerEnumType(ReferralDirection, { name: 'ReferralDirection', valuesMap: withLabels(DIRECTION_LABELS) });
registerEnumType(ReferralState, { name: 'ReferralState', valuesMap: withLabels(STATE_LABELS) });
registerEnumType(Urgency, { name: 'Urgency', valuesMap: withLabels(URGENCY_LABELS) });
registerEnumType(RejectReasonCode, {
  name: 'RejectReasonCode',
  valuesMap: withLabels({
    NO_CAPACITY: '床位/号源不足 No capacity',
    OUTSIDE_SCOPE: '超出诊疗范围 Outside our scope',
    INCOMPLETE_INFORMATION: '资料不全 Incomplete information',
    MORE_APPROPRIATE_ELSEWHERE: '建议转往他处 Better served elsewhere',
    PATIENT_DECLINED: '患者拒绝 Patient declined',
    OTHER: '其他 Other',
  }),
});
registerEnumType(InsuranceType, {
  name: 'InsuranceType',
  valuesMap: withLabels({
    URBAN_EMPLOYEE: '城镇职工医保',
    URBAN_RURAL_RESIDENT: '城乡居民医保',
    PUBLIC_FUNDED: '公费医疗',
    COMMERCIAL: '商业保险',
    SELF_PAY: '自费',
    OTHER: '其他',
  }),
});
registerEnumType(ReferralBox, {
  name: 'ReferralBox',
  valuesMap: withLabels({ INCOMING: '转入(本机构接收)', OUTGOING: '转出(本机构发出)', ALL: '全部' }),
});
registerEnumType(ReferralOrder, {
  name: 'ReferralOrder',
  valuesMap: withLabels({
    URGENCY: '最紧急优先,再按时限 Most urgent first, then by deadline',
    RECENT: '最近变动优先(已结束的列表) Most recently changed first, for closed lists',
  }),
});
