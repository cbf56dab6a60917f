/**
 * Demo seed data: 黔江区医共体 (Qianjiang District compact county medical consortium, Chongqing).
 *
 * "1224" framework: 1 个总医院 (黔江中心医院), 2 个专科医院 (中医院, 妇幼保健院), 2 个社区医院集团
 * (城东, 城西), 4 个区域医疗卫生次中心 (濯水, 石会, 邻鄂, 黑溪 中心卫生院). Township health centres hang
 * below the sub-centre of their area, village clinics below the centre of their town; partner
 * hospitals (华西, 协和, 重医附一院) sit outside the tree (专家坐诊 / 远程诊疗).
 *
 * Division codes: 黔江区 = 500114; townships 500114xxx (001–006 街道, 1xx 镇, 2xx 乡);
 * villages 500114xxx2yy, communities 500114xxx0yy. Township/village codes and names below village
 * level are plausible demo values, not an official code list. All people are fictional except the
 * 华西医院 experts named in the source article (罗薛峰, 张燕, 杨锦林); every ID number, phone number and
 * licence number is synthetic. ID numbers carry valid GB 11643 check characters.
 *
 * Plain data only: no imports, so it can be loaded by seed scripts, tests and benchmarks alike.
 */

export type InstitutionKind =
  | 'GENERAL_HOSPITAL'
  | 'SPECIALTY_HOSPITAL'
  | 'COMMUNITY_HOSPITAL_GROUP'
  | 'REGIONAL_SUBCENTER'
  | 'TOWNSHIP_HEALTH_CENTER'
  | 'COMMUNITY_HEALTH_CENTER'
  | 'VILLAGE_CLINIC'
  | 'PARTNER_HOSPITAL';
export type Tier = 'COUNTY' | 'TOWNSHIP' | 'VILLAGE' | 'EXTERNAL';
export type Title =
  | 'CHIEF_PHYSICIAN'
  | 'ASSOCIATE_CHIEF_PHYSICIAN'
  | 'ATTENDING_PHYSICIAN'
  | 'RESIDENT_PHYSICIAN'
  | 'VILLAGE_DOCTOR';
export type Sex = 'MALE' | 'FEMALE';
/** 慢病 codes: 高血压, 2型糖尿病, 慢阻肺, 冠心病, 脑卒中后遗症, 慢性肾脏病. */
export type ChronicCondition = 'HYPERTENSION' | 'DIABETES_T2' | 'COPD' | 'CORONARY_HEART_DISEASE' | 'STROKE_SEQUELAE' | 'CKD';

export interface SeedDepartment {
  code: string;
  name: string;
  specialty?: string;
}

export interface SeedPractitioner {
  key: string;
  name: string;
  /** department code within the practitioner's institution */
  department?: string;
  title: Title;
  specialties: string[];
  /** 医师执业证书编码 (15 digits; synthetic) */
  licenceNumber: string;
}

export interface SeedInstitution {
  key: string;
  name: string;
  kind: InstitutionKind;
  tier: Tier;
  parentKey: string | null;
  grade?: string;
  divisionCode: string;
  address: string;
  departments: SeedDepartment[];
  practitioners: SeedPractitioner[];
}

export interface SeedPatient {
  key: string;
  name: string;
  sex: Sex;
  /** YYYY-MM-DD, equal to digits 7–14 of idNumber */
  birthDate: string;
  /** 居民身份证 (GB 11643, valid check character; synthetic) */
  idNumber: string;
  phone: string;
  residenceDivisionCode: string;
  chronicConditions: ChronicCondition[];
  /** 家庭医生签约 */
  contract?: { institutionKey: string; practitionerKey: string; signedOn: string /* YYYY-MM-DD */ };
  registeredAtKey: string;
}

export const CONSORTIUM: { name: string; divisionCode: string; timeZone: string; framework: string } = {
  name: '黔江区医共体',
  divisionCode: '500114',
  timeZone: 'Asia/Shanghai',
  framework: '1224',
};

const TOWNSHIP_DEPTS_4: SeedDepartment[] = [
  { code: 'GP', name: '全科', specialty: 'GENERAL_PRACTICE' },
  { code: 'TCM', name: '中医科', specialty: 'TCM' },
  { code: 'PH', name: '公共卫生科', specialty: 'PUBLIC_HEALTH' },
  { code: 'REHAB', name: '康复科', specialty: 'REHABILITATION' },
];
const TOWNSHIP_DEPTS_3: SeedDepartment[] = [
  { code: 'GP', name: '全科', specialty: 'GENERAL_PRACTICE' },
  { code: 'TCM', name: '中医科', specialty: 'TCM' },
  { code: 'PH', name: '公共卫生科', specialty: 'PUBLIC_HEALTH' },
];
const VILLAGE_DEPTS: SeedDepartment[] = [{ code: 'GP', name: '全科诊室', specialty: 'GENERAL_PRACTICE' }];

