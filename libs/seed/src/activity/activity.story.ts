/**
 * The demo consortium's recent weeks: who registered, referred, answered, booked and reported
 * what, and when. Times are relative to the moment the seed runs, in the consortium's time zone,
 * so a fresh demo always has work that is overdue, due soon and booked for the coming days,
 * and last month closed. All people and numbers are synthetic.
 *
 * Plain data and time arithmetic only; story-player.ts plays it through the services.
 */
import { DateTime } from 'luxon';
import type { ChronicCondition } from '../qianjiang.data';

/** Demo users who act in the story (see demo-users.ts). */
export type Actor =
  'admin' | 'coordinator' | 'doctor' | 'villagedoc' | 'towndoc' | 'expert' | 'pharmacist' | 'instadmin';

/** Moments relative to `now`, on the consortium's calendar. */
export class Timeline {
  private readonly today: DateTime;

  constructor(
    readonly now: Date,
    zone: string,
  ) {
    this.today = DateTime.fromJSDate(now, { zone }).startOf('day');
  }

  /** `minutes` before now. */
  ago(minutes: number): Date {
    return new Date(this.now.getTime() - minutes * 60_000);
  }

  /** `hhmm` on the day `offset` days from today (negative: past). */
  day(offset: number, hhmm: string): Date {
    return at(this.today.plus({ days: offset }), hhmm);
  }

  /** `hhmm` on day `dayOfMonth` of last calendar month (days 1–28 exist in every month). */
  lastMonth(dayOfMonth: number, hhmm: string): Date {
    return at(
      this.today
        .startOf('month')
        .minus({ months: 1 })
        .plus({ days: dayOfMonth - 1 }),
      hhmm,
    );
  }

  /** The first weekday (Mon–Fri) on or after `d`, at `hhmm`. */
  workdayFrom(d: Date, hhmm: string): Date {
    let day = this.dayOf(d);
    while (day.weekday > 5) day = day.plus({ days: 1 });
    return at(day, hhmm);
  }

  /** The last weekday strictly before `d`, at `hhmm`. */
  workdayBefore(d: Date, hhmm: string): Date {
    let day = this.dayOf(d).minus({ days: 1 });
    while (day.weekday > 5) day = day.minus({ days: 1 });
    return at(day, hhmm);
  }

  /** The same day as `d`, `days` later, at `hhmm`. */
  sameDayPlus(d: Date, days: number, hhmm: string): Date {
    return at(this.dayOf(d).plus({ days }), hhmm);
  }

  /** YYYY-MM-DD of `d` on the consortium's calendar. */
  date(d: Date): string {
    return this.dayOf(d).toISODate()!;
  }

  private dayOf(d: Date): DateTime {
    return DateTime.fromJSDate(d, { zone: this.today.zone }).startOf('day');
  }
}

function at(day: DateTime, hhmm: string): Date {
  const [hour, minute] = hhmm.split(':').map(Number);
  return day.set({ hour, minute, second: 0, millisecond: 0 }).toJSDate();
}

const plus = (d: Date, minutes: number) => new Date(d.getTime() + minutes * 60_000);

export interface StoryPatient {
  key: string;
  name: string;
  /** 居民身份证 with a valid GB 11643 check character (synthetic). */
  idNumber: string;
  phone: string;
  residenceDivisionCode: string;
  chronicConditions: ChronicCondition[];
  by: Actor;
  at: Date;
  /** Family-doctor contract with the registering clinician, signed that day. */
  contract: boolean;
}

export interface StoryAvailability {
  /** Practitioner key (qianjiang.data.ts). */
  expert: string;
  by: Actor;
  at: Date;
  validFrom: string;
  rules: {
    weekday: number;
    start: string;
    end: string;
    sessionMinutes: number;
    mode: 'REMOTE' | 'ON_SITE';
  }[];
}

export type ReferralAct =
  | {
      do: 'accept';
      by: Actor;
      at: Date;
      appointmentAt: Date;
      place?: string;
      bed?: string;
      note?: string;
    }
  | { do: 'reject'; by: Actor; at: Date; reasonCode: string; reason: string }
  | { do: 'cancel'; by: Actor; at: Date; reason: string }
  | { do: 'arrive' | 'complete' | 'submit'; by: Actor; at: Date; note?: string };

export interface StoryReferral {
  /** Unique; the referral's idempotency key is `demo-<key>`. */
  key: string;
  by: Actor;
  at: Date;
  /** Created and submitted at once (a draft otherwise, submitted by a later act if any). */
  submit: boolean;
  /** StoryPatient key, or a base patient (`pt-…` of qianjiang.data.ts). */
  patient: string;
  direction: 'UP' | 'DOWN';
  /** Institution key and department code. */
  to: string;
  toDepartment?: string;
  urgency: 'EMERGENCY' | 'URGENT' | 'ROUTINE';
  diagnosisCode: string;
  diagnosisName: string;
  purpose: string;
  clinicalSummary: string;
  attentionNotes?: string;
  insuranceType: 'URBAN_RURAL_RESIDENT' | 'URBAN_EMPLOYEE';
  contactPhone: string;
  /** Practitioner key, for coordinators who send on behalf of the treating doctor. */
  fromPractitioner?: string;
  attachments?: { name: string; type: string; uri: string }[];
  /** Documents the sender uploads and attaches (a PDF made with these lines). */
  uploads?: StoryUpload[];
  down?: {
    dischargeSummary: string;
    rehabPlan: string;
    medicationPlan: {
      drug: string;
      /** A national code of the demo list (formulary.data.ts). */
      nationalCode?: string;
      dose: string;
      route: string;
      frequency: string;
      duration: string;
    }[];
  };
  /** Revises this (rejected) story referral. */
  resubmits?: string;
  acts: ReferralAct[];
}

export type ConsultationAct =
  | { do: 'book'; by: Actor; at: Date; start: Date; end: Date }
  | { do: 'start' | 'end' | 'complete'; by: Actor; at: Date; note?: string }
  | {
      do: 'report';
      by: Actor;
      at: Date;
      opinion: string;
      suggestedDiagnoses: { code?: string; name: string }[];
      recommendations: string;
    }
  | { do: 'decline' | 'cancel'; by: Actor; at: Date; reason: string };

