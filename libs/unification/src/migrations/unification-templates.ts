/**
 * The default scorecard items every consortium reads until it edits one (templates, like the
 * indicator definitions). Thresholds are the consortium's to change.
 */
export interface ItemTemplate {
  code: string;
  dimension: string;
  nameZh: string;
  nameEn: string;
  kind: 'DATA' | 'EVIDENCE';
  tiers: ('COUNTY' | 'TOWNSHIP' | 'VILLAGE')[];
  data?: {
    numerator: string[];
    denominator: string[] | null;
    multiplier: number;
    comparator: 'GTE' | 'GT' | 'LTE' | 'LT';
    met: number;
    partial: number | null;
  };
  evidence?: { evidenceKind: string; validMonths: number | null };
}

const ALL: ItemTemplate['tiers'] = ['COUNTY', 'TOWNSHIP', 'VILLAGE'];
const PRIMARY: ItemTemplate['tiers'] = ['TOWNSHIP', 'VILLAGE'];
const pct = (num: string, den: string, met: number, partial: number | null) => ({
  numerator: [num],
  denominator: [den],
  multiplier: 100,
  comparator: 'GTE' as const,
  met,
  partial,
});
const some = (keys: string[]) => ({
  numerator: keys,
  denominator: null,
  multiplier: 1,
  comparator: 'GT' as const,
  met: 0,
  partial: null,
});

export const ITEM_TEMPLATES: ItemTemplate[] = [
  // 行政
  {
    code: 'POLICY_DOCUMENT',
    dimension: 'ADMINISTRATION',
    nameZh: '医共体统一管理制度文件',
    nameEn: 'Unified-management policy document',
    kind: 'EVIDENCE',
    tiers: ALL,
    evidence: { evidenceKind: 'POLICY_DOCUMENT', validMonths: null },
  },
  {
    code: 'APPOINTMENT_LETTER',
    dimension: 'ADMINISTRATION',
    nameZh: '成员单位负责人由医共体任命文件',
    nameEn: 'Appointment letter of the member head by the consortium',
    kind: 'EVIDENCE',
    tiers: ALL,
    evidence: { evidenceKind: 'APPOINTMENT_LETTER', validMonths: null },
  },
  {
    code: 'COMMITTEE_MINUTES',
    dimension: 'ADMINISTRATION',
    nameZh: '管理委员会会议纪要/决策记录(近 3 个月)',
    nameEn: 'Management committee minutes or decision record (last 3 months)',
    kind: 'EVIDENCE',
    tiers: ['COUNTY'],
    evidence: { evidenceKind: 'COMMITTEE_MINUTES', validMonths: 3 },
  },
  // 人员
  {
    code: 'DISPATCHED_DOCTORS',
    dimension: 'PERSONNEL',
    nameZh: '有上级派驻医师',
    nameEn: 'Doctors dispatched to the institution',
    kind: 'DATA',
    tiers: PRIMARY,
    data: some(['stat.dispatched_doctors']),
  },
  {
    code: 'STAFF_DEPLOYMENT_PLAN',
    dimension: 'PERSONNEL',
    nameZh: '人员统一调配方案(近 12 个月)',
    nameEn: 'Unified staff deployment plan (last 12 months)',
    kind: 'EVIDENCE',
    tiers: ['COUNTY'],
    evidence: { evidenceKind: 'STAFF_DEPLOYMENT_PLAN', validMonths: 12 },
  },
  // 财务
  {
    code: 'LEDGER_STATEMENT',
    dimension: 'FINANCE',
    nameZh: '集中核算合并报表(近 12 个月)',
    nameEn: 'Consolidated ledger statement (last 12 months)',
    kind: 'EVIDENCE',
    tiers: ALL,
    evidence: { evidenceKind: 'LEDGER_STATEMENT', validMonths: 12 },
  },
  // 业务
  {
    code: 'REFERRAL_PARTICIPATION',
    dimension: 'BUSINESS',
    nameZh: '参与双向转诊(发起或接收)',
    nameEn: 'Takes part in referrals (sends or answers)',
    kind: 'DATA',
    tiers: ALL,
    data: some(['ref.up', 'ref.down', 'ref.responded']),
  },
  {
    code: 'CONSULTATION_PARTICIPATION',
    dimension: 'BUSINESS',
    nameZh: '参与远程会诊(申请)',
    nameEn: 'Takes part in remote consultations (requests)',
    kind: 'DATA',
    tiers: ['COUNTY', 'TOWNSHIP'],
    data: some(['con.requested']),
  },
  {
    code: 'REFERRAL_RESPONSE_IN_DEADLINE',
    dimension: 'BUSINESS',
    nameZh: '转诊时限内响应率 ≥ 90 %',
    nameEn: 'Referrals answered within the deadline ≥ 90 %',
    kind: 'DATA',
    tiers: ALL,
    data: pct('ref.responded_in_deadline', 'ref.responded', 90, 70),
  },
  {
    code: 'MUTUAL_RECOGNITION',
    dimension: 'BUSINESS',
    nameZh: '检查检验结果互认记录(近 12 个月)',
    nameEn: 'Mutual recognition of test results: records (last 12 months)',
    kind: 'EVIDENCE',
    tiers: ['COUNTY'],
    evidence: { evidenceKind: 'MUTUAL_RECOGNITION', validMonths: 12 },
  },
  // 药械
  {
    code: 'CATALOGUE_MAPPED',
    dimension: 'DRUGS',
    nameZh: '药品目录对照统一目录 ≥ 95 %',
    nameEn: 'Drug catalogue mapped to the unified list ≥ 95 %',
    kind: 'DATA',
    tiers: ALL,
    data: pct('drug.catalogue_mapped', 'drug.catalogue_items', 95, 80),
  },
  {
    code: 'MEDICATION_CONTINUITY',
    dimension: 'DRUGS',
    nameZh: '上下级用药衔接率 ≥ 95 %',
    nameEn: 'Medication continuity ≥ 95 %',
    kind: 'DATA',
    tiers: PRIMARY,
    data: pct('drug.continuity_ok', 'drug.continuity_items', 95, 80),
  },
  // 信息
  {
    code: 'VISIT_DAYS_REPORTED',
    dimension: 'INFORMATION',
    nameZh: '每日上报诊疗数据',
    nameEn: 'Visit data reported for every day',
    kind: 'DATA',
    tiers: ALL,
    data: pct('enc.days_reported', 'period.days', 100, 80),
  },
  {
    code: 'REFERRALS_IN_SYSTEM',
    dimension: 'INFORMATION',
    nameZh: '转诊在系统内办理',
    nameEn: 'Referrals made in the system',
    kind: 'DATA',
    tiers: ALL,
    data: some(['ref.up', 'ref.down']),
  },
  {
    code: 'CONSULTATIONS_IN_SYSTEM',
    dimension: 'INFORMATION',
    nameZh: '会诊在系统内办理',
    nameEn: 'Consultations made in the system',
    kind: 'DATA',
    tiers: ['COUNTY', 'TOWNSHIP'],
    data: some(['con.requested']),
  },
  // 绩效
  {
    code: 'ASSESSMENT_PARTICIPATION',
    dimension: 'PERFORMANCE',
    nameZh: '参加月度量化评价',
    nameEn: 'Took part in the monthly assessment',
    kind: 'DATA',
    tiers: ALL,
    // A level: over a quarter or a year, the share of its months the unit was scored in.
    data: {
      numerator: ['asm.participated'],
      denominator: null,
      multiplier: 100,
      comparator: 'GTE',
      met: 100,
      partial: 50,
    },
  },
];
