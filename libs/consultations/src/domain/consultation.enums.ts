import { registerEnumType } from '@nestjs/graphql';

export enum ConsultationKind {
  VIDEO = 'VIDEO',
  IMAGING_READ = 'IMAGING_READ',
  ECG_READ = 'ECG_READ',
  PATHOLOGY_READ = 'PATHOLOGY_READ',
  MDT = 'MDT',
  TEACHING_ROUND = 'TEACHING_ROUND',
  ON_SITE_CLINIC = 'ON_SITE_CLINIC',
}

export enum ConsultationState {
  REQUESTED = 'REQUESTED',
  SCHEDULED = 'SCHEDULED',
  IN_PROGRESS = 'IN_PROGRESS',
  REPORTED = 'REPORTED',
  COMPLETED = 'COMPLETED',
  DECLINED = 'DECLINED',
  CANCELLED = 'CANCELLED',
  NO_SHOW = 'NO_SHOW',
}

export enum SessionModeValue {
  REMOTE = 'REMOTE',
  ON_SITE = 'ON_SITE',
}

export const KIND_LABELS: Record<ConsultationKind, string> = {
  VIDEO: '远程会诊',
  IMAGING_READ: '远程影像诊断',
  ECG_READ: '远程心电',
  PATHOLOGY_READ: '远程病理',
  MDT: '多学科会诊',
  TEACHING_ROUND: '远程教学查房',
  ON_SITE_CLINIC: '专家坐诊',
};

export const STATE_LABELS: Record<ConsultationState, string> = {
  REQUESTED: '已申请',
  SCHEDULED: '已预约',
  IN_PROGRESS: '进行中',
  REPORTED: '已出报告',
  COMPLETED: '已完成',
  DECLINED: '已谢绝',
  CANCELLED: '已取消',
  NO_SHOW: '未开始(爽约)',
};

/** Reads are reported against the study; sessions against the meeting. */
export const READ_KINDS = [
  ConsultationKind.IMAGING_READ,
  ConsultationKind.ECG_READ,
  ConsultationKind.PATHOLOGY_READ,
];

const labels = (m: Record<string, string>) =>
  Object.fromEntries(Object.entries(m).map(([k, v]) => [k, { description: v }]));
registerEnumType(ConsultationKind, { name: 'ConsultationKind', valuesMap: labels(KIND_LABELS) });
registerEnumType(ConsultationState, { name: 'ConsultationState', valuesMap: labels(STATE_LABELS) });
registerEnumType(SessionModeValue, {
  name: 'SessionMode',
  valuesMap: labels({ REMOTE: '远程 Remote', ON_SITE: '现场 On site' }),
});

export enum ExceptionKindValue {
  DAY_OFF = 'DAY_OFF',
  EXTRA_WINDOW = 'EXTRA_WINDOW',
}
registerEnumType(ExceptionKindValue, {
  name: 'AvailabilityExceptionKind',
  valuesMap: labels({ DAY_OFF: '停诊 Day off', EXTRA_WINDOW: '加诊 Extra window' }),
});
