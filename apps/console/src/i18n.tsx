import { createContext, useContext, type ReactNode } from 'react';

/** Whether English is shown beside the Chinese labels (always in the tooltip). */
export const EnglishContext = createContext(false);

export function useEnglish(): boolean {
  return useContext(EnglishContext);
}

/** A label: Chinese, with the English in its tooltip, or beside it when the toggle is on. */
export function T({ zh, en }: { zh: string; en: string }) {
  const both = useContext(EnglishContext);
  return (
    <span title={en} lang="zh-CN">
      {zh}
      {both ? <span className="en"> {en}</span> : null}
    </span>
  );
}

export const STATE_LABELS: Record<string, [string, string]> = {
  DRAFT: ['草稿', 'Draft'],
  SUBMITTED: ['待接收', 'Submitted'],
  ACCEPTED: ['已接收', 'Accepted'],
  ARRIVED: ['已到诊', 'Arrived'],
  COMPLETED: ['已结案', 'Completed'],
  REJECTED: ['已退回', 'Rejected'],
  CANCELLED: ['已撤销', 'Cancelled'],
  NO_SHOW: ['未到诊', 'No show'],
};

/** A referral timeline step's action (the api's `referral_step.action`). */
export const STEP_LABELS: Record<string, [string, string]> = {
  create: ['创建', 'Created'],
  submit: ['提交', 'Submitted'],
  accept: ['接收', 'Accepted'],
  reject: ['退回', 'Rejected'],
  cancel: ['撤销', 'Cancelled'],
  arrive: ['到诊', 'Arrived'],
  complete: ['结案', 'Completed'],
  remind: ['就诊提醒', 'Reminder sent'],
  escalate: ['超时升级', 'Escalated'],
  noShow: ['未到诊', 'No show'],
  'add-attachments': ['补充附件', 'Attachments added'],
};

/** A consultation timeline step's action (the api's `consultation_step.action`). */
export const CONSULTATION_STEP_LABELS: Record<string, [string, string]> = {
  request: ['申请', 'Requested'],
  book: ['预约', 'Booked'],
  reschedule: ['改约', 'Rescheduled'],
  cancel: ['取消', 'Cancelled'],
  decline: ['专家婉拒', 'Declined'],
  start: ['开始', 'Started'],
  end: ['结束会话', 'Session ended'],
  report: ['提交报告', 'Reported'],
  'amend-report': ['修订报告', 'Report amended'],
  complete: ['确认完成', 'Completed'],
  'add-attachments': ['补充附件', 'Attachments added'],
  remind: ['提醒', 'Reminder sent'],
  'report-overdue': ['报告超时', 'Report overdue'],
  noShow: ['未到', 'No show'],
};

/** An audit event's outcome. */
export const OUTCOME_LABELS: Record<string, [string, string]> = {
  SUCCESS: ['成功', 'Success'],
  FAILURE: ['失败', 'Failure'],
  DENIED: ['拒绝', 'Denied'],
};

export const KIND_LABELS: Record<string, [string, string]> = {
  GENERAL_HOSPITAL: ['总医院', 'General hospital'],
  SPECIALTY_HOSPITAL: ['专科医院', 'Specialty hospital'],
  COMMUNITY_HOSPITAL_GROUP: ['社区医院集团', 'Community hospital group'],
  REGIONAL_SUBCENTER: ['区域医疗卫生次中心', 'Regional sub-centre'],
  TOWNSHIP_HEALTH_CENTER: ['乡镇卫生院', 'Township health centre'],
  COMMUNITY_HEALTH_CENTER: ['社区卫生服务中心', 'Community health centre'],
  VILLAGE_CLINIC: ['村卫生室', 'Village clinic'],
  PARTNER_HOSPITAL: ['合作医院', 'Partner hospital'],
};

export const CHRONIC_LABELS: Record<string, [string, string]> = {
  HYPERTENSION: ['高血压', 'Hypertension'],
  DIABETES_T2: ['2型糖尿病', 'Type 2 diabetes'],
  DIABETES_T1: ['1型糖尿病', 'Type 1 diabetes'],
  CORONARY_HEART_DISEASE: ['冠心病', 'Coronary heart disease'],
  STROKE_SEQUELAE: ['脑卒中后遗症', 'After a stroke'],
  COPD: ['慢性阻塞性肺疾病', 'COPD'],
  ASTHMA: ['哮喘', 'Asthma'],
  CKD: ['慢性肾脏病', 'Chronic kidney disease'],
  CANCER: ['恶性肿瘤', 'Cancer'],
  SEVERE_MENTAL_ILLNESS: ['严重精神障碍', 'Severe mental illness'],
  TUBERCULOSIS: ['肺结核', 'Tuberculosis'],
};