export const INSTITUTIONS: SeedInstitution[] = [
  // ---- 1 个总医院 general hospital ----
  { key: 'qj-central', name: '黔江中心医院', kind: 'GENERAL_HOSPITAL', tier: 'COUNTY', parentKey: null, grade: '三级甲等', divisionCode: '500114004', address: '重庆市黔江区正阳街道正阳新城新华大道西段',
    departments: [
      { code: 'CARD', name: '心血管内科', specialty: 'CARDIOLOGY' },
      { code: 'NEUR', name: '神经内科', specialty: 'NEUROLOGY' },
      { code: 'GAST', name: '消化内科', specialty: 'GASTROENTEROLOGY' },
      { code: 'RESP', name: '呼吸与危重症医学科', specialty: 'PULMONOLOGY' },
      { code: 'ENDO', name: '内分泌科', specialty: 'ENDOCRINOLOGY' },
      { code: 'ORTH', name: '骨科', specialty: 'ORTHOPAEDICS' },
      { code: 'GEN-SURG', name: '普通外科', specialty: 'GENERAL_SURGERY' },
      { code: 'ICU', name: '重症医学科', specialty: 'CRITICAL_CARE' },
      { code: 'ED', name: '急诊科', specialty: 'EMERGENCY' },
      { code: 'RAD', name: '放射科', specialty: 'RADIOLOGY' },
      { code: 'ECG', name: '心电诊断科', specialty: 'ELECTROCARDIOGRAPHY' },
      { code: 'PATH', name: '病理科', specialty: 'PATHOLOGY' },
    ],
    practitioners: [
      { key: 'ran-maolin', name: '冉茂林', department: 'CARD', title: 'CHIEF_PHYSICIAN', specialties: ['CARDIOLOGY', 'INTERVENTIONAL_CARDIOLOGY'], licenceNumber: '115001141997137' },
      { key: 'tian-hongbo', name: '田洪波', department: 'RESP', title: 'CHIEF_PHYSICIAN', specialties: ['PULMONOLOGY', 'CRITICAL_CARE'], licenceNumber: '115001141998174' },
      { key: 'xiang-xiaodong', name: '向晓东', department: 'GAST', title: 'ASSOCIATE_CHIEF_PHYSICIAN', specialties: ['GASTROENTEROLOGY', 'ENDOSCOPY', 'HEPATOLOGY'], licenceNumber: '115001142007211' },
      { key: 'gong-xuemei', name: '龚雪梅', department: 'ENDO', title: 'ASSOCIATE_CHIEF_PHYSICIAN', specialties: ['ENDOCRINOLOGY', 'DIABETES'], licenceNumber: '115001142008248' },
      { key: 'peng-lijuan', name: '彭丽娟', department: 'NEUR', title: 'ATTENDING_PHYSICIAN', specialties: ['NEUROLOGY', 'STROKE'], licenceNumber: '115001142016285' },
      { key: 'xie-yonggang', name: '谢永刚', department: 'ORTH', title: 'ATTENDING_PHYSICIAN', specialties: ['ORTHOPAEDICS', 'TRAUMA'], licenceNumber: '115001142011322' },
      { key: 'shu-ting', name: '舒婷', department: 'RAD', title: 'ATTENDING_PHYSICIAN', specialties: ['RADIOLOGY'], licenceNumber: '115001142012359' },
      { key: 'li-junjie', name: '李俊杰', department: 'ED', title: 'RESIDENT_PHYSICIAN', specialties: ['EMERGENCY'], licenceNumber: '115001142020396' },
    ],
  },

  // ---- 2 个专科医院 specialty hospitals ----
  { key: 'qj-tcm', name: '黔江区中医院', kind: 'SPECIALTY_HOSPITAL', tier: 'COUNTY', parentKey: 'qj-central', grade: '三级乙等', divisionCode: '500114003', address: '重庆市黔江区城西街道新华中路',
    departments: [
      { code: 'TCM-INT', name: '中医内科', specialty: 'TCM' },
      { code: 'GAST', name: '脾胃病科', specialty: 'GASTROENTEROLOGY' },
      { code: 'CARD', name: '心病科', specialty: 'CARDIOLOGY' },
      { code: 'ACUP', name: '针灸科', specialty: 'ACUPUNCTURE' },
      { code: 'TUINA', name: '推拿科', specialty: 'TUINA' },
      { code: 'TCM-ORTH', name: '骨伤科', specialty: 'ORTHOPAEDICS' },
      { code: 'REHAB', name: '康复医学科', specialty: 'REHABILITATION' },
      { code: 'RAD', name: '放射科', specialty: 'RADIOLOGY' },
    ],
    practitioners: [
      { key: 'he-zhenghua', name: '何正华', department: 'TCM-INT', title: 'CHIEF_PHYSICIAN', specialties: ['TCM', 'CHRONIC_DISEASE'], licenceNumber: '125001141999433' },
      { key: 'sun-zhiyong', name: '孙志勇', department: 'GAST', title: 'ASSOCIATE_CHIEF_PHYSICIAN', specialties: ['GASTROENTEROLOGY', 'TCM'], licenceNumber: '115001142008470' },
      { key: 'qin-xiaoyan', name: '秦晓燕', department: 'ACUP', title: 'ASSOCIATE_CHIEF_PHYSICIAN', specialties: ['ACUPUNCTURE', 'STROKE'], licenceNumber: '125001142009507' },
      { key: 'yang-tianming', name: '杨天明', department: 'TCM-ORTH', title: 'ATTENDING_PHYSICIAN', specialties: ['ORTHOPAEDICS', 'TCM'], licenceNumber: '125001142011544' },
      { key: 'qin-li', name: '覃丽', department: 'REHAB', title: 'ATTENDING_PHYSICIAN', specialties: ['REHABILITATION'], licenceNumber: '115001142012581' },
      { key: 'teng-jing', name: '滕静', department: 'TUINA', title: 'RESIDENT_PHYSICIAN', specialties: ['TUINA'], licenceNumber: '125001142020618' },
    ],
  },
  { key: 'qj-mch', name: '黔江区妇幼保健院', kind: 'SPECIALTY_HOSPITAL', tier: 'COUNTY', parentKey: 'qj-central', grade: '二级甲等', divisionCode: '500114001', address: '重庆市黔江区城东街道解放路',
    departments: [
      { code: 'OBST', name: '产科', specialty: 'OBSTETRICS' },
      { code: 'GYN', name: '妇科', specialty: 'GYNAECOLOGY' },
      { code: 'PED', name: '儿科', specialty: 'PAEDIATRICS' },
      { code: 'NEO', name: '新生儿科', specialty: 'NEONATOLOGY' },
      { code: 'CHILD-HC', name: '儿童保健科', specialty: 'CHILD_HEALTH' },
      { code: 'WOMEN-HC', name: '妇女保健科', specialty: 'WOMEN_HEALTH' },
      { code: 'US', name: '超声科', specialty: 'ULTRASOUND' },
    ],
    practitioners: [
      { key: 'zhang-min', name: '张敏', department: 'OBST', title: 'CHIEF_PHYSICIAN', specialties: ['OBSTETRICS', 'HIGH_RISK_PREGNANCY'], licenceNumber: '115001141999655' },
      { key: 'huang-chunyan', name: '黄春燕', department: 'GYN', title: 'ASSOCIATE_CHIEF_PHYSICIAN', specialties: ['GYNAECOLOGY'], licenceNumber: '115001142008692' },
      { key: 'liu-tao', name: '刘涛', department: 'PED', title: 'ATTENDING_PHYSICIAN', specialties: ['PAEDIATRICS'], licenceNumber: '115001142016729' },
      { key: 'zheng-xiaohong', name: '郑晓红', department: 'NEO', title: 'ATTENDING_PHYSICIAN', specialties: ['NEONATOLOGY'], licenceNumber: '115001142011766' },
      { key: 'jian-liping', name: '简丽萍', department: 'US', title: 'ATTENDING_PHYSICIAN', specialties: ['ULTRASOUND'], licenceNumber: '115001142012803' },
      { key: 'chen-qian', name: '陈倩', department: 'CHILD-HC', title: 'RESIDENT_PHYSICIAN', specialties: ['CHILD_HEALTH'], licenceNumber: '115001142020840' },
    ],
  },

  // ---- 2 个社区医院集团 community hospital groups and their 社区卫生服务中心 ----
  { key: 'qj-chg-east', name: '黔江区城东社区医院集团', kind: 'COMMUNITY_HOSPITAL_GROUP', tier: 'COUNTY', parentKey: 'qj-central', grade: '二级乙等', divisionCode: '500114001', address: '重庆市黔江区城东街道城东路',
    departments: [
      { code: 'GP', name: '全科医学科', specialty: 'GENERAL_PRACTICE' },
      { code: 'CHRONIC', name: '慢病管理科', specialty: 'CHRONIC_DISEASE' },
      { code: 'TCM', name: '中医科', specialty: 'TCM' },
      { code: 'REHAB', name: '康复医学科', specialty: 'REHABILITATION' },
      { code: 'PH', name: '公共卫生科', specialty: 'PUBLIC_HEALTH' },
      { code: 'RAD', name: '放射科', specialty: 'RADIOLOGY' },
    ],
    practitioners: [
      { key: 'wang-jianguo', name: '王建国', department: 'GP', title: 'ASSOCIATE_CHIEF_PHYSICIAN', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '115001142007877' },
      { key: 'jiang-yumei', name: '蒋玉梅', department: 'CHRONIC', title: 'ATTENDING_PHYSICIAN', specialties: ['CHRONIC_DISEASE', 'DIABETES'], licenceNumber: '115001142015914' },
      { key: 'wu-chengzhi', name: '吴承志', department: 'TCM', title: 'ATTENDING_PHYSICIAN', specialties: ['TCM'], licenceNumber: '125001142016951' },
      { key: 'zhou-lin', name: '周琳', department: 'REHAB', title: 'RESIDENT_PHYSICIAN', specialties: ['REHABILITATION'], licenceNumber: '115001142018988' },
    ],
  },
  { key: 'qj-chg-west', name: '黔江区城西社区医院集团', kind: 'COMMUNITY_HOSPITAL_GROUP', tier: 'COUNTY', parentKey: 'qj-central', grade: '二级乙等', divisionCode: '500114003', address: '重庆市黔江区城西街道城西大道',
    departments: [
      { code: 'GP', name: '全科医学科', specialty: 'GENERAL_PRACTICE' },
      { code: 'CHRONIC', name: '慢病管理科', specialty: 'CHRONIC_DISEASE' },
      { code: 'TCM', name: '中医科', specialty: 'TCM' },
      { code: 'REHAB', name: '康复医学科', specialty: 'REHABILITATION' },
      { code: 'PH', name: '公共卫生科', specialty: 'PUBLIC_HEALTH' },
      { code: 'ECG', name: '心电诊断科', specialty: 'ELECTROCARDIOGRAPHY' },
    ],
    practitioners: [
      { key: 'chen-dehua', name: '陈德华', department: 'GP', title: 'ASSOCIATE_CHIEF_PHYSICIAN', specialties: ['GENERAL_PRACTICE'], licenceNumber: '115001142005125' },
      { key: 'liu-xiaoyan', name: '刘晓燕', department: 'CHRONIC', title: 'ATTENDING_PHYSICIAN', specialties: ['CHRONIC_DISEASE', 'HYPERTENSION'], licenceNumber: '115001142013162' },
      { key: 'hou-yong', name: '侯勇', department: 'PH', title: 'ATTENDING_PHYSICIAN', specialties: ['PUBLIC_HEALTH'], licenceNumber: '115001142014199' },
      { key: 'fu-jia', name: '付佳', department: 'ECG', title: 'RESIDENT_PHYSICIAN', specialties: ['ELECTROCARDIOGRAPHY'], licenceNumber: '115001142022236' },
    ],
  },
  { key: 'chc-chengdong', name: '城东街道社区卫生服务中心', kind: 'COMMUNITY_HEALTH_CENTER', tier: 'TOWNSHIP', parentKey: 'qj-chg-east', grade: '一级甲等', divisionCode: '500114001', address: '重庆市黔江区城东街道书院路',
    departments: TOWNSHIP_DEPTS_4,
    practitioners: [
      { key: 'deng-lihua', name: '邓丽华', department: 'GP', title: 'ATTENDING_PHYSICIAN', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '115001142016273' },
      { key: 'luo-yong', name: '罗勇', department: 'TCM', title: 'RESIDENT_PHYSICIAN', specialties: ['TCM'], licenceNumber: '125001142018310' },
      { key: 'sun-xiaoli', name: '孙晓丽', department: 'PH', title: 'RESIDENT_PHYSICIAN', specialties: ['PUBLIC_HEALTH'], licenceNumber: '115001142019347' },
    ],
  },
  { key: 'chc-zhoubai', name: '舟白街道社区卫生服务中心', kind: 'COMMUNITY_HEALTH_CENTER', tier: 'TOWNSHIP', parentKey: 'qj-chg-east', grade: '一级甲等', divisionCode: '500114005', address: '重庆市黔江区舟白街道舟白大道',
    departments: TOWNSHIP_DEPTS_4,
    practitioners: [
      { key: 'tian-xiaobing', name: '田小兵', department: 'GP', title: 'ATTENDING_PHYSICIAN', specialties: ['GENERAL_PRACTICE'], licenceNumber: '115001142013384' },
      { key: 'yao-jing', name: '姚静', department: 'PH', title: 'RESIDENT_PHYSICIAN', specialties: ['PUBLIC_HEALTH'], licenceNumber: '115001142021421' },
    ],
  },
  { key: 'chc-chengxi', name: '城西街道社区卫生服务中心', kind: 'COMMUNITY_HEALTH_CENTER', tier: 'TOWNSHIP', parentKey: 'qj-chg-west', grade: '一级甲等', divisionCode: '500114003', address: '重庆市黔江区城西街道西山路',
    departments: TOWNSHIP_DEPTS_4,
    practitioners: [
      { key: 'ran-hong', name: '冉红', department: 'GP', title: 'ATTENDING_PHYSICIAN', specialties: ['GENERAL_PRACTICE', 'HYPERTENSION'], licenceNumber: '115001142015458' },
      { key: 'tang-zhigang', name: '唐志刚', department: 'REHAB', title: 'RESIDENT_PHYSICIAN', specialties: ['REHABILITATION'], licenceNumber: '115001142023495' },
    ],
  },
  { key: 'chc-zhengyang', name: '正阳街道社区卫生服务中心', kind: 'COMMUNITY_HEALTH_CENTER', tier: 'TOWNSHIP', parentKey: 'qj-chg-west', grade: '一级甲等', divisionCode: '500114004', address: '重庆市黔江区正阳街道正阳大道',
    departments: TOWNSHIP_DEPTS_4,
    practitioners: [
      { key: 'du-juan', name: '杜娟', department: 'GP', title: 'ATTENDING_PHYSICIAN', specialties: ['GENERAL_PRACTICE'], licenceNumber: '115001142011532' },
      { key: 'xiang-wei', name: '向伟', department: 'TCM', title: 'RESIDENT_PHYSICIAN', specialties: ['TCM'], licenceNumber: '125001142019569' },
      { key: 'mou-xiaolin', name: '牟晓林', department: 'PH', title: 'RESIDENT_PHYSICIAN', specialties: ['PUBLIC_HEALTH'], licenceNumber: '115001142020606' },
    ],
  },

  // ---- 4 个区域医疗卫生次中心 regional medical sub-centres ----
  { key: 'sc-zhuoshui', name: '黔江区濯水镇中心卫生院', kind: 'REGIONAL_SUBCENTER', tier: 'TOWNSHIP', parentKey: 'qj-central', grade: '二级乙等', divisionCode: '500114108', address: '重庆市黔江区濯水镇濯水社区',
    departments: TOWNSHIP_DEPTS_4,
    practitioners: [
      { key: 'peng-yuanzhi', name: '彭远志', department: 'GP', title: 'ASSOCIATE_CHIEF_PHYSICIAN', specialties: ['GENERAL_PRACTICE', 'EMERGENCY'], licenceNumber: '115001142007643' },
      { key: 'tian-xiulan', name: '田秀兰', department: 'TCM', title: 'ATTENDING_PHYSICIAN', specialties: ['TCM'], licenceNumber: '125001142015680' },
      { key: 'wang-tao', name: '汪涛', department: 'PH', title: 'RESIDENT_PHYSICIAN', specialties: ['PUBLIC_HEALTH'], licenceNumber: '115001142023717' },
    ],
  },
  { key: 'sc-shihui', name: '黔江区石会镇中心卫生院', kind: 'REGIONAL_SUBCENTER', tier: 'TOWNSHIP', parentKey: 'qj-central', grade: '二级乙等', divisionCode: '500114102', address: '重庆市黔江区石会镇石会社区',
    departments: TOWNSHIP_DEPTS_4,
    practitioners: [
      { key: 'he-jihong', name: '何继红', department: 'GP', title: 'ASSOCIATE_CHIEF_PHYSICIAN', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '115001142004754' },
      { key: 'ran-xiaofang', name: '冉小芳', department: 'REHAB', title: 'ATTENDING_PHYSICIAN', specialties: ['REHABILITATION'], licenceNumber: '115001142012791' },
      { key: 'li-jian', name: '李健', department: 'GP', title: 'RESIDENT_PHYSICIAN', specialties: ['GENERAL_PRACTICE'], licenceNumber: '115001142020828' },
    ],
  },
  { key: 'sc-linee', name: '黔江区邻鄂镇中心卫生院', kind: 'REGIONAL_SUBCENTER', tier: 'TOWNSHIP', parentKey: 'qj-central', grade: '二级乙等', divisionCode: '500114101', address: '重庆市黔江区邻鄂镇邻鄂社区',
    departments: TOWNSHIP_DEPTS_4,
    practitioners: [
      { key: 'gong-deming', name: '龚德明', department: 'GP', title: 'ASSOCIATE_CHIEF_PHYSICIAN', specialties: ['GENERAL_PRACTICE', 'HYPERTENSION'], licenceNumber: '115001142007865' },
      { key: 'xiang-chunmei', name: '向春梅', department: 'TCM', title: 'ATTENDING_PHYSICIAN', specialties: ['TCM'], licenceNumber: '125001142015902' },
      { key: 'yu-hai', name: '余海', department: 'PH', title: 'RESIDENT_PHYSICIAN', specialties: ['PUBLIC_HEALTH'], licenceNumber: '115001142023939' },
    ],
  },
  { key: 'sc-heixi', name: '黔江区黑溪镇中心卫生院', kind: 'REGIONAL_SUBCENTER', tier: 'TOWNSHIP', parentKey: 'qj-central', grade: '二级乙等', divisionCode: '500114103', address: '重庆市黔江区黑溪镇黑溪社区',
    departments: TOWNSHIP_DEPTS_4,
    practitioners: [
      { key: 'zhang-guoping', name: '张国平', department: 'GP', title: 'ASSOCIATE_CHIEF_PHYSICIAN', specialties: ['GENERAL_PRACTICE', 'DIABETES'], licenceNumber: '115001142004976' },
      { key: 'shi-xiaoli', name: '石晓丽', department: 'TCM', title: 'ATTENDING_PHYSICIAN', specialties: ['TCM'], licenceNumber: '125001142012113' },
      { key: 'huang-bin', name: '黄斌', department: 'REHAB', title: 'RESIDENT_PHYSICIAN', specialties: ['REHABILITATION'], licenceNumber: '115001142020150' },
    ],
  },

  // ---- 乡镇卫生院 under 邻鄂片区 (north-east, Hubei border) ----
  { key: 'thc-xiaonanhai', name: '黔江区小南海镇卫生院', kind: 'TOWNSHIP_HEALTH_CENTER', tier: 'TOWNSHIP', parentKey: 'sc-linee', grade: '一级甲等', divisionCode: '500114100', address: '重庆市黔江区小南海镇场镇',
    departments: TOWNSHIP_DEPTS_4,
    practitioners: [
      { key: 'tan-wei', name: '谭伟', department: 'GP', title: 'ATTENDING_PHYSICIAN', specialties: ['GENERAL_PRACTICE', 'HYPERTENSION'], licenceNumber: '115001142014187' },
      { key: 'luo-xiaomei', name: '罗小梅', department: 'PH', title: 'RESIDENT_PHYSICIAN', specialties: ['PUBLIC_HEALTH'], licenceNumber: '115001142022224' },
    ],
  },
  { key: 'thc-taiji', name: '黔江区太极乡卫生院', kind: 'TOWNSHIP_HEALTH_CENTER', tier: 'TOWNSHIP', parentKey: 'sc-linee', grade: '一级甲等', divisionCode: '500114203', address: '重庆市黔江区太极乡场镇',
    departments: TOWNSHIP_DEPTS_3,
    practitioners: [
      { key: 'yang-guanghui', name: '杨光辉', department: 'GP', title: 'ATTENDING_PHYSICIAN', specialties: ['GENERAL_PRACTICE'], licenceNumber: '115001142016261' },
      { key: 'chen-fang', name: '陈芳', department: 'TCM', title: 'RESIDENT_PHYSICIAN', specialties: ['TCM'], licenceNumber: '125001142018298' },
    ],
  },

  // ---- 乡镇卫生院 under 石会片区 (north) ----
  { key: 'thc-shijia', name: '黔江区石家镇卫生院', kind: 'TOWNSHIP_HEALTH_CENTER', tier: 'TOWNSHIP', parentKey: 'sc-shihui', grade: '一级甲等', divisionCode: '500114109', address: '重庆市黔江区石家镇场镇',
    departments: TOWNSHIP_DEPTS_4,
    practitioners: [
      { key: 'teng-xiaojun', name: '滕小军', department: 'GP', title: 'ATTENDING_PHYSICIAN', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '115001142012335' },
      { key: 'he-yan', name: '何燕', department: 'PH', title: 'RESIDENT_PHYSICIAN', specialties: ['PUBLIC_HEALTH'], licenceNumber: '115001142020372' },
    ],
  },
  { key: 'thc-shaba', name: '黔江区沙坝镇卫生院', kind: 'TOWNSHIP_HEALTH_CENTER', tier: 'TOWNSHIP', parentKey: 'sc-shihui', grade: '一级甲等', divisionCode: '500114112', address: '重庆市黔江区沙坝镇场镇',
    departments: TOWNSHIP_DEPTS_3,
    practitioners: [
      { key: 'pang-ming', name: '庞明', department: 'GP', title: 'ATTENDING_PHYSICIAN', specialties: ['GENERAL_PRACTICE'], licenceNumber: '115001142014409' },
      { key: 'ran-li', name: '冉丽', department: 'TCM', title: 'RESIDENT_PHYSICIAN', specialties: ['TCM'], licenceNumber: '125001142022446' },
    ],
  },
  { key: 'thc-pengdong', name: '黔江区蓬东乡卫生院', kind: 'TOWNSHIP_HEALTH_CENTER', tier: 'TOWNSHIP', parentKey: 'sc-shihui', grade: '一级甲等', divisionCode: '500114200', address: '重庆市黔江区蓬东乡场镇',
    departments: TOWNSHIP_DEPTS_3,
    practitioners: [
      { key: 'sun-guohua', name: '孙国华', department: 'GP', title: 'ATTENDING_PHYSICIAN', specialties: ['GENERAL_PRACTICE'], licenceNumber: '115001142016483' },
      { key: 'xiang-min', name: '向敏', department: 'PH', title: 'RESIDENT_PHYSICIAN', specialties: ['PUBLIC_HEALTH'], licenceNumber: '115001142018520' },
    ],
  },
  { key: 'thc-xinhua', name: '黔江区新华乡卫生院', kind: 'TOWNSHIP_HEALTH_CENTER', tier: 'TOWNSHIP', parentKey: 'sc-shihui', grade: '一级甲等', divisionCode: '500114201', address: '重庆市黔江区新华乡场镇',
    departments: TOWNSHIP_DEPTS_3,
    practitioners: [
      { key: 'wu-xing', name: '吴兴', department: 'GP', title: 'ATTENDING_PHYSICIAN', specialties: ['GENERAL_PRACTICE'], licenceNumber: '115001142012557' },
      { key: 'xie-fang', name: '谢芳', department: 'TCM', title: 'RESIDENT_PHYSICIAN', specialties: ['TCM'], licenceNumber: '125001142020594' },
    ],
  },

  // ---- 乡镇卫生院 under 黑溪片区 (west) ----
  { key: 'thc-huangxi', name: '黔江区黄溪镇卫生院', kind: 'TOWNSHIP_HEALTH_CENTER', tier: 'TOWNSHIP', parentKey: 'sc-heixi', grade: '一级甲等', divisionCode: '500114104', address: '重庆市黔江区黄溪镇场镇',
    departments: TOWNSHIP_DEPTS_4,
    practitioners: [
      { key: 'zheng-minghua', name: '郑明华', department: 'GP', title: 'ATTENDING_PHYSICIAN', specialties: ['GENERAL_PRACTICE', 'DIABETES'], licenceNumber: '115001142014631' },
      { key: 'tian-jing', name: '田静', department: 'PH', title: 'RESIDENT_PHYSICIAN', specialties: ['PUBLIC_HEALTH'], licenceNumber: '115001142022668' },
      { key: 'cheng-lei', name: '程磊', department: 'REHAB', title: 'RESIDENT_PHYSICIAN', specialties: ['REHABILITATION'], licenceNumber: '115001142023705' },
    ],
  },
  { key: 'thc-lishui', name: '黔江区黎水镇卫生院', kind: 'TOWNSHIP_HEALTH_CENTER', tier: 'TOWNSHIP', parentKey: 'sc-heixi', grade: '一级甲等', divisionCode: '500114105', address: '重庆市黔江区黎水镇场镇',
    departments: TOWNSHIP_DEPTS_3,
    practitioners: [
      { key: 'hou-jianjun', name: '侯建军', department: 'GP', title: 'ATTENDING_PHYSICIAN', specialties: ['GENERAL_PRACTICE'], licenceNumber: '115001142011742' },
      { key: 'shu-qin', name: '舒琴', department: 'TCM', title: 'RESIDENT_PHYSICIAN', specialties: ['TCM'], licenceNumber: '125001142019779' },
    ],
  },
  { key: 'thc-jinxi', name: '黔江区金溪镇卫生院', kind: 'TOWNSHIP_HEALTH_CENTER', tier: 'TOWNSHIP', parentKey: 'sc-heixi', grade: '一级甲等', divisionCode: '500114106', address: '重庆市黔江区金溪镇场镇',
    departments: TOWNSHIP_DEPTS_3,
    practitioners: [
      { key: 'qin-zhiqiang', name: '覃志强', department: 'GP', title: 'ATTENDING_PHYSICIAN', specialties: ['GENERAL_PRACTICE'], licenceNumber: '115001142013816' },
      { key: 'li-juan', name: '李娟', department: 'PH', title: 'RESIDENT_PHYSICIAN', specialties: ['PUBLIC_HEALTH'], licenceNumber: '115001142021853' },
    ],
  },
  { key: 'thc-shanling', name: '黔江区杉岭乡卫生院', kind: 'TOWNSHIP_HEALTH_CENTER', tier: 'TOWNSHIP', parentKey: 'sc-heixi', grade: '一级甲等', divisionCode: '500114202', address: '重庆市黔江区杉岭乡场镇',
    departments: TOWNSHIP_DEPTS_3,
    practitioners: [
      { key: 'ren-guoqing', name: '任国庆', department: 'GP', title: 'ATTENDING_PHYSICIAN', specialties: ['GENERAL_PRACTICE'], licenceNumber: '115001142015890' },
      { key: 'zhou-yan', name: '周燕', department: 'TCM', title: 'RESIDENT_PHYSICIAN', specialties: ['TCM'], licenceNumber: '125001142023927' },
    ],
  },
  { key: 'thc-wuli', name: '黔江区五里乡卫生院', kind: 'TOWNSHIP_HEALTH_CENTER', tier: 'TOWNSHIP', parentKey: 'sc-heixi', grade: '一级甲等', divisionCode: '500114207', address: '重庆市黔江区五里乡场镇',
    departments: TOWNSHIP_DEPTS_3,
    practitioners: [
      { key: 'huang-defu', name: '黄德富', department: 'GP', title: 'ATTENDING_PHYSICIAN', specialties: ['GENERAL_PRACTICE'], licenceNumber: '115001142011964' },
      { key: 'yang-li', name: '杨丽', department: 'PH', title: 'RESIDENT_PHYSICIAN', specialties: ['PUBLIC_HEALTH'], licenceNumber: '115001142019101' },
    ],
  },

  // ---- 乡镇卫生院 under 濯水片区 (south-west, 阿蓬江 valley) ----
  { key: 'thc-echi', name: '黔江区鹅池镇卫生院', kind: 'TOWNSHIP_HEALTH_CENTER', tier: 'TOWNSHIP', parentKey: 'sc-zhuoshui', grade: '一级甲等', divisionCode: '500114110', address: '重庆市黔江区鹅池镇场镇',
    departments: TOWNSHIP_DEPTS_4,
    practitioners: [
      { key: 'peng-xiao', name: '彭晓', department: 'GP', title: 'ATTENDING_PHYSICIAN', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '115001142013138' },
      { key: 'ran-xiu', name: '冉秀', department: 'TCM', title: 'RESIDENT_PHYSICIAN', specialties: ['TCM'], licenceNumber: '125001142021175' },
    ],
  },
  { key: 'thc-mala', name: '黔江区马喇镇卫生院', kind: 'TOWNSHIP_HEALTH_CENTER', tier: 'TOWNSHIP', parentKey: 'sc-zhuoshui', grade: '一级甲等', divisionCode: '500114107', address: '重庆市黔江区马喇镇场镇',
    departments: TOWNSHIP_DEPTS_3,
    practitioners: [
      { key: 'shi-yong', name: '石勇', department: 'GP', title: 'ATTENDING_PHYSICIAN', specialties: ['GENERAL_PRACTICE'], licenceNumber: '115001142015212' },
      { key: 'gong-li', name: '龚丽', department: 'PH', title: 'RESIDENT_PHYSICIAN', specialties: ['PUBLIC_HEALTH'], licenceNumber: '115001142023249' },
      { key: 'zeng-hao', name: '曾浩', department: 'TCM', title: 'RESIDENT_PHYSICIAN', specialties: ['TCM'], licenceNumber: '125001142018286' },
    ],
  },
  { key: 'thc-apengjiang', name: '黔江区阿蓬江镇卫生院', kind: 'TOWNSHIP_HEALTH_CENTER', tier: 'TOWNSHIP', parentKey: 'sc-zhuoshui', grade: '一级甲等', divisionCode: '500114111', address: '重庆市黔江区阿蓬江镇场镇',
    departments: TOWNSHIP_DEPTS_3,
    practitioners: [
      { key: 'jian-hua', name: '简华', department: 'GP', title: 'ATTENDING_PHYSICIAN', specialties: ['GENERAL_PRACTICE'], licenceNumber: '115001142012323' },
      { key: 'tian-fang', name: '田芳', department: 'TCM', title: 'RESIDENT_PHYSICIAN', specialties: ['TCM'], licenceNumber: '125001142020360' },
    ],
  },
  { key: 'thc-baishi', name: '黔江区白石镇卫生院', kind: 'TOWNSHIP_HEALTH_CENTER', tier: 'TOWNSHIP', parentKey: 'sc-zhuoshui', grade: '一级甲等', divisionCode: '500114113', address: '重庆市黔江区白石镇场镇',
    departments: TOWNSHIP_DEPTS_3,
    practitioners: [
      { key: 'pu-jian', name: '蒲建', department: 'GP', title: 'ATTENDING_PHYSICIAN', specialties: ['GENERAL_PRACTICE'], licenceNumber: '115001142014397' },
      { key: 'he-lin', name: '何琳', department: 'PH', title: 'RESIDENT_PHYSICIAN', specialties: ['PUBLIC_HEALTH'], licenceNumber: '115001142022434' },
    ],
  },
  { key: 'thc-zhongtang', name: '黔江区中塘镇卫生院', kind: 'TOWNSHIP_HEALTH_CENTER', tier: 'TOWNSHIP', parentKey: 'sc-zhuoshui', grade: '一级甲等', divisionCode: '500114114', address: '重庆市黔江区中塘镇场镇',
    departments: TOWNSHIP_DEPTS_3,
    practitioners: [
      { key: 'wan-qiang', name: '万强', department: 'GP', title: 'ATTENDING_PHYSICIAN', specialties: ['GENERAL_PRACTICE'], licenceNumber: '115001142016471' },
      { key: 'xiang-li', name: '向丽', department: 'TCM', title: 'RESIDENT_PHYSICIAN', specialties: ['TCM'], licenceNumber: '125001142018508' },
    ],
  },

  // ---- 村卫生室 in 邻鄂片区 (north-east, Hubei border) ----
  { key: 'vc-linee-songlin', name: '邻鄂镇松林村卫生室', kind: 'VILLAGE_CLINIC', tier: 'VILLAGE', parentKey: 'sc-linee', divisionCode: '500114101200', address: '重庆市黔江区邻鄂镇松林村',
    departments: VILLAGE_DEPTS, practitioners: [{ key: 'ran-maocai', name: '冉茂才', department: 'GP', title: 'VILLAGE_DOCTOR', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '215001142003545' }] },
  { key: 'vc-linee-gaobei', name: '邻鄂镇高碑村卫生室', kind: 'VILLAGE_CLINIC', tier: 'VILLAGE', parentKey: 'sc-linee', divisionCode: '500114101201', address: '重庆市黔江区邻鄂镇高碑村',
    departments: VILLAGE_DEPTS, practitioners: [{ key: 'xiang-desheng', name: '向德胜', department: 'GP', title: 'VILLAGE_DOCTOR', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '215001142004582' }] },
  { key: 'vc-linee-matian', name: '邻鄂镇麻田村卫生室', kind: 'VILLAGE_CLINIC', tier: 'VILLAGE', parentKey: 'sc-linee', divisionCode: '500114101202', address: '重庆市黔江区邻鄂镇麻田村',
    departments: VILLAGE_DEPTS, practitioners: [{ key: 'tian-yuzhen', name: '田玉珍', department: 'GP', title: 'VILLAGE_DOCTOR', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '215001142005619' }] },
  { key: 'vc-xiaonanhai-xinjian', name: '小南海镇新建村卫生室', kind: 'VILLAGE_CLINIC', tier: 'VILLAGE', parentKey: 'thc-xiaonanhai', divisionCode: '500114100200', address: '重庆市黔江区小南海镇新建村',
    departments: VILLAGE_DEPTS, practitioners: [{ key: 'gong-chengfu', name: '龚成富', department: 'GP', title: 'VILLAGE_DOCTOR', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '215001142006656' }] },
  { key: 'vc-xiaonanhai-banjia', name: '小南海镇板夹村卫生室', kind: 'VILLAGE_CLINIC', tier: 'VILLAGE', parentKey: 'thc-xiaonanhai', divisionCode: '500114100201', address: '重庆市黔江区小南海镇板夹村',
    departments: VILLAGE_DEPTS, practitioners: [{ key: 'peng-shiyou', name: '彭世友', department: 'GP', title: 'VILLAGE_DOCTOR', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '215001142007693' }] },
  { key: 'vc-taiji-lizi', name: '太极乡李子村卫生室', kind: 'VILLAGE_CLINIC', tier: 'VILLAGE', parentKey: 'thc-taiji', divisionCode: '500114203200', address: '重庆市黔江区太极乡李子村',
    departments: VILLAGE_DEPTS, practitioners: [{ key: 'xie-guoan', name: '谢国安', department: 'GP', title: 'VILLAGE_DOCTOR', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '215001142002730' }] },

  // ---- 村卫生室 in 石会片区 (north) ----
  { key: 'vc-shihui-wuling', name: '石会镇武陵村卫生室', kind: 'VILLAGE_CLINIC', tier: 'VILLAGE', parentKey: 'sc-shihui', divisionCode: '500114102200', address: '重庆市黔江区石会镇武陵村',
    departments: VILLAGE_DEPTS, practitioners: [{ key: 'he-zonghua', name: '何宗华', department: 'GP', title: 'VILLAGE_DOCTOR', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '215001142003767' }] },
  { key: 'vc-shihui-zhongyuan', name: '石会镇中元村卫生室', kind: 'VILLAGE_CLINIC', tier: 'VILLAGE', parentKey: 'sc-shihui', divisionCode: '500114102201', address: '重庆市黔江区石会镇中元村',
    departments: VILLAGE_DEPTS, practitioners: [{ key: 'ran-qiming', name: '冉启明', department: 'GP', title: 'VILLAGE_DOCTOR', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '215001142004804' }] },
  { key: 'vc-shihui-guankou', name: '石会镇关口村卫生室', kind: 'VILLAGE_CLINIC', tier: 'VILLAGE', parentKey: 'sc-shihui', divisionCode: '500114102202', address: '重庆市黔江区石会镇关口村',
    departments: VILLAGE_DEPTS, practitioners: [{ key: 'yang-xiuzhen', name: '杨秀珍', department: 'GP', title: 'VILLAGE_DOCTOR', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '215001142005841' }] },
  { key: 'vc-shijia-shiyuan', name: '石家镇石院村卫生室', kind: 'VILLAGE_CLINIC', tier: 'VILLAGE', parentKey: 'thc-shijia', divisionCode: '500114109200', address: '重庆市黔江区石家镇石院村',
    departments: VILLAGE_DEPTS, practitioners: [{ key: 'teng-jiafu', name: '滕家富', department: 'GP', title: 'VILLAGE_DOCTOR', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '215001142006878' }] },
  { key: 'vc-shijia-shuanghe', name: '石家镇双河村卫生室', kind: 'VILLAGE_CLINIC', tier: 'VILLAGE', parentKey: 'thc-shijia', divisionCode: '500114109201', address: '重庆市黔江区石家镇双河村',
    departments: VILLAGE_DEPTS, practitioners: [{ key: 'pang-dequan', name: '庞德全', department: 'GP', title: 'VILLAGE_DOCTOR', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '215001142007915' }] },
  { key: 'vc-shaba-muliang', name: '沙坝镇木良村卫生室', kind: 'VILLAGE_CLINIC', tier: 'VILLAGE', parentKey: 'thc-shaba', divisionCode: '500114112200', address: '重庆市黔江区沙坝镇木良村',
    departments: VILLAGE_DEPTS, practitioners: [{ key: 'wu-shijun', name: '吴世军', department: 'GP', title: 'VILLAGE_DOCTOR', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '215001142002952' }] },
  { key: 'vc-pengdong-dazhuang', name: '蓬东乡大庄村卫生室', kind: 'VILLAGE_CLINIC', tier: 'VILLAGE', parentKey: 'thc-pengdong', divisionCode: '500114200200', address: '重庆市黔江区蓬东乡大庄村',
    departments: VILLAGE_DEPTS, practitioners: [{ key: 'sun-deming', name: '孙德明', department: 'GP', title: 'VILLAGE_DOCTOR', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '215001142003989' }] },

  // ---- 村卫生室 in 黑溪片区 (west) ----
  { key: 'vc-heixi-shengdi', name: '黑溪镇胜地村卫生室', kind: 'VILLAGE_CLINIC', tier: 'VILLAGE', parentKey: 'sc-heixi', divisionCode: '500114103200', address: '重庆市黔江区黑溪镇胜地村',
    departments: VILLAGE_DEPTS, practitioners: [{ key: 'zhang-guangrong', name: '张光荣', department: 'GP', title: 'VILLAGE_DOCTOR', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '215001142004126' }] },
  { key: 'vc-heixi-nanmu', name: '黑溪镇楠木村卫生室', kind: 'VILLAGE_CLINIC', tier: 'VILLAGE', parentKey: 'sc-heixi', divisionCode: '500114103201', address: '重庆市黔江区黑溪镇楠木村',
    departments: VILLAGE_DEPTS, practitioners: [{ key: 'shi-kaifu', name: '石开富', department: 'GP', title: 'VILLAGE_DOCTOR', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '215001142005163' }] },
  { key: 'vc-huangxi-huangxi', name: '黄溪镇黄溪村卫生室', kind: 'VILLAGE_CLINIC', tier: 'VILLAGE', parentKey: 'thc-huangxi', divisionCode: '500114104200', address: '重庆市黔江区黄溪镇黄溪村',
    departments: VILLAGE_DEPTS, practitioners: [{ key: 'zheng-deqiong', name: '郑德琼', department: 'GP', title: 'VILLAGE_DOCTOR', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '215001142006200' }] },
  { key: 'vc-lishui-lishui', name: '黎水镇黎水村卫生室', kind: 'VILLAGE_CLINIC', tier: 'VILLAGE', parentKey: 'thc-lishui', divisionCode: '500114105200', address: '重庆市黔江区黎水镇黎水村',
    departments: VILLAGE_DEPTS, practitioners: [{ key: 'hou-zhengxing', name: '侯正兴', department: 'GP', title: 'VILLAGE_DOCTOR', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '215001142007237' }] },
  { key: 'vc-lishui-lianhe', name: '黎水镇联合村卫生室', kind: 'VILLAGE_CLINIC', tier: 'VILLAGE', parentKey: 'thc-lishui', divisionCode: '500114105201', address: '重庆市黔江区黎水镇联合村',
    departments: VILLAGE_DEPTS, practitioners: [{ key: 'shu-dayong', name: '舒大勇', department: 'GP', title: 'VILLAGE_DOCTOR', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '215001142002274' }] },
  { key: 'vc-jinxi-qingshui', name: '金溪镇清水村卫生室', kind: 'VILLAGE_CLINIC', tier: 'VILLAGE', parentKey: 'thc-jinxi', divisionCode: '500114106200', address: '重庆市黔江区金溪镇清水村',
    departments: VILLAGE_DEPTS, practitioners: [{ key: 'qin-jiaming', name: '覃家明', department: 'GP', title: 'VILLAGE_DOCTOR', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '215001142003311' }] },
  { key: 'vc-shanling-shanling', name: '杉岭乡杉岭村卫生室', kind: 'VILLAGE_CLINIC', tier: 'VILLAGE', parentKey: 'thc-shanling', divisionCode: '500114202200', address: '重庆市黔江区杉岭乡杉岭村',
    departments: VILLAGE_DEPTS, practitioners: [{ key: 'ren-yonghua', name: '任永华', department: 'GP', title: 'VILLAGE_DOCTOR', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '215001142004348' }] },

  // ---- 村卫生室 in 濯水片区 (south-west, 阿蓬江 valley) ----
  { key: 'vc-zhuoshui-puhua', name: '濯水镇蒲花村卫生室', kind: 'VILLAGE_CLINIC', tier: 'VILLAGE', parentKey: 'sc-zhuoshui', divisionCode: '500114108200', address: '重庆市黔江区濯水镇蒲花村',
    departments: VILLAGE_DEPTS, practitioners: [{ key: 'tian-maolin', name: '田茂林', department: 'GP', title: 'VILLAGE_DOCTOR', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '215001142005385' }] },
  { key: 'vc-zhuoshui-zhuoshui', name: '濯水镇濯水村卫生室', kind: 'VILLAGE_CLINIC', tier: 'VILLAGE', parentKey: 'sc-zhuoshui', divisionCode: '500114108201', address: '重庆市黔江区濯水镇濯水村',
    departments: VILLAGE_DEPTS, practitioners: [{ key: 'peng-yulan', name: '彭玉兰', department: 'GP', title: 'VILLAGE_DOCTOR', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '215001142006422' }] },
  { key: 'vc-zhuoshui-shuanglong', name: '濯水镇双龙村卫生室', kind: 'VILLAGE_CLINIC', tier: 'VILLAGE', parentKey: 'sc-zhuoshui', divisionCode: '500114108202', address: '重庆市黔江区濯水镇双龙村',
    departments: VILLAGE_DEPTS, practitioners: [{ key: 'luo-chenggui', name: '罗成贵', department: 'GP', title: 'VILLAGE_DOCTOR', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '215001142007459' }] },
  { key: 'vc-echi-nanxi', name: '鹅池镇南溪村卫生室', kind: 'VILLAGE_CLINIC', tier: 'VILLAGE', parentKey: 'thc-echi', divisionCode: '500114110200', address: '重庆市黔江区鹅池镇南溪村',
    departments: VILLAGE_DEPTS, practitioners: [{ key: 'he-dalin', name: '何大林', department: 'GP', title: 'VILLAGE_DOCTOR', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '215001142002496' }] },
  { key: 'vc-echi-echi', name: '鹅池镇鹅池村卫生室', kind: 'VILLAGE_CLINIC', tier: 'VILLAGE', parentKey: 'thc-echi', divisionCode: '500114110201', address: '重庆市黔江区鹅池镇鹅池村',
    departments: VILLAGE_DEPTS, practitioners: [{ key: 'ran-cuihua', name: '冉翠华', department: 'GP', title: 'VILLAGE_DOCTOR', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '215001142003533' }] },
  { key: 'vc-mala-yinshan', name: '马喇镇印山村卫生室', kind: 'VILLAGE_CLINIC', tier: 'VILLAGE', parentKey: 'thc-mala', divisionCode: '500114107200', address: '重庆市黔江区马喇镇印山村',
    departments: VILLAGE_DEPTS, practitioners: [{ key: 'jian-shichang', name: '简世昌', department: 'GP', title: 'VILLAGE_DOCTOR', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '215001142004570' }] },
  { key: 'vc-apengjiang-daping', name: '阿蓬江镇大坪村卫生室', kind: 'VILLAGE_CLINIC', tier: 'VILLAGE', parentKey: 'thc-apengjiang', divisionCode: '500114111200', address: '重庆市黔江区阿蓬江镇大坪村',
    departments: VILLAGE_DEPTS, practitioners: [{ key: 'xie-deyou', name: '谢德友', department: 'GP', title: 'VILLAGE_DOCTOR', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '215001142005607' }] },
  { key: 'vc-apengjiang-lianghe', name: '阿蓬江镇两河村卫生室', kind: 'VILLAGE_CLINIC', tier: 'VILLAGE', parentKey: 'thc-apengjiang', divisionCode: '500114111201', address: '重庆市黔江区阿蓬江镇两河村',
    departments: VILLAGE_DEPTS, practitioners: [{ key: 'gong-qihua', name: '龚其华', department: 'GP', title: 'VILLAGE_DOCTOR', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '215001142006644' }] },
  { key: 'vc-baishi-xinmin', name: '白石镇新民村卫生室', kind: 'VILLAGE_CLINIC', tier: 'VILLAGE', parentKey: 'thc-baishi', divisionCode: '500114113200', address: '重庆市黔江区白石镇新民村',
    departments: VILLAGE_DEPTS, practitioners: [{ key: 'pu-zhengqing', name: '蒲正清', department: 'GP', title: 'VILLAGE_DOCTOR', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '215001142007681' }] },
  { key: 'vc-zhongtang-xingquan', name: '中塘镇兴泉村卫生室', kind: 'VILLAGE_CLINIC', tier: 'VILLAGE', parentKey: 'thc-zhongtang', divisionCode: '500114114200', address: '重庆市黔江区中塘镇兴泉村',
    departments: VILLAGE_DEPTS, practitioners: [{ key: 'wan-yongfu', name: '万永福', department: 'GP', title: 'VILLAGE_DOCTOR', specialties: ['GENERAL_PRACTICE', 'CHRONIC_DISEASE'], licenceNumber: '215001142002718' }] },

  // ---- 域外合作医院 partner hospitals (outside the consortium tree) ----
  { key: 'wchscu', name: '四川大学华西医院', kind: 'PARTNER_HOSPITAL', tier: 'EXTERNAL', parentKey: null, grade: '三级甲等', divisionCode: '510107', address: '四川省成都市武侯区国学巷37号',
    departments: [
      { code: 'GAST', name: '消化内科', specialty: 'GASTROENTEROLOGY' },
      { code: 'CARD', name: '心血管内科', specialty: 'CARDIOLOGY' },
      { code: 'NEUR', name: '神经内科', specialty: 'NEUROLOGY' },
      { code: 'ICU', name: '重症医学科', specialty: 'CRITICAL_CARE' },
      { code: 'RAD', name: '放射科', specialty: 'RADIOLOGY' },
      { code: 'PATH', name: '病理科', specialty: 'PATHOLOGY' },
    ],
    practitioners: [
      { key: 'luo-xuefeng', name: '罗薛峰', department: 'GAST', title: 'CHIEF_PHYSICIAN', specialties: ['HEPATOLOGY', 'INTERVENTIONAL_RADIOLOGY', 'PORTAL_HYPERTENSION', 'TIPS'], licenceNumber: '115101071997755' },
      { key: 'zhang-yan', name: '张燕', department: 'ICU', title: 'CHIEF_PHYSICIAN', specialties: ['CRITICAL_CARE'], licenceNumber: '115101071998792' },
      { key: 'yang-jinlin', name: '杨锦林', department: 'GAST', title: 'CHIEF_PHYSICIAN', specialties: ['GASTROENTEROLOGY', 'ENDOSCOPY'], licenceNumber: '115101071999829' },
      { key: 'li-zhiyuan', name: '李志远', department: 'CARD', title: 'ASSOCIATE_CHIEF_PHYSICIAN', specialties: ['CARDIOLOGY', 'INTERVENTIONAL_CARDIOLOGY'], licenceNumber: '115101072008866' },
      { key: 'chen-siyu', name: '陈思雨', department: 'RAD', title: 'ASSOCIATE_CHIEF_PHYSICIAN', specialties: ['RADIOLOGY'], licenceNumber: '115101072009903' },
      { key: 'wang-haiying', name: '王海鹰', department: 'PATH', title: 'CHIEF_PHYSICIAN', specialties: ['PATHOLOGY'], licenceNumber: '115101071996940' },
    ],
  },
  { key: 'pumch', name: '北京协和医院', kind: 'PARTNER_HOSPITAL', tier: 'EXTERNAL', parentKey: null, grade: '三级甲等', divisionCode: '110101', address: '北京市东城区帅府园1号',
    departments: [
      { code: 'GAST', name: '消化内科', specialty: 'GASTROENTEROLOGY' },
      { code: 'CARD', name: '心血管内科', specialty: 'CARDIOLOGY' },
      { code: 'NEUR', name: '神经内科', specialty: 'NEUROLOGY' },
      { code: 'ENDO', name: '内分泌科', specialty: 'ENDOCRINOLOGY' },
      { code: 'RAD', name: '放射科', specialty: 'RADIOLOGY' },
      { code: 'PATH', name: '病理科', specialty: 'PATHOLOGY' },
    ],
    practitioners: [
      { key: 'zhao-wenbo', name: '赵文博', department: 'CARD', title: 'CHIEF_PHYSICIAN', specialties: ['CARDIOLOGY', 'HEART_FAILURE'], licenceNumber: '111101011997977' },
      { key: 'meng-lin', name: '孟琳', department: 'ENDO', title: 'CHIEF_PHYSICIAN', specialties: ['ENDOCRINOLOGY', 'DIABETES'], licenceNumber: '111101011998114' },
      { key: 'qian-zhihua', name: '钱志华', department: 'NEUR', title: 'ASSOCIATE_CHIEF_PHYSICIAN', specialties: ['NEUROLOGY', 'STROKE'], licenceNumber: '111101012007151' },
      { key: 'gu-chen', name: '顾晨', department: 'RAD', title: 'CHIEF_PHYSICIAN', specialties: ['RADIOLOGY'], licenceNumber: '111101012000188' },
      { key: 'shen-yue', name: '沈悦', department: 'PATH', title: 'ASSOCIATE_CHIEF_PHYSICIAN', specialties: ['PATHOLOGY'], licenceNumber: '111101012009225' },
    ],
  },
  { key: 'cqmu-fah', name: '重庆医科大学附属第一医院', kind: 'PARTNER_HOSPITAL', tier: 'EXTERNAL', parentKey: null, grade: '三级甲等', divisionCode: '500103', address: '重庆市渝中区袁家岗友谊路1号',
    departments: [
      { code: 'GAST', name: '消化内科', specialty: 'GASTROENTEROLOGY' },
      { code: 'CARD', name: '心血管内科', specialty: 'CARDIOLOGY' },
      { code: 'NEUR', name: '神经内科', specialty: 'NEUROLOGY' },
      { code: 'RESP', name: '呼吸与危重症医学科', specialty: 'PULMONOLOGY' },
      { code: 'RAD', name: '放射科', specialty: 'RADIOLOGY' },
      { code: 'PATH', name: '病理科', specialty: 'PATHOLOGY' },
    ],
    practitioners: [
      { key: 'tang-xiaofeng', name: '唐晓峰', department: 'GAST', title: 'CHIEF_PHYSICIAN', specialties: ['GASTROENTEROLOGY', 'HEPATOLOGY'], licenceNumber: '115001031996262' },
      { key: 'jiang-li', name: '蒋莉', department: 'CARD', title: 'ASSOCIATE_CHIEF_PHYSICIAN', specialties: ['CARDIOLOGY'], licenceNumber: '115001032005299' },
      { key: 'zou-ming', name: '邹明', department: 'NEUR', title: 'CHIEF_PHYSICIAN', specialties: ['NEUROLOGY', 'STROKE'], licenceNumber: '115001031998336' },
      { key: 'xu-guodong', name: '许国栋', department: 'RESP', title: 'CHIEF_PHYSICIAN', specialties: ['PULMONOLOGY', 'COPD'], licenceNumber: '115001031999373' },
      { key: 'zeng-xue', name: '曾雪', department: 'PATH', title: 'ASSOCIATE_CHIEF_PHYSICIAN', specialties: ['PATHOLOGY'], licenceNumber: '115001032008410' },
    ],
  },
];

