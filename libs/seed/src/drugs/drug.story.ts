/**
 * The drug-list part of the demo's recent weeks: a down-referral whose medication plan meets
 * every continuity outcome at 松林村卫生室, and shortage registrations (基层缺药登记) in every
 * state. Plain data and time arithmetic; story-player.ts plays it through the services.
 */
import type { Actor, StoryPatient, StoryReferral, Timeline } from '../activity/activity.story';
import { FORMULARY } from './formulary.data';

export type SupplyAct =
  | { do: 'approve'; by: Actor; at: Date; note?: string }
  | { do: 'reject'; by: Actor; at: Date; reason: string }
  | { do: 'dispatch'; by: Actor; at: Date; quantity?: number; note?: string }
  | { do: 'receive'; by: Actor; at: Date; quantity: number; note?: string };

export interface StorySupply {
  /** Unique; the request's idempotency key is `demo-<key>`. */
  key: string;
  by: Actor;
  at: Date;
  /** Unified-list item by generic name and spec (formulary.data.ts). */
  drug: string;
  spec: string;
  quantity: number;
  reason: string;
  urgency: 'URGENT' | 'ROUTINE';
  /** A story referral key: the request supplies its plan (raised by the referral's sender). */
  referral?: string;
  /** The clinic short of the drug (institution key), when not the requester's own. */
  for?: string;
  acts: SupplyAct[];
}

export function listed(name: string, spec: string): string {
  const row = FORMULARY.find((r) => r[1] === name && r[3] === spec);
  if (!row) throw new Error(`the drug story names a drug off the demo list: ${name} ${spec}`);
  return row[0];
}

const CENTRAL_PHONE = '023-79223651';
export const CONTINUITY_DEMO_REFERRAL = 'lm-zhang-hongmei-down';