export const TITLE_LABELS: Record<string, [string, string]> = {
  CHIEF_PHYSICIAN: ['主任医师', 'Chief physician'],
  ASSOCIATE_CHIEF_PHYSICIAN: ['副主任医师', 'Associate chief physician'],
  ATTENDING_PHYSICIAN: ['主治医师', 'Attending physician'],
  RESIDENT_PHYSICIAN: ['住院医师', 'Resident physician'],
  VILLAGE_DOCTOR: ['乡村医生', 'Village doctor'],
};

export const TIER_LABELS: Record<string, [string, string]> = {
  COUNTY: ['县级', 'County'],
  TOWNSHIP: ['乡级', 'Township'],
  VILLAGE: ['村级', 'Village'],
  EXTERNAL: ['域外', 'External'],
};

export const CONSULTATION_STATE_LABELS: Record<string, [string, string]> = {
  REQUESTED: ['待预约', 'Requested'],
  SCHEDULED: ['已预约', 'Scheduled'],
  IN_PROGRESS: ['进行中', 'In progress'],
  REPORTED: ['已出报告', 'Reported'],
  COMPLETED: ['已完成', 'Completed'],
  DECLINED: ['已谢绝', 'Declined'],
  CANCELLED: ['已取消', 'Cancelled'],
  NO_SHOW: ['未到', 'No show'],
};

export const MAPPING_STATUS_LABELS: Record<string, [string, string]> = {
  PROPOSED: ['待确认', 'Proposed'],
  AUTO_CONFIRMED: ['自动对照', 'Auto-confirmed'],
  CONFIRMED: ['药师确认', 'Confirmed'],
  REJECTED: ['已驳回', 'Rejected'],
  UNMAPPED: ['未对照', 'Unmapped'],
  INVALID: ['数据无效', 'Invalid'],
};

export const SUPPLY_STATE_LABELS: Record<string, [string, string]> = {
  REQUESTED: ['待审批', 'Requested'],
  APPROVED: ['已批准', 'Approved'],
  DISPATCHED: ['已发出', 'Dispatched'],
  RECEIVED: ['已签收', 'Received'],
  REJECTED: ['已驳回', 'Rejected'],
};

export const URGENCY_LABELS: Record<string, [string, string]> = {
  EMERGENCY: ['急诊', 'Emergency'],
  URGENT: ['加急', 'Urgent'],
  ROUTINE: ['普通', 'Routine'],
};

export const INSURANCE_LABELS: Record<string, [string, string]> = {
  URBAN_RURAL_RESIDENT: ['城乡居民医保', 'Urban-rural resident'],
  URBAN_EMPLOYEE: ['城镇职工医保', 'Urban employee'],
  PUBLIC_FUNDED: ['公费医疗', 'Public funded'],
  COMMERCIAL: ['商业保险', 'Commercial'],
  SELF_PAY: ['自费', 'Self pay'],
  OTHER: ['其他', 'Other'],
};

export const SEX_LABELS: Record<string, [string, string]> = {
  MALE: ['男', 'Male'],
  FEMALE: ['女', 'Female'],
};

export const CONSULTATION_KIND_LABELS: Record<string, [string, string]> = {
  VIDEO: ['视频会诊', 'Video consultation'],
  MDT: ['多学科会诊', 'MDT'],
  IMAGING_READ: ['影像诊断', 'Imaging read'],
  ECG_READ: ['心电诊断', 'ECG read'],
  PATHOLOGY_READ: ['病理诊断', 'Pathology read'],
  ON_SITE_CLINIC: ['专家坐诊', 'On-site clinic'],
  TEACHING_ROUND: ['教学查房', 'Teaching round'],
};

/** The yearly statistics forms' items (the api's StatisticKey). */
export const STATISTIC_LABELS: Record<string, [string, string]> = {
  POPULATION: ['常住人口', 'Resident population'],
  POPULATION_30_70: ['30–70 岁常住人口', 'Residents aged 30–70'],
  CHRONIC_PREMATURE_DEATHS: ['四类慢病过早死亡人数(30–70 岁)', 'Premature deaths of the four chronic diseases, 30–70'],
  CHRONIC_MANAGED: ['慢病管理人数', 'Under chronic-disease management'],
  VILLAGE_CLINICS: ['村卫生室数', 'Village clinics'],
  VILLAGE_CLINICS_ECG: ['配备心电设备的村卫生室数', 'Village clinics with an ECG device'],
  STAFF_COUNT: ['在岗职工数', 'Staff'],
  STAFF_INCOME_TOTAL: ['职工年度收入总额(元)', 'Total staff income of the year, yuan'],
};

