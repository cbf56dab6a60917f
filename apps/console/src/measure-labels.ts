// Names of the indicators' measure keys: plain data, read by the console and by test/console-labels.test.ts.

/** What an indicator's measure counts: the drill-down's buttons name it; an unknown key stays as it is. */
export const MEASURE_LABELS: Record<string, [string, string]> = {
  'enc.visits': ['门急诊人次', 'Outpatient and emergency visits'],
  'enc.visits_resident': ['县域内居民门急诊人次', 'Visits by county residents'],
  'enc.visits_tcm': ['中医类门急诊人次', 'TCM visits'],
  'enc.admissions': ['入院人次', 'Admissions'],
  'enc.discharges': ['出院人次', 'Discharges'],
  'enc.discharges_insured_resident': ['参保居民出院人次', 'Discharges of insured residents'],
  'enc.chronic_admissions': ['慢病管理人群住院人次', 'Admissions of the chronic-disease managed'],
  'enc.fund_paid': ['医保基金支出', 'Insurance fund paid'],
  'enc.fund_paid_insured_resident': ['参保居民医保基金支出', 'Fund paid for insured residents'],
  'enc.inpatient_cost_insured_resident': ['参保居民住院费用', 'Inpatient cost of insured residents'],
  'enc.days_reported': ['已上报天数', 'Days reported'],
  'ooc.visits': ['县外就诊人次', 'Out-of-county visits'],
  'ooc.admissions': ['县外住院人次', 'Out-of-county admissions'],
  'ooc.cost': ['县外就诊费用', 'Out-of-county cost'],
  'ooc.fund_paid': ['县外医保基金支出', 'Out-of-county fund paid'],
  'stat.population': ['常住人口', 'Resident population'],
  'stat.population_30_70': ['30–70 岁常住人口', 'Residents aged 30–70'],
  'stat.dispatched_doctors': ['派驻基层医师数', 'Doctors dispatched to primary care'],
  'stat.staff_income_total': ['人员收入合计', 'Staff income, total'],
  'stat.staff_count': ['人员数', 'Staff'],
  'stat.village_clinics': ['村卫生室数', 'Village clinics'],
  'stat.village_clinics_ecg': ['配备心电设备的村卫生室数', 'Village clinics with ECG'],
  'stat.chronic_managed': ['慢病管理人数', 'Chronic-disease managed population'],
  'stat.chronic_premature_deaths': ['四类慢病过早死亡人数', 'Premature deaths, four chronic diseases'],
  'ref.up': ['上转人次', 'Up-referrals'],
  'ref.down': ['下转人次', 'Down-referrals'],
  'ref.received': ['收到的转诊', 'Referrals received'],
  'ref.responded': ['已应答的转诊', 'Referrals answered'],
  'ref.responded_in_deadline': ['时限内应答的转诊', 'Answered within the deadline'],
  'ref.accepted': ['已接收的转诊', 'Referrals accepted'],
  'con.requested': ['会诊申请', 'Consultations requested'],
  'con.booked': ['已预约会诊', 'Consultations booked'],
  'con.completed': ['已完成会诊', 'Consultations completed'],
  'con.reports': ['会诊报告', 'Reports'],
  'con.reports_on_time': ['按时出具的报告', 'Reports on time'],
  'con.no_shows': ['未到', 'No-shows'],
  'drug.continuity_items': ['下转用药条目', 'Down-referral medication items'],
  'drug.continuity_ok': ['可衔接的用药条目', 'Items that can be continued'],
  'drug.catalogue_items': ['机构药品目录条目', 'Catalogue items'],
  'drug.catalogue_mapped': ['已对照条目', 'Items mapped'],
  'uni.resource_unified': ['资源统一管理', 'Resources managed as one'],
  'uni.democratic_decision': ['民主决策', 'Democratic decision-making'],
  'uni.service_coordination': ['服务协同联动', 'Services coordinated'],
  'asm.participated': ['参与考核', 'Took part in the assessment'],
};

/**
 * A measure key's label; consultations of one kind (con.by_kind.VIDEO) are named by the kind's
 * label, from `kinds`.
 */
export function measureLabel(key: string, kinds: Record<string, [string, string]>): [string, string] {
  const kind = /^con\.by_kind\.(.+)$/.exec(key)?.[1];
  if (kind) {
    const [zh, en] = kinds[kind] ?? [kind, kind];
    return [`${zh}量`, `${en}s`];
  }
  return MEASURE_LABELS[key] ?? [key, key];
}
