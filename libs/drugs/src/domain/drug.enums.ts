import { registerEnumType } from '@nestjs/graphql';

export enum DrugCodeStatus {
  ACTIVE = 'ACTIVE',
  RETIRED = 'RETIRED',
}

export enum DrugKind {
  X = 'X',
  Z = 'Z',
}

/** 医保甲类 / 乙类. */
export enum InsuranceClass {
  A = 'A',
  B = 'B',
}

export enum ImportStatus {
  /** A catalogue upload whose bytes are still arriving. */
  UPLOADING = 'UPLOADING',
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  DONE = 'DONE',
  SKIPPED = 'SKIPPED',
  FAILED = 'FAILED',
}

export enum ImportFormat {
  CSV = 'CSV',
  XLSX = 'XLSX',
}

/** Which tiers of institution may stock a unified-list item. */
export enum FormularyTier {
  COUNTY = 'COUNTY',
  TOWNSHIP = 'TOWNSHIP',
  VILLAGE = 'VILLAGE',
}

export enum FormularyStatus {
  ACTIVE = 'ACTIVE',
  RETIRED = 'RETIRED',
}

export enum MappingStatus {
  AUTO_CONFIRMED = 'AUTO_CONFIRMED',
  PROPOSED = 'PROPOSED',
  CONFIRMED = 'CONFIRMED',
  REJECTED = 'REJECTED',
  UNMAPPED = 'UNMAPPED',
  INVALID = 'INVALID',
}

export enum StockSource {
  IMPORT = 'IMPORT',
  MANUAL = 'MANUAL',
  SUPPLY = 'SUPPLY',
}

export enum ContinuityOutcome {
  AVAILABLE = 'AVAILABLE',
  SUBSTITUTE = 'SUBSTITUTE',
  OUT_OF_STOCK = 'OUT_OF_STOCK',
  NOT_LISTED = 'NOT_LISTED',
  UNKNOWN = 'UNKNOWN',
}

export enum ContinuityTrigger {
  SUBMISSION = 'SUBMISSION',
  STOCK_CHANGE = 'STOCK_CHANGE',
  MAPPING_CHANGE = 'MAPPING_CHANGE',
  SUPPLY = 'SUPPLY',
  MANUAL = 'MANUAL',
}

export enum SupplyRequestState {
  REQUESTED = 'REQUESTED',
  APPROVED = 'APPROVED',
  DISPATCHED = 'DISPATCHED',
  RECEIVED = 'RECEIVED',
  REJECTED = 'REJECTED',
}

registerEnumType(DrugCodeStatus, {
  name: 'DrugCodeStatus',
  valuesMap: {
    ACTIVE: { description: '有效 In the current edition' },
    RETIRED: { description: '已停用(新版目录中已无) Absent from a newer full edition' },
  },
});
registerEnumType(DrugKind, {
  name: 'DrugKind',
  valuesMap: {
    X: { description: '西药 Western drug' },
    Z: { description: '中成药 Chinese patent medicine' },
  },
});
registerEnumType(InsuranceClass, {
  name: 'InsuranceClass',
  valuesMap: { A: { description: '甲类 Class A' }, B: { description: '乙类 Class B' } },
});
registerEnumType(ImportStatus, {
  name: 'ImportStatus',
  valuesMap: {
    UPLOADING: { description: '上传中 Upload in progress' },
    QUEUED: { description: '排队中 Queued' },
    RUNNING: { description: '导入中 Running' },
    DONE: { description: '完成 Done' },
    SKIPPED: { description: '同一文件已导入,未做改动 Same file imported before; nothing changed' },
    FAILED: { description: '失败,未做改动 Failed; nothing changed' },
  },
});
registerEnumType(ImportFormat, { name: 'ImportFormat' });
registerEnumType(FormularyTier, {
  name: 'FormularyTier',
  valuesMap: {
    COUNTY: { description: '县级 County' },
    TOWNSHIP: { description: '乡镇级 Township' },
    VILLAGE: { description: '村级 Village' },
  },
});
registerEnumType(FormularyStatus, {
  name: 'FormularyStatus',
  valuesMap: { ACTIVE: { description: '在用 Active' }, RETIRED: { description: '已停用 Retired' } },
});
registerEnumType(MappingStatus, {
  name: 'MappingStatus',
  valuesMap: {
    AUTO_CONFIRMED: {
      description: '自动确认(名称、剂型、规格完全一致) Confirmed automatically: name, form and spec equal',
    },
    PROPOSED: { description: '待药师确认 Proposed, awaiting a pharmacist' },
    CONFIRMED: { description: '药师已确认 Confirmed by a pharmacist' },
    REJECTED: { description: '药师已驳回 Rejected by a pharmacist' },
    UNMAPPED: { description: '未对照 No candidate above the threshold' },
    INVALID: { description: '数据无效(如国家编码格式错误) Invalid data (e.g. a malformed national code)' },
  },
});
registerEnumType(StockSource, { name: 'StockSource' });
registerEnumType(ContinuityOutcome, {
  name: 'ContinuityOutcome',
  valuesMap: {
    AVAILABLE: { description: '可供应 Listed, active and in stock' },
    SUBSTITUTE: { description: '可替代(同品种其他规格或厂家) Same product, other strength or maker' },
    OUT_OF_STOCK: { description: '已列目录但缺货 Listed but out of stock' },
    NOT_LISTED: { description: '接收机构目录无此药 Not on the receiving institution’s list' },
    UNKNOWN: { description: '无法识别 Free text that could not be matched' },
  },
});
registerEnumType(ContinuityTrigger, { name: 'ContinuityTrigger' });
registerEnumType(SupplyRequestState, {
  name: 'SupplyRequestState',
  valuesMap: {
    REQUESTED: { description: '已申请 Requested' },
    APPROVED: { description: '已批准 Approved' },
    DISPATCHED: { description: '已配送 Dispatched' },
    RECEIVED: { description: '已收货 Received' },
    REJECTED: { description: '已驳回 Rejected' },
  },
});