export const ROLE_LABELS: Record<string, [string, string]> = {
  CONSORTIUM_ADMIN: ['医共体管理员', 'Consortium admin'],
  AUDITOR: ['审计', 'Auditor'],
  REFERRAL_COORDINATOR: ['转诊协调员', 'Referral coordinator'],
  CLINICIAN: ['医生', 'Clinician'],
  INSTITUTION_ADMIN: ['机构管理员', 'Institution admin'],
  PHARMACIST: ['药师', 'Pharmacist'],
  EXPERT: ['专家', 'Expert'],
  DATA_INTEGRATION: ['数据对接账号', 'Integration account'],
};

/** A label from one of the tables above; unknown codes show as they are. */
export function Label({ table, code }: { table: Record<string, [string, string]>; code: string }) {
  const l = table[code];
  return l ? <T zh={l[0]} en={l[1]} /> : <span>{code}</span>;
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' });
}

export function ErrorNote({ error }: { error: unknown }): ReactNode {
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {(error as Error).message}
    </p>
  );
}

/** What an audit event's action is about: its dotted prefix, longest first. */
const AUDIT_SUBJECTS: [string, string][] = [
  ['notification.preferences', '通知设置'],
  ['referral.settings', '转诊时限设置'],
  ['supply.settings', '缺药时限设置'],
  ['unification.evidence', '七统一证据'],
  ['unification.item', '七统一条目'],
  ['indicator.definition', '指标定义'],
  ['indicator.month', '指标月报'],
  ['intake.statistics', '统计报表'],
  ['intake.file', '诊疗数据文件'],
  ['drug.dictionary', '国家药品目录'],
  ['drug.catalogue', '机构药品目录'],
  ['drug.mapping', '药品对照'],
  ['drug.stock', '药品库存'],
  ['assessment-scheme', '考核方案'],
  ['key-task', '重点任务'],
  ['key-matter', '关键事项'],
  ['mutation', '接口调用'],
  ['auth', '账户'],
  ['user', '用户'],
  ['operator', '运维账户'],
  ['patient', '患者'],
  ['practitioner', '医务人员'],
  ['institution', '机构'],
  ['department', '科室'],
  ['referral', '转诊'],
  ['consultation', '会诊'],
  ['supply', '缺药登记'],
  ['formulary', '统一药品目录'],
  ['availability', '出诊安排'],
  ['notification', '通知'],
  ['assessment', '月度考核'],
  ['queue', '任务队列'],
];

/** What was done, after the subject. */
const AUDIT_VERBS: Record<string, string> = {
  login: '登录',
  create: '新建',
  update: '修改',
  register: '登记',
  list: '列表查看',
  read: '查看',
  'read.unmasked': '查看(未脱敏)',
  deactivate: '停用',
  reactivate: '启用',
  'password.change': '修改密码',
  'password.reset': '重置密码',
  'password.confirm': '确认密码',
  submit: '提交',
  accept: '接收',
  reject: '退回',
  cancel: '撤销',
  arrive: '到诊',
  complete: '完成',
  'no-show': '未到',
  escalate: '超时升级',
  remind: '提醒',
  request: '申请',
  book: '预约',
  reschedule: '改期',
  decline: '谢绝',
  start: '开始',
  end: '结束',
  report: '出报告',
  'amend-report': '修订报告',
  'report-overdue': '报告超时',
  'add-attachments': '补充附件',
  approve: '批准',
  dispatch: '配送',
  receive: '收货',
  'decision-overdue': '审批超时',
  'delivery-overdue': '到货超时',
  confirm: '确认',
  remap: '改对照',
  review: '审核',
  record: '记录',
  progress: '进展',
  publish: '发布',
  open: '开启',
  draw: '抽签',
  rate: '评分',
  recompute: '重算',
  correct: '更正',
  case: '典型',
  analysis: '剖析评分',
  import: '导入',
  'import.request': '申请导入',
  upload: '上传',
  'mark-read': '标为已读',
  write: '写入',
};

/** An audit action in Chinese (转诊 · 提交 for referral.submit); a code it does not know stays as it is. */
export function auditActionLabel(code: string): string {
  const subject = AUDIT_SUBJECTS.find(([prefix]) => code === prefix || code.startsWith(`${prefix}.`));
  if (!subject) return code;
  const rest = code.slice(subject[0].length + 1);
  if (!rest) return subject[1];
  return `${subject[1]} · ${AUDIT_VERBS[rest] ?? AUDIT_VERBS[rest.toLowerCase()] ?? rest}`;
}