export const PATIENTS: SeedPatient[] = [
  { key: 'pt-ran-guangming', name: '冉光明', sex: 'MALE', birthDate: '1952-03-14', idNumber: '500114195203140316', phone: '13896412307', residenceDivisionCode: '500114101200', chronicConditions: ['HYPERTENSION', 'DIABETES_T2'], contract: { institutionKey: 'vc-linee-songlin', practitionerKey: 'ran-maocai', signedOn: '2023-03-15' }, registeredAtKey: 'vc-linee-songlin' },
  { key: 'pt-xiang-xiuying', name: '向秀英', sex: 'FEMALE', birthDate: '1948-11-02', idNumber: '500114194811020620', phone: '15923875146', residenceDivisionCode: '500114108200', chronicConditions: ['HYPERTENSION', 'CORONARY_HEART_DISEASE'], contract: { institutionKey: 'vc-zhuoshui-puhua', practitionerKey: 'tian-maolin', signedOn: '2022-04-08' }, registeredAtKey: 'vc-zhuoshui-puhua' },
  { key: 'pt-tian-degui', name: '田德贵', sex: 'MALE', birthDate: '1945-06-21', idNumber: '50011419450621017X', phone: '13594061728', residenceDivisionCode: '500114102200', chronicConditions: ['COPD'], contract: { institutionKey: 'vc-shihui-wuling', practitionerKey: 'he-zonghua', signedOn: '2022-05-20' }, registeredAtKey: 'vc-shihui-wuling' },
  { key: 'pt-peng-chunhua', name: '彭春花', sex: 'FEMALE', birthDate: '1960-01-30', idNumber: '500114196001301286', phone: '18323567014', residenceDivisionCode: '500114103200', chronicConditions: ['DIABETES_T2'], contract: { institutionKey: 'vc-heixi-shengdi', practitionerKey: 'zhang-guangrong', signedOn: '2023-06-02' }, registeredAtKey: 'vc-heixi-shengdi' },
  { key: 'pt-gong-taiping', name: '龚太平', sex: 'MALE', birthDate: '1956-08-08', idNumber: '500114195608082134', phone: '13709438251', residenceDivisionCode: '500114100200', chronicConditions: ['STROKE_SEQUELAE', 'HYPERTENSION'], contract: { institutionKey: 'vc-xiaonanhai-xinjian', practitionerKey: 'gong-chengfu', signedOn: '2023-02-27' }, registeredAtKey: 'vc-xiaonanhai-xinjian' },
  { key: 'pt-he-yulan', name: '何玉兰', sex: 'FEMALE', birthDate: '1953-04-17', idNumber: '500114195304170469', phone: '15730190862', residenceDivisionCode: '500114110200', chronicConditions: ['HYPERTENSION', 'CKD'], contract: { institutionKey: 'vc-echi-nanxi', practitionerKey: 'he-dalin', signedOn: '2022-09-13' }, registeredAtKey: 'vc-echi-nanxi' },
  { key: 'pt-xie-mingqing', name: '谢明清', sex: 'MALE', birthDate: '1966-12-05', idNumber: '500114196612050754', phone: '18725061934', residenceDivisionCode: '500114111200', chronicConditions: ['HYPERTENSION'], contract: { institutionKey: 'vc-apengjiang-daping', practitionerKey: 'xie-deyou', signedOn: '2024-03-11' }, registeredAtKey: 'vc-apengjiang-daping' },
  { key: 'pt-qin-guifang', name: '覃桂芳', sex: 'FEMALE', birthDate: '1971-09-23', idNumber: '500114197109230840', phone: '13983275640', residenceDivisionCode: '500114105200', chronicConditions: ['DIABETES_T2', 'HYPERTENSION'], contract: { institutionKey: 'vc-lishui-lishui', practitionerKey: 'hou-zhengxing', signedOn: '2023-07-19' }, registeredAtKey: 'vc-lishui-lishui' },
  { key: 'pt-teng-jianhua', name: '滕建华', sex: 'MALE', birthDate: '1958-02-11', idNumber: '50011419580211059X', phone: '15178906423', residenceDivisionCode: '500114109201', chronicConditions: ['COPD', 'CORONARY_HEART_DISEASE'], contract: { institutionKey: 'vc-shijia-shuanghe', practitionerKey: 'pang-dequan', signedOn: '2022-11-04' }, registeredAtKey: 'vc-shijia-shuanghe' },
  { key: 'pt-shu-fengying', name: '舒凤英', sex: 'FEMALE', birthDate: '1942-07-29', idNumber: '500114194207290261', phone: '13647752918', residenceDivisionCode: '500114107200', chronicConditions: ['STROKE_SEQUELAE', 'HYPERTENSION'], contract: { institutionKey: 'vc-mala-yinshan', practitionerKey: 'jian-shichang', signedOn: '2023-01-09' }, registeredAtKey: 'vc-mala-yinshan' },
  { key: 'pt-hou-changlin', name: '侯长林', sex: 'MALE', birthDate: '1963-05-06', idNumber: '500114196305061912', phone: '18996530287', residenceDivisionCode: '500114106200', chronicConditions: ['CKD', 'DIABETES_T2'], contract: { institutionKey: 'vc-jinxi-qingshui', practitionerKey: 'qin-jiaming', signedOn: '2024-01-22' }, registeredAtKey: 'vc-jinxi-qingshui' },
  { key: 'pt-yang-xiaoqin', name: '杨小琴', sex: 'FEMALE', birthDate: '1979-10-18', idNumber: '500114197910181087', phone: '17783129405', residenceDivisionCode: '500114104200', chronicConditions: ['HYPERTENSION'], contract: { institutionKey: 'thc-huangxi', practitionerKey: 'zheng-minghua', signedOn: '2024-05-06' }, registeredAtKey: 'thc-huangxi' },
  { key: 'pt-luo-yongfu', name: '罗永富', sex: 'MALE', birthDate: '1949-03-03', idNumber: '500114194903030332', phone: '13452798061', residenceDivisionCode: '500114113200', chronicConditions: ['COPD', 'HYPERTENSION'], contract: { institutionKey: 'vc-baishi-xinmin', practitionerKey: 'pu-zhengqing', signedOn: '2022-06-30' }, registeredAtKey: 'vc-baishi-xinmin' },
  { key: 'pt-zhang-hongmei', name: '张红梅', sex: 'FEMALE', birthDate: '1985-06-12', idNumber: '500114198506121407', phone: '18580237916', residenceDivisionCode: '500114001003', chronicConditions: ['DIABETES_T2'], contract: { institutionKey: 'chc-chengdong', practitionerKey: 'deng-lihua', signedOn: '2024-04-16' }, registeredAtKey: 'chc-chengdong' },
  { key: 'pt-wu-guoqiang', name: '吴国强', sex: 'MALE', birthDate: '1944-09-09', idNumber: '500114194409090110', phone: '13368491027', residenceDivisionCode: '500114112200', chronicConditions: ['CORONARY_HEART_DISEASE', 'HYPERTENSION'], contract: { institutionKey: 'vc-shaba-muliang', practitionerKey: 'wu-shijun', signedOn: '2022-08-25' }, registeredAtKey: 'vc-shaba-muliang' },
  { key: 'pt-pang-xiaoyu', name: '庞小雨', sex: 'FEMALE', birthDate: '2008-04-25', idNumber: '500114200804252026', phone: '19922846513', residenceDivisionCode: '500114114200', chronicConditions: [], registeredAtKey: 'vc-zhongtang-xingquan' },
  { key: 'pt-shi-yongkang', name: '石永康', sex: 'MALE', birthDate: '1970-11-11', idNumber: '500114197011110955', phone: '15086743912', residenceDivisionCode: '500114203200', chronicConditions: ['HYPERTENSION'], contract: { institutionKey: 'thc-taiji', practitionerKey: 'yang-guanghui', signedOn: '2023-10-12' }, registeredAtKey: 'vc-taiji-lizi' },
  { key: 'pt-tian-cuilan', name: '田翠兰', sex: 'FEMALE', birthDate: '1961-08-30', idNumber: '500242196108300647', phone: '18223410659', residenceDivisionCode: '500114108201', chronicConditions: ['DIABETES_T2', 'CKD'], contract: { institutionKey: 'sc-zhuoshui', practitionerKey: 'peng-yuanzhi', signedOn: '2023-05-18' }, registeredAtKey: 'sc-zhuoshui' },
];