export interface StoryConsultation {
  /** Unique within the story: the natural key is (requesting institution, purpose). */
  purpose: string;
  by: Actor;
  at: Date;
  patient: string;
  kind: 'VIDEO' | 'IMAGING_READ' | 'MDT';
  urgency: 'URGENT' | 'ROUTINE';
  caseSummary: string;
  question: string;
  /** Practitioner keys of the named experts. */
  experts: string[];
  consentBy: { signedBy: string; relationship: string };
  attachments?: { name: string; type: string; uri: string }[];
  uploads?: StoryUpload[];
  acts: ConsultationAct[];
}

export interface StoryUpload {
  name: string;
  fileName: string;
  lines: string[];
}

export interface Story {
  patients: StoryPatient[];
  availability: StoryAvailability[];
  referrals: StoryReferral[];
  consultations: StoryConsultation[];
}

const SONGLIN = '500114101200';
const GAOBEI = '500114101201';
const MATIAN = '500114101202';
const VILLAGE_PHONE = '13896410571';
const TOWN_PHONE = '023-79521120';
const CENTRAL_PHONE = '023-79223651';

export function demoStory(t: Timeline): Story {
  const lmStart = t.lastMonth(1, '00:00');
  const registered = t.sameDayPlus(lmStart, -6, '10:00');
  const patients: StoryPatient[] = [
    ['ran-dehua', '冉德华', '500114195812030315', '13594108236', SONGLIN, ['CKD']],
    [
      'ran-xiuzhen',
      '冉秀珍',
      '500114195008140468',
      '15823064179',
      SONGLIN,
      ['HYPERTENSION', 'CORONARY_HEART_DISEASE'],
    ],
    ['yang-xiuying', '杨秀英', '500114196205211282', '18996402538', SONGLIN, ['DIABETES_T2']],
    ['ran-qifu', '冉启富', '500114194102090511', '13709461825', SONGLIN, ['STROKE_SEQUELAE', 'HYPERTENSION']],
    ['ran-xiaofang', '冉小芳', '500114199107070627', '17783204516', SONGLIN, []],
    ['tian-guilan', '田桂兰', '50011419490412084X', '15730268941', SONGLIN, ['HYPERTENSION']],
    ['gong-zhenghua', '龚正华', '500114195510192132', '13452706183', GAOBEI, ['COPD']],
    ['xiang-chunlan', '向春兰', '500114196803272261', '18323109475', GAOBEI, []],
    ['yu-guofu', '余国富', '500114196009092378', '15086231947', MATIAN, ['HYPERTENSION', 'DIABETES_T2']],
    ['huang-guiying', '黄桂英', '500114195706302487', '13983142706', MATIAN, []],
    ['gong-debing', '龚德兵', '500114197911022512', '18580412963', GAOBEI, []],
  ].map(([key, name, idNumber, phone, residenceDivisionCode, chronicConditions], i) => {
    const village = residenceDivisionCode === SONGLIN;
    return {
      key: key as string,
      name: name as string,
      idNumber: idNumber as string,
      phone: phone as string,
      residenceDivisionCode: residenceDivisionCode as string,
      chronicConditions: chronicConditions as ChronicCondition[],
      by: village ? 'villagedoc' : 'towndoc',
      at: plus(registered, i * 17),
      contract: village,
    } satisfies StoryPatient;
  });

  const published = t.sameDayPlus(lmStart, -3, '20:00');
  const afternoons = (mode: 'REMOTE' | 'ON_SITE') =>
    [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '14:00', end: '17:30', sessionMinutes: 30, mode }));
  const availability: StoryAvailability[] = [
    {
      expert: 'luo-xuefeng',
      by: 'expert',
      at: published,
      validFrom: t.date(published),
      rules: [
        ...afternoons('REMOTE'),
        // 专家坐诊 in Qianjiang on Saturday mornings.
        { weekday: 6, start: '09:00', end: '12:00', sessionMinutes: 60, mode: 'ON_SITE' },
      ],
    },
    {
      expert: 'li-zhiyuan',
      by: 'admin',
      at: plus(published, 10),
      validFrom: t.date(published),
      rules: afternoons('REMOTE'),
    },
  ];

  const cardio = (hhmm: string) => `黔江中心医院门诊楼 3 楼心血管内科 ${hhmm}`;
  const referrals: StoryReferral[] = [
    // ---- last month: closed cases, one answered late ----
    {
      key: 'lm-ran-guangming-angina',
      by: 'villagedoc',
      at: t.lastMonth(3, '09:10'),
      submit: true,
      patient: 'pt-ran-guangming',
      direction: 'UP',
      to: 'qj-central',
      toDepartment: 'CARD',
      urgency: 'URGENT',
      diagnosisCode: 'I20.0',
      diagnosisName: '不稳定型心绞痛',
      purpose:
        '近 3 天活动后胸闷胸痛加重,每次持续 5–10 分钟,含服硝酸甘油可缓解,请上级医院明确诊断并评估冠脉介入治疗。',
      clinicalSummary:
        '男,高血压 20 年、2 型糖尿病 8 年。血压 156/92 mmHg,心率 88 次/分。村卫生室心电图示 V1–V4 导联 ST 段压低 0.1 mV。',
      attentionNotes: '已嘱患者家属陪同,途中避免劳累。',
      insuranceType: 'URBAN_RURAL_RESIDENT',
      contactPhone: VILLAGE_PHONE,
      acts: [
        {
          do: 'accept',
          by: 'coordinator',
          at: t.lastMonth(3, '09:40'),
          appointmentAt: t.lastMonth(3, '14:00'),
          place: cardio('3 诊室'),
        },
        { do: 'arrive', by: 'coordinator', at: t.lastMonth(3, '13:45') },
        {
          do: 'complete',
          by: 'coordinator',
          at: t.lastMonth(12, '10:00'),
          note: '冠脉造影示前降支中段狭窄 80%,植入支架 1 枚,病情稳定出院,已下转村卫生室随访。',
        },
      ],
    },
    {
      key: 'lm-ran-guangming-down',
      by: 'doctor',
      at: t.lastMonth(12, '10:30'),
      submit: true,
      patient: 'pt-ran-guangming',
      direction: 'DOWN',
      to: 'vc-linee-songlin',
      toDepartment: 'GP',
      urgency: 'ROUTINE',
      diagnosisCode: 'I25.1',
      diagnosisName: '冠状动脉粥样硬化性心脏病(支架术后)',
      purpose: 'PCI 术后病情稳定,下转村卫生室继续二级预防与慢病管理。',
      clinicalSummary: '前降支植入药物洗脱支架 1 枚,术后无胸痛,出院时血压 132/80 mmHg,空腹血糖 7.1 mmol/L。',
      insuranceType: 'URBAN_RURAL_RESIDENT',
      contactPhone: CENTRAL_PHONE,
      down: {
        dischargeSummary:
          '因不稳定型心绞痛入院,冠脉造影示前降支中段狭窄 80%,行 PCI 植入支架 1 枚,术后恢复顺利,住院 9 天出院。',
        rehabPlan:
          '双联抗血小板至少 12 个月,不得自行停药;每 2 周测血压、血糖;术后 1 个月、3 个月回心内科门诊复查。',
        medicationPlan: [
          { drug: '阿司匹林肠溶片', dose: '100 mg', route: '口服', frequency: '每日 1 次', duration: '长期' },
          { drug: '氯吡格雷片', dose: '75 mg', route: '口服', frequency: '每日 1 次', duration: '12 个月' },
          { drug: '阿托伐他汀钙片', dose: '20 mg', route: '口服', frequency: '每晚 1 次', duration: '长期' },
          { drug: '二甲双胍片', dose: '0.5 g', route: '口服', frequency: '每日 2 次', duration: '长期' },
        ],
      },
      acts: [
        {
          do: 'accept',
          by: 'villagedoc',
          at: t.lastMonth(12, '16:20'),
          appointmentAt: t.lastMonth(14, '09:00'),
          place: '邻鄂镇松林村卫生室',
        },
        { do: 'arrive', by: 'villagedoc', at: t.lastMonth(14, '09:05') },
        {
          do: 'complete',
          by: 'villagedoc',
          at: t.lastMonth(26, '10:00'),
          note: '已纳入家庭医生随访,用药依从性好。',
        },
      ],
    },
    {
      key: 'lm-ran-dehua-bleeding',
      by: 'villagedoc',
      at: t.lastMonth(6, '21:40'),
      submit: true,
      patient: 'ran-dehua',
      direction: 'UP',
      to: 'qj-central',
      toDepartment: 'GAST',
      urgency: 'EMERGENCY',
      diagnosisCode: 'K92.2',
      diagnosisName: '上消化道出血',
      purpose: '呕血约 300 ml,伴黑便,既往乙肝肝硬化,请急诊接收。',
      clinicalSummary: '男,乙肝病史 20 年。血压 96/60 mmHg,心率 112 次/分,面色苍白。已建立静脉通道,补液中。',
      attentionNotes: '120 转运,途中监测生命体征。',
      insuranceType: 'URBAN_RURAL_RESIDENT',
      contactPhone: VILLAGE_PHONE,
      acts: [
        {
          do: 'accept',
          by: 'coordinator',
          at: t.lastMonth(6, '21:48'),
          appointmentAt: t.lastMonth(6, '22:30'),
          bed: '消化内科 6 床(急诊绿色通道)',
        },
        { do: 'arrive', by: 'coordinator', at: t.lastMonth(6, '22:20') },
        {
          do: 'complete',
          by: 'coordinator',
          at: t.lastMonth(20, '11:00'),
          note: '内镜下套扎止血,病情稳定出院。',
        },
      ],
    },
    {
      key: 'lm-gong-zhenghua-copd',
      by: 'towndoc',
      at: t.lastMonth(9, '08:30'),
      submit: true,
      patient: 'gong-zhenghua',
      direction: 'UP',
      to: 'qj-central',
      toDepartment: 'RESP',
      urgency: 'URGENT',
      diagnosisCode: 'J44.1',
      diagnosisName: '慢性阻塞性肺疾病急性加重',
      purpose: '咳嗽咳痰加重 5 天,气促明显,静息指氧 88%,卫生院处理后无改善,请上转住院。',
      clinicalSummary: '男,慢阻肺 10 年,吸烟 40 包年。双肺散在哮鸣音及湿啰音,体温 37.8 ℃。',
      insuranceType: 'URBAN_RURAL_RESIDENT',
      contactPhone: TOWN_PHONE,
      acts: [
        // Answered after the 2-hour deadline: the escalation is on its timeline and in last month's figures.
        {
          do: 'accept',
          by: 'coordinator',
          at: t.lastMonth(9, '11:05'),
          appointmentAt: t.lastMonth(9, '12:00'),
          bed: '呼吸与危重症医学科 12 床',
        },
        { do: 'arrive', by: 'coordinator', at: t.lastMonth(9, '11:50') },
        { do: 'complete', by: 'coordinator', at: t.lastMonth(17, '10:00') },
      ],
    },
    {
      key: 'lm-gong-zhenghua-down',
      by: 'coordinator',
      at: t.lastMonth(17, '14:00'),
      submit: true,
      patient: 'gong-zhenghua',
      direction: 'DOWN',
      to: 'sc-linee',
      toDepartment: 'GP',
      fromPractitioner: 'tian-hongbo',
      urgency: 'ROUTINE',
      diagnosisCode: 'J44.9',
      diagnosisName: '慢性阻塞性肺疾病(稳定期)',
      purpose: '急性加重已控制,下转卫生院继续康复与随访。',
      clinicalSummary: '抗感染、支气管扩张剂治疗 8 天,出院时静息指氧 94%,可平地步行 200 米。',
      insuranceType: 'URBAN_RURAL_RESIDENT',
      contactPhone: CENTRAL_PHONE,
      down: {
        dischargeSummary: '慢阻肺急性加重住院 8 天,经抗感染、雾化及无创通气治疗好转出院。',
        rehabPlan: '每日缩唇呼吸及腹式呼吸训练;戒烟;1 个月后复查肺功能;出现气促加重及时就诊。',
        medicationPlan: [
          {
            drug: '噻托溴铵粉吸入剂',
            dose: '18 μg',
            route: '吸入',
            frequency: '每日 1 次',
            duration: '长期',
          },
          {
            drug: '沙美特罗替卡松粉吸入剂',
            dose: '50/250 μg',
            route: '吸入',
            frequency: '每日 2 次',
            duration: '3 个月',
          },
        ],
      },
      acts: [
        {
          do: 'accept',
          by: 'towndoc',
          at: t.lastMonth(18, '09:00'),
          appointmentAt: t.lastMonth(19, '09:00'),
          place: '邻鄂镇中心卫生院全科门诊',
        },
        { do: 'arrive', by: 'towndoc', at: t.lastMonth(19, '09:10') },
        { do: 'complete', by: 'towndoc', at: t.lastMonth(27, '16:00') },
      ],
    },

    // ---- the last two weeks ----
    {
      key: 'gong-debing-fracture',
      by: 'towndoc',
      at: t.day(-12, '10:00'),
      submit: true,
      patient: 'gong-debing',
      direction: 'UP',
      to: 'qj-central',
      toDepartment: 'ORTH',
      urgency: 'URGENT',
      diagnosisCode: 'S82.2',
      diagnosisName: '胫骨骨干骨折',
      purpose: '摔伤后右小腿畸形、疼痛,X 线示右胫骨中段骨折,请上转手术治疗。',
      clinicalSummary: '男,务农时自高处跌落。右小腿肿胀畸形,足背动脉搏动可,已夹板外固定。',
      insuranceType: 'URBAN_RURAL_RESIDENT',
      contactPhone: TOWN_PHONE,
      attachments: [
        {
          name: '右胫腓骨正侧位片',
          type: 'image/jpeg',
          uri: 'https://pacs.linee-wsy.example/studies/xr-2031.jpg',
        },
      ],
      uploads: [
        {
          name: '术前血常规及凝血功能',
          fileName: '血常规-凝血功能.pdf',
          lines: [
            'Linee Town Health Centre - Laboratory report',
            'CBC: WBC 9.8 x10^9/L, Hb 132 g/L, PLT 215 x10^9/L',
            'Coagulation: PT 12.1 s, APTT 31 s, INR 1.02',
            'Demo document of the sample consortium; not a real record.',
          ],
        },
      ],
      acts: [
        {
          do: 'accept',
          by: 'coordinator',
          at: t.day(-12, '10:35'),
          appointmentAt: t.day(-12, '13:00'),
          bed: '骨科 21 床',
        },
        { do: 'arrive', by: 'coordinator', at: t.day(-12, '12:40') },
        {
          do: 'complete',
          by: 'coordinator',
          at: t.day(-5, '10:00'),
          note: '行髓内钉内固定术,术后恢复良好。',
        },
      ],
    },
    {
      key: 'gong-debing-rehab-down',
      by: 'coordinator',
      at: t.day(-5, '10:30'),
      submit: true,
      patient: 'gong-debing',
      direction: 'DOWN',
      to: 'sc-linee',
      toDepartment: 'GP',
      fromPractitioner: 'xie-yonggang',
      urgency: 'ROUTINE',
      diagnosisCode: 'S82.2',
      diagnosisName: '胫骨骨干骨折(髓内钉内固定术后)',
      purpose: '术后第 7 天,下转卫生院换药、拆线及康复训练。',
      clinicalSummary: '右胫骨髓内钉内固定术后,切口愈合良好,无发热。',
      insuranceType: 'URBAN_RURAL_RESIDENT',
      contactPhone: CENTRAL_PHONE,
      down: {
        dischargeSummary: '右胫骨干骨折,行闭合复位髓内钉内固定术,住院 7 天。',
        rehabPlan: '术后 2 周拆线;扶拐不负重行走 6 周;踝泵及股四头肌训练;术后 6 周回骨科门诊复查 X 线。',
        medicationPlan: [
          { drug: '利伐沙班片', dose: '10 mg', route: '口服', frequency: '每日 1 次', duration: '3 周' },
          { drug: '洛索洛芬钠片', dose: '60 mg', route: '口服', frequency: '疼痛时', duration: '1 周' },
        ],
      },
      acts: [
        {
          do: 'accept',
          by: 'towndoc',
          at: t.day(-5, '16:00'),
          appointmentAt: t.day(2, '09:00'),
          place: '邻鄂镇中心卫生院康复科',
        },
      ],
    },
    {
      key: 'huang-guiying-varices',
      by: 'towndoc',
      at: t.day(-10, '09:00'),
      submit: true,
      patient: 'huang-guiying',
      direction: 'UP',
      to: 'qj-central',
      toDepartment: 'GAST',
      urgency: 'ROUTINE',
      diagnosisCode: 'K74.6',
      diagnosisName: '肝硬化',
      purpose: '腹部超声提示肝硬化、脾大,请上级医院完善胃镜及评估。',
      clinicalSummary: '女,乏力、食欲减退 2 个月。血小板 68×10⁹/L。',
      insuranceType: 'URBAN_RURAL_RESIDENT',
      contactPhone: TOWN_PHONE,
      acts: [
        {
          do: 'accept',
          by: 'coordinator',
          at: t.day(-10, '14:00'),
          appointmentAt: t.day(-9, '09:00'),
          place: '黔江中心医院消化内镜中心',
        },
        { do: 'arrive', by: 'coordinator', at: t.day(-9, '08:40') },
        {
          do: 'complete',
          by: 'coordinator',
          at: t.day(-7, '16:00'),
          note: '胃镜示胃底静脉曲张(中度),已申请华西专家远程会诊。',
        },
      ],
    },
    {
      key: 'ran-dehua-ascites',
      by: 'villagedoc',
      at: t.day(-9, '07:50'),
      submit: true,
      patient: 'ran-dehua',
      direction: 'UP',
      to: 'qj-central',
      toDepartment: 'GAST',
      urgency: 'URGENT',
      diagnosisCode: 'K74.6',
      diagnosisName: '肝硬化失代偿期',
      purpose: '腹胀加重 1 周,腹围增加,尿量减少,请上转住院。',
      clinicalSummary: '男,乙肝肝硬化,上月因上消化道出血住院。移动性浊音阳性,双下肢凹陷性水肿。',
      insuranceType: 'URBAN_RURAL_RESIDENT',
      contactPhone: VILLAGE_PHONE,
      acts: [
        {
          do: 'accept',
          by: 'coordinator',
          at: t.day(-9, '08:30'),
          appointmentAt: t.day(-9, '10:00'),
          bed: '消化内科 6 床',
        },
        { do: 'arrive', by: 'coordinator', at: t.day(-9, '09:40') },
        {
          do: 'complete',
          by: 'coordinator',
          at: t.ago(5 * 60),
          note: '腹水消退,已申请华西远程会诊评估 TIPS 分流道。',
        },
      ],
    },
    {
      key: 'ran-dehua-down',
      by: 'coordinator',
      at: t.ago(4 * 60),
      submit: true,
      patient: 'ran-dehua',
      direction: 'DOWN',
      to: 'vc-linee-songlin',
      toDepartment: 'GP',
      fromPractitioner: 'xiang-xiaodong',
      urgency: 'ROUTINE',
      diagnosisCode: 'K74.6',
      diagnosisName: '肝硬化失代偿期(腹水已控制)',
      purpose: '病情稳定出院,下转村卫生室随访体重、尿量及用药。',
      clinicalSummary: '利尿治疗后腹水消退,出院时体重 58 kg,血钠 136 mmol/L。',
      insuranceType: 'URBAN_RURAL_RESIDENT',
      contactPhone: CENTRAL_PHONE,
      down: {
        dischargeSummary: '乙肝肝硬化失代偿期,腹水,住院 9 天,予利尿、补充白蛋白及抗病毒治疗后好转。',
        rehabPlan: '每日晨起称体重,1 周增加超过 2 kg 及时联系;低盐饮食;禁酒;2 周后复查肝功能、电解质。',
        medicationPlan: [
          {
            drug: '恩替卡韦片',
            dose: '0.5 mg',
            route: '口服',
            frequency: '每日 1 次(空腹)',
            duration: '长期',
          },
          { drug: '螺内酯片', dose: '40 mg', route: '口服', frequency: '每日 2 次', duration: '1 个月' },
          { drug: '呋塞米片', dose: '20 mg', route: '口服', frequency: '每日 1 次', duration: '1 个月' },
          { drug: '普萘洛尔片', dose: '10 mg', route: '口服', frequency: '每日 2 次', duration: '长期' },
        ],
      },
      acts: [],
    },
    {
      key: 'tian-guilan-af',
      by: 'villagedoc',
      at: t.day(-2, '08:20'),
      submit: true,
      patient: 'tian-guilan',
      direction: 'UP',
      to: 'qj-central',
      toDepartment: 'CARD',
      urgency: 'URGENT',
      diagnosisCode: 'I48.9',
      diagnosisName: '心房颤动',
      purpose: '心悸 2 天,心电图示快速房颤,心室率 130 次/分,请上转住院。',
      clinicalSummary: '女,高血压 15 年。心率 132 次/分,律绝对不齐,血压 148/90 mmHg。',
      insuranceType: 'URBAN_RURAL_RESIDENT',
      contactPhone: VILLAGE_PHONE,
      acts: [
        {
          do: 'accept',
          by: 'coordinator',
          at: t.day(-2, '09:30'),
          appointmentAt: t.day(-2, '11:00'),
          bed: '心血管内科 15 床',
        },
        { do: 'arrive', by: 'coordinator', at: t.day(-2, '10:45') },
      ],
    },
    {
      key: 'xiang-chunlan-knee',
      by: 'towndoc',
      at: t.day(-6, '10:00'),
      submit: true,
      patient: 'xiang-chunlan',
      direction: 'UP',
      to: 'qj-central',
      toDepartment: 'ORTH',
      urgency: 'ROUTINE',
      diagnosisCode: 'M17.1',
      diagnosisName: '膝关节骨关节炎',
      purpose: '双膝疼痛 3 年,行走 500 米即需休息,请评估关节置换。',
      clinicalSummary: '女,双膝内翻畸形,活动受限。',
      insuranceType: 'URBAN_RURAL_RESIDENT',
      contactPhone: TOWN_PHONE,
      acts: [
        {
          do: 'reject',
          by: 'coordinator',
          at: t.day(-6, '15:30'),
          reasonCode: 'INCOMPLETE_INFORMATION',
          reason: '请补充双膝负重位 X 线片及既往保守治疗情况后重新提交。',
        },
      ],
    },
    {
      key: 'xiang-chunlan-knee-2',
      by: 'towndoc',
      at: t.day(-1, '16:40'),
      submit: false,
      resubmits: 'xiang-chunlan-knee',
      patient: 'xiang-chunlan',
      direction: 'UP',
      to: 'qj-central',
      toDepartment: 'ORTH',
      urgency: 'ROUTINE',
      diagnosisCode: 'M17.1',
      diagnosisName: '膝关节骨关节炎',
      purpose: '双膝疼痛 3 年,保守治疗无效,请评估关节置换(补充资料后重新提交)。',
      clinicalSummary:
        '女,双膝内翻畸形。口服塞来昔布、玻璃酸钠关节腔注射 3 个疗程效果差。负重位片示双膝内侧间隙明显狭窄(K-L 4 级)。',
      insuranceType: 'URBAN_RURAL_RESIDENT',
      contactPhone: TOWN_PHONE,
      attachments: [
        {
          name: '双膝负重位 X 线片',
          type: 'image/jpeg',
          uri: 'https://pacs.linee-wsy.example/studies/xr-2077.jpg',
        },
      ],
      acts: [{ do: 'submit', by: 'towndoc', at: t.ago(70) }],
    },
    {
      key: 'gong-zhenghua-lung-function',
      by: 'towndoc',
      at: t.day(-2, '10:15'),
      submit: true,
      patient: 'gong-zhenghua',
      direction: 'UP',
      to: 'qj-central',
      toDepartment: 'RESP',
      urgency: 'ROUTINE',
      diagnosisCode: 'J44.9',
      diagnosisName: '慢性阻塞性肺疾病',
      purpose: '出院后 1 个月,按计划上转复查肺功能并调整吸入治疗。',
      clinicalSummary: '近 1 个月无急性加重,静息指氧 94%。',
      insuranceType: 'URBAN_RURAL_RESIDENT',
      contactPhone: TOWN_PHONE,
      acts: [
        {
          do: 'accept',
          by: 'coordinator',
          at: t.day(-2, '15:00'),
          appointmentAt: t.day(1, '09:30'),
          place: '黔江中心医院门诊楼 2 楼肺功能室',
          note: '检查前 4 小时停用支气管扩张剂。',
        },
      ],
    },
    {
      key: 'ran-guangming-follow-up',
      by: 'villagedoc',
      at: t.day(-1, '09:00'),
      submit: true,
      patient: 'pt-ran-guangming',
      direction: 'UP',
      to: 'qj-central',
      toDepartment: 'CARD',
      urgency: 'ROUTINE',
      diagnosisCode: 'I25.1',
      diagnosisName: '冠状动脉粥样硬化性心脏病(支架术后)',
      purpose: '支架术后按计划复查,近期转氨酶轻度升高,请评估调整他汀用药。',
      clinicalSummary: '无胸痛,ALT 86 U/L,AST 64 U/L。',
      insuranceType: 'URBAN_RURAL_RESIDENT',
      contactPhone: VILLAGE_PHONE,
      acts: [
        {
          do: 'accept',
          by: 'coordinator',
          at: t.day(-1, '11:20'),
          appointmentAt: t.day(3, '10:00'),
          place: cardio('5 诊室'),
        },
      ],
    },
    {
      key: 'yang-xiuying-diabetes',
      by: 'villagedoc',
      at: t.day(-6, '09:30'),
      submit: true,
      patient: 'yang-xiuying',
      direction: 'UP',
      to: 'qj-central',
      toDepartment: 'ENDO',
      urgency: 'ROUTINE',
      diagnosisCode: 'E11.9',
      diagnosisName: '2 型糖尿病',
      purpose: '口服两种降糖药空腹血糖仍 11–13 mmol/L,请评估胰岛素治疗。',
      clinicalSummary: '女,糖尿病 6 年,糖化血红蛋白 9.8%。',
      insuranceType: 'URBAN_RURAL_RESIDENT',
      contactPhone: VILLAGE_PHONE,
      // No arrival by the appointment: the no-show check closes it.
      acts: [
        {
          do: 'accept',
          by: 'coordinator',
          at: t.day(-6, '14:00'),
          appointmentAt: t.day(-3, '09:00'),
          place: '黔江中心医院内分泌科门诊',
        },
      ],
    },
    {
      key: 'yang-xiuying-diabetes-2',
      by: 'villagedoc',
      at: t.ago(3 * 60),
      submit: true,
      patient: 'yang-xiuying',
      direction: 'UP',
      to: 'qj-central',
      toDepartment: 'ENDO',
      urgency: 'ROUTINE',
      diagnosisCode: 'E11.9',
      diagnosisName: '2 型糖尿病',
      purpose: '上次预约因家中农忙未能就诊,血糖仍控制不佳,再次申请上转。',
      clinicalSummary: '空腹血糖 12.4 mmol/L,无酮症。',
      attentionNotes: '患者希望安排上午就诊,由女儿陪同。',
      insuranceType: 'URBAN_RURAL_RESIDENT',
      contactPhone: VILLAGE_PHONE,
      acts: [],
    },
    {
      key: 'ran-qifu-rehab',
      by: 'villagedoc',
      at: t.day(-8, '09:00'),
      submit: true,
      patient: 'ran-qifu',
      direction: 'UP',
      to: 'qj-central',
      toDepartment: 'NEUR',
      urgency: 'ROUTINE',
      diagnosisCode: 'I69.3',
      diagnosisName: '脑梗死后遗症',
      purpose: '脑梗死后右侧肢体无力,请评估康复治疗方案。',
      clinicalSummary: '男,脑梗死 1 年,右侧肌力 4 级,可扶拐行走。',
      insuranceType: 'URBAN_RURAL_RESIDENT',
      contactPhone: VILLAGE_PHONE,
      acts: [
        {
          do: 'cancel',
          by: 'villagedoc',
          at: t.day(-8, '11:00'),
          reason: '患者家属决定先在邻鄂镇中心卫生院做康复治疗。',
        },
      ],
    },
    {
      key: 'ran-xiuzhen-heart-failure',
      by: 'villagedoc',
      at: t.ago(4 * 60 + 40),
      submit: true,
      patient: 'ran-xiuzhen',
      direction: 'UP',
      to: 'qj-central',
      toDepartment: 'CARD',
      urgency: 'URGENT',
      diagnosisCode: 'I50.9',
      diagnosisName: '心力衰竭',
      purpose: '夜间不能平卧 3 天,双下肢水肿加重,请上转住院。',
      clinicalSummary: '女,冠心病、高血压。心率 108 次/分,双肺底湿啰音,指氧 91%。',
      insuranceType: 'URBAN_RURAL_RESIDENT',
      contactPhone: VILLAGE_PHONE,
      acts: [],
    },
    {
      key: 'yu-guofu-tia',
      by: 'towndoc',
      at: t.ago(2 * 60 + 50),
      submit: true,
      patient: 'yu-guofu',
      direction: 'UP',
      to: 'qj-central',
      toDepartment: 'NEUR',
      urgency: 'URGENT',
      diagnosisCode: 'G45.9',
      diagnosisName: '短暂性脑缺血发作',
      purpose: '今晨左侧肢体无力约 20 分钟后自行缓解,ABCD² 评分 5 分,请上转评估。',
      clinicalSummary: '男,高血压、糖尿病。现神经系统查体无阳性体征,血压 168/96 mmHg。',
      insuranceType: 'URBAN_RURAL_RESIDENT',
      contactPhone: TOWN_PHONE,
      acts: [],
    },
    {
      key: 'ran-xiaofang-pregnancy',
      by: 'villagedoc',
      at: t.ago(50),
      submit: false,
      patient: 'ran-xiaofang',
      direction: 'UP',
      to: 'qj-mch',
      urgency: 'ROUTINE',
      diagnosisCode: 'O13',
      diagnosisName: '妊娠期高血压',
      purpose: '孕 28 周,近两次测血压 142/92 mmHg,拟转妇幼保健院产科评估。',
      clinicalSummary: '女,初产妇,无头痛、视物模糊,尿蛋白阴性。',
      insuranceType: 'URBAN_RURAL_RESIDENT',
      contactPhone: VILLAGE_PHONE,
      acts: [],
    },
  ];

  // Expert sessions: 罗薛峰 (华西医院) on weekday afternoons.
  const c1 = t.workdayFrom(t.lastMonth(10, '00:00'), '15:00');
  const c2 = t.workdayFrom(t.lastMonth(15, '00:00'), '14:00');
  const c4 = t.workdayBefore(t.now, '16:00');
  const c3 = t.workdayBefore(c4, '15:00');
  const c5 = t.workdayFrom(t.day(1, '00:00'), '14:00');
  const c6 = t.workdayFrom(t.day(2, '00:00'), '16:00');
  const c9 = t.workdayFrom(t.day(-6, '00:00'), '17:00');
  const consent = (signedBy: string, relationship = '本人') => ({ signedBy, relationship });
  const cirrhosis = [
    { code: 'K74.6', name: '乙型肝炎肝硬化失代偿期' },
    { code: 'K76.6', name: '门静脉高压' },
  ];
  const consultations: StoryConsultation[] = [
    {
      purpose: '评估乙肝肝硬化门静脉高压行 TIPS(经颈静脉肝内门体分流术)的适应证',
      by: 'doctor',
      at: t.lastMonth(8, '09:00'),
      patient: 'ran-dehua',
      kind: 'VIDEO',
      urgency: 'URGENT',
      caseSummary: '男,乙肝肝硬化,本月因食管胃底静脉曲张破裂出血住院,内镜下套扎止血。Child-Pugh B 级。',
      question: '再出血风险高,是否具备 TIPS 适应证?时机如何选择?',
      experts: ['luo-xuefeng'],
      consentBy: consent('冉德华'),
      acts: [
        { do: 'book', by: 'doctor', at: t.lastMonth(8, '09:20'), start: c1, end: plus(c1, 30) },
        { do: 'start', by: 'expert', at: c1 },
        { do: 'end', by: 'doctor', at: plus(c1, 32) },
        {
          do: 'report',
          by: 'expert',
          at: t.sameDayPlus(c1, 1, '10:00'),
          opinion: '患者为乙肝肝硬化失代偿期,静脉曲张破裂出血后内镜治疗,Child-Pugh B 级,具备早期 TIPS 指征。',
          suggestedDiagnoses: cirrhosis,
          recommendations:
            '1. 完善门静脉 CTA 评估血管条件;2. 继续恩替卡韦抗病毒;3. 如无禁忌,建议 2 周内择期 TIPS。',
        },
        { do: 'complete', by: 'doctor', at: t.sameDayPlus(c1, 1, '16:00') },
      ],
    },
    {
      purpose: '门静脉系统 CTA 远程阅片,评估 TIPS 穿刺路径',
      by: 'doctor',
      at: t.lastMonth(14, '10:00'),
      patient: 'ran-dehua',
      kind: 'IMAGING_READ',
      urgency: 'ROUTINE',
      caseSummary: '门静脉 CTA 已完成,影像已上传。',
      question: '门静脉主干及分支是否通畅?有无血栓?',
      experts: ['luo-xuefeng'],
      consentBy: consent('冉德华'),
      attachments: [
        {
          name: '门静脉 CTA',
          type: 'DICOM',
          uri: 'dicomweb://pacs.qjzxyy.example/studies/1.2.156.112605.18587',
        },
      ],
      uploads: [
        {
          name: '肝功能及血氨检验单',
          fileName: '肝功能-血氨.pdf',
          lines: [
            'Qianjiang Central Hospital - Laboratory report',
            'ALT 38 U/L, AST 52 U/L, TBil 31 umol/L, Alb 32 g/L',
            'Blood ammonia 48 umol/L',
            'Demo document of the sample consortium; not a real record.',
          ],
        },
      ],
      acts: [
        { do: 'book', by: 'doctor', at: t.lastMonth(14, '10:15'), start: c2, end: plus(c2, 30) },
        {
          do: 'report',
          by: 'expert',
          at: plus(c2, 50),
          opinion: '门静脉主干及左右支通畅,未见血栓;肝右静脉与门静脉右支间距约 2.1 cm,穿刺路径可行。',
          suggestedDiagnoses: cirrhosis,
          recommendations: '可按计划行 TIPS,术前复查凝血功能及血氨。',
        },
        { do: 'complete', by: 'doctor', at: t.sameDayPlus(c2, 1, '09:00') },
      ],
    },
    {
      purpose: '肝硬化胃底静脉曲张,评估内镜治疗或 TIPS',
      by: 'doctor',
      at: t.sameDayPlus(c3, -2, '09:00'),
      patient: 'huang-guiying',
      kind: 'VIDEO',
      urgency: 'ROUTINE',
      caseSummary: '女,肝硬化(病因待查),胃镜示胃底静脉曲张中度,无出血史,血小板 68×10⁹/L。',
      question: '是否需要一级预防?首选内镜组织胶注射还是 TIPS?',
      experts: ['luo-xuefeng'],
      consentBy: consent('黄桂英'),
      acts: [
        { do: 'book', by: 'doctor', at: t.sameDayPlus(c3, -2, '09:30'), start: c3, end: plus(c3, 30) },
        { do: 'start', by: 'expert', at: c3 },
        { do: 'end', by: 'doctor', at: plus(c3, 28) },
        {
          do: 'report',
          by: 'expert',
          at: plus(c3, 3 * 60),
          opinion: '胃底静脉曲张(GOV2 型)中度,无出血史,建议以非选择性 β 受体阻滞剂一级预防为主,暂不行 TIPS。',
          suggestedDiagnoses: [
            { code: 'K74.6', name: '肝硬化' },
            { code: 'I86.4', name: '胃底静脉曲张' },
          ],
          recommendations:
            '1. 普萘洛尔 10 mg 每日 2 次起,静息心率降至 55–60 次/分;2. 完善病因学检查;3. 6 个月后复查胃镜。',
        },
      ],
    },
    {
      purpose: '肝硬化再发腹水,评估 TIPS 分流道通畅性及下一步治疗',
      by: 'doctor',
      at: t.sameDayPlus(c4, -2, '09:00'),
      patient: 'ran-dehua',
      kind: 'VIDEO',
      urgency: 'URGENT',
      caseSummary: '男,乙肝肝硬化,近 1 周腹水增多入院,利尿治疗中。',
      question: '腹水增多是否提示分流道狭窄?是否需要介入复查?',
      experts: ['luo-xuefeng'],
      consentBy: consent('冉德华'),
      acts: [
        { do: 'book', by: 'doctor', at: t.sameDayPlus(c4, -2, '09:30'), start: c4, end: plus(c4, 30) },
        { do: 'start', by: 'doctor', at: c4 },
        // Session held; the expert's report is still due.
        { do: 'end', by: 'doctor', at: plus(c4, 34) },
      ],
    },
    {
      purpose: '复查腹部增强 CT 远程阅片,评估门静脉高压程度',
      by: 'doctor',
      at: t.ago(2 * 60),
      patient: 'huang-guiying',
      kind: 'IMAGING_READ',
      urgency: 'ROUTINE',
      caseSummary: '普萘洛尔治疗 1 周后复查腹部增强 CT,影像已上传。',
      question: '脾静脉、门静脉宽度及侧支循环情况?',
      experts: ['luo-xuefeng'],
      consentBy: consent('黄桂英'),
      attachments: [
        {
          name: '腹部增强 CT',
          type: 'DICOM',
          uri: 'dicomweb://pacs.qjzxyy.example/studies/1.2.156.112605.19322',
        },
      ],
      acts: [{ do: 'book', by: 'doctor', at: t.ago(110), start: c5, end: plus(c5, 30) }],
    },
    {
      purpose: '房颤合并肝功能异常,抗凝方案多学科会诊',
      by: 'doctor',
      at: t.day(-1, '15:00'),
      patient: 'tian-guilan',
      kind: 'MDT',
      urgency: 'URGENT',
      caseSummary: '女,持续性房颤,CHA₂DS₂-VASc 4 分;ALT 120 U/L,白蛋白 32 g/L。',
      question: '肝功能异常时抗凝药物如何选择?是否适合左心耳封堵?',
      experts: ['li-zhiyuan', 'luo-xuefeng'],
      consentBy: consent('冉茂华', '子女'),
      acts: [{ do: 'book', by: 'doctor', at: t.day(-1, '15:30'), start: c6, end: plus(c6, 60) }],
    },
    {
      purpose: '支架术后他汀相关转氨酶升高的处理',
      by: 'doctor',
      at: t.ago(90),
      patient: 'pt-ran-guangming',
      kind: 'VIDEO',
      urgency: 'ROUTINE',
      caseSummary: '男,PCI 术后 1 个月,阿托伐他汀 20 mg,ALT 86 U/L。',
      question: '是否需要更换降脂方案?',
      experts: ['luo-xuefeng'],
      consentBy: consent('冉光明'),
      acts: [],
    },
    {
      purpose: '慢阻肺患者肝功能异常原因分析',
      by: 'doctor',
      at: t.day(-4, '10:00'),
      patient: 'gong-zhenghua',
      kind: 'VIDEO',
      urgency: 'ROUTINE',
      caseSummary: '男,慢阻肺,体检示 ALT 72 U/L。',
      question: '肝功能异常与吸入药物是否相关?',
      experts: ['luo-xuefeng'],
      consentBy: consent('龚正华'),
      acts: [
        {
          do: 'decline',
          by: 'expert',
          at: t.day(-4, '16:00'),
          reason: '患者以呼吸系统问题为主,建议邀请呼吸专科专家(如重医附一院许国栋教授)会诊。',
        },
      ],
    },
    {
      purpose: '脑梗死后遗症合并肝功能异常,用药调整',
      by: 'doctor',
      at: t.day(-8, '09:30'),
      patient: 'ran-qifu',
      kind: 'VIDEO',
      urgency: 'ROUTINE',
      caseSummary: '男,脑梗死后遗症,长期服用阿司匹林及他汀,ALT 95 U/L。',
      question: '是否需要停用他汀?',
      experts: ['luo-xuefeng'],
      consentBy: consent('冉启富'),
      acts: [
        { do: 'book', by: 'doctor', at: t.day(-8, '10:00'), start: c9, end: plus(c9, 30) },
        {
          do: 'cancel',
          by: 'doctor',
          at: t.day(-8, '11:10'),
          reason: '患者家属决定暂缓上级医院诊治,撤销会诊。',
        },
      ],
    },
  ];

  return { patients, availability, referrals, consultations };
}