export function drugStory(t: Timeline): {
  patients: StoryPatient[];
  referrals: StoryReferral[];
  supplies: StorySupply[];
} {
  const patients: StoryPatient[] = [
    {
      key: 'tan-lijuan',
      name: '谭丽娟',
      idNumber: '500114198803150626',
      phone: '15923085617',
      residenceDivisionCode: '500114101200',
      chronicConditions: [],
      by: 'villagedoc',
      at: t.lastMonth(8, '08:40'),
      contract: true,
    },
  ];
  const sent = t.lastMonth(18, '10:00');
  const referrals: StoryReferral[] = [
    {
      key: 'lm-tan-lijuan-up',
      by: 'villagedoc',
      at: t.lastMonth(8, '09:00'),
      submit: true,
      patient: 'tan-lijuan',
      direction: 'UP',
      to: 'qj-central',
      urgency: 'URGENT',
      diagnosisCode: 'N73.9',
      diagnosisName: '盆腔炎性疾病',
      purpose: '下腹痛伴发热 3 天,口服抗生素无好转,请上级医院住院治疗。',
      clinicalSummary: '女,38 岁,体温 38.6 ℃,下腹压痛明显,白细胞 14.2×10⁹/L。',
      insuranceType: 'URBAN_RURAL_RESIDENT',
      contactPhone: '13896410571',
      acts: [
        {
          do: 'accept',
          by: 'coordinator',
          at: t.lastMonth(8, '10:30'),
          appointmentAt: t.lastMonth(8, '14:00'),
          place: '黔江中心医院妇科病房',
        },
        { do: 'arrive', by: 'coordinator', at: t.lastMonth(8, '14:10') },
        {
          do: 'complete',
          by: 'coordinator',
          at: t.lastMonth(17, '16:00'),
          note: '静脉抗感染 7 天后好转,明日下转村卫生室。',
        },
      ],
    },
    {
      key: CONTINUITY_DEMO_REFERRAL,
      by: 'doctor',
      at: sent,
      submit: true,
      patient: 'tan-lijuan',
      direction: 'DOWN',
      to: 'vc-linee-songlin',
      toDepartment: 'GP',
      urgency: 'ROUTINE',
      diagnosisCode: 'N73.9',
      diagnosisName: '盆腔炎性疾病(恢复期)',
      purpose: '住院抗感染治疗后好转,下转村卫生室继续口服中成药并随访。',
      clinicalSummary: '下腹痛伴发热 3 天入院,抗感染治疗 7 天,体温正常、腹痛缓解,血常规恢复正常。',
      insuranceType: 'URBAN_RURAL_RESIDENT',
      contactPhone: CENTRAL_PHONE,
      down: {
        dischargeSummary: '盆腔炎性疾病,静脉抗感染 7 天后症状缓解出院。',
        rehabPlan: '注意休息,避免劳累;2 周后复查妇科 B 超及血常规;再发腹痛、发热及时就诊。',
        medicationPlan: [
          {
            drug: '妇科千金片',
            nationalCode: listed('妇科千金片', '复方'),
            dose: '6 片',
            route: '口服',
            frequency: '每日 2 次',
            duration: '14 天',
          },
          {
            drug: '益母草颗粒 15g',
            nationalCode: listed('益母草颗粒', '15g'),
            dose: '15g',
            route: '口服',
            frequency: '每日 2 次',
            duration: '10 天',
          },
          {
            drug: '妇炎康片',
            nationalCode: listed('妇炎康片', '0.52g'),
            dose: '3 片',
            route: '口服',
            frequency: '每日 3 次',
            duration: '14 天',
          },
          {
            drug: '宫瘤清胶囊',
            nationalCode: listed('宫瘤清胶囊', '0.37g'),
            dose: '3 粒',
            route: '口服',
            frequency: '每日 3 次',
            duration: '1 个月',
          },
          { drug: '阿胶补血口服液', dose: '20ml', route: '口服', frequency: '每日 2 次', duration: '1 个月' },
        ],
      },
      acts: [
        {
          do: 'accept',
          by: 'villagedoc',
          at: t.lastMonth(18, '15:30'),
          appointmentAt: t.lastMonth(21, '09:00'),
          place: '邻鄂镇松林村卫生室',
        },
        { do: 'arrive', by: 'villagedoc', at: t.lastMonth(21, '09:10') },
        {
          do: 'complete',
          by: 'villagedoc',
          at: t.lastMonth(27, '10:00'),
          note: '已按计划服药,妇炎康片由中心药房补货后发放,腹痛未再发。',
        },
      ],
    },
  ];
  const supplies: StorySupply[] = [
    {
      // The plan's out-of-stock item, supplied before the patient arrived.
      key: 'lm-hongmei-fuyankang',
      by: 'doctor',
      at: t.lastMonth(18, '10:20'),
      drug: '妇炎康片',
      spec: '0.52g',
      quantity: 72,
      reason: '下转患者用药计划,松林村卫生室缺货',
      urgency: 'ROUTINE',
      referral: CONTINUITY_DEMO_REFERRAL,
      for: 'vc-linee-songlin',
      acts: [
        { do: 'approve', by: 'pharmacist', at: t.lastMonth(18, '14:00') },
        { do: 'dispatch', by: 'pharmacist', at: t.lastMonth(19, '09:30'), note: '随乡村配送车送达' },
        { do: 'receive', by: 'villagedoc', at: t.lastMonth(20, '16:00'), quantity: 72 },
      ],
    },
    {
      key: 'sl-xeduiyixian',
      by: 'villagedoc',
      at: t.ago(120),
      drug: '小儿对乙酰氨基酚片',
      spec: '0.1g',
      quantity: 200,
      reason: '流感季儿童发热患者增多,库存已用完',
      urgency: 'ROUTINE',
      acts: [],
    },
    {
      key: 'sl-kechuanling',
      by: 'villagedoc',
      at: t.day(-3, '09:00'),
      drug: '小儿咳喘灵口服液',
      spec: '10ml',
      quantity: 600,
      reason: '备冬季用药',
      urgency: 'ROUTINE',
      acts: [
        {
          do: 'reject',
          by: 'pharmacist',
          at: t.day(-3, '14:00'),
          reason: '数量超过村卫生室月用量,请按近 3 个月用量重新申请',
        },
      ],
    },
    {
      key: 'le-bulofen',
      by: 'towndoc',
      at: t.ago(600),
      drug: '小儿布洛芬栓',
      spec: '50mg',
      quantity: 60,
      reason: '儿科退热栓剂缺货',
      urgency: 'URGENT',
      acts: [{ do: 'approve', by: 'pharmacist', at: t.ago(540), note: '明日随配送车发出' }],
    },
    {
      key: 'le-shuanghuanglian',
      by: 'towndoc',
      at: t.ago(26 * 60),
      drug: '双黄连注射液',
      spec: '20ml',
      quantity: 40,
      reason: '急诊输液用药缺货',
      urgency: 'ROUTINE',
      acts: [
        { do: 'approve', by: 'pharmacist', at: t.ago(24 * 60) },
        { do: 'dispatch', by: 'pharmacist', at: t.ago(180), quantity: 40 },
      ],
    },
  ];
  return { patients, referrals, supplies };
}
