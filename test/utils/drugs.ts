import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { DrugDictionaryImporter } from '@yg/drugs';
import type { TestApi } from './api';

/** A few national codes (X: 23 characters) with what the dictionary says of them. */
export const CODES = {
  AMLO_5: 'XC08CAA123A001010100001', // 苯磺酸氨氯地平片 5mg
  AMLO_5B: 'XC08CAA123A001010100002', // same strength, another maker
  AMLO_10: 'XC08CAA123A001020100001', // 10mg
  METF: 'XA10BAE001A001010100003', // 盐酸二甲双胍片 0.25g
  ATOR: 'XC10AAA126A001010100005', // 阿托伐他汀钙片 20mg
  ASP: 'XB01ACA056E001010100006', // 阿司匹林肠溶片 100mg
} as const;

const ROWS = [
  `${CODES.AMLO_5},苯磺酸氨氯地平片,片剂,5mg,甲厂`,
  `${CODES.AMLO_5B},苯磺酸氨氯地平片,片剂,5mg,乙厂`,
  `${CODES.AMLO_10},苯磺酸氨氯地平片,片剂,10mg,甲厂`,
  `${CODES.METF},盐酸二甲双胍片,片剂,0.25g,丙厂`,
  `${CODES.ATOR},阿托伐他汀钙片,片剂,20mg,戊厂`,
  `${CODES.ASP},阿司匹林肠溶片,肠溶片,100mg,己厂`,
];

/** Loads the codes above into the national dictionary (platform-wide) through the importer. */
export async function loadDictionary(api: TestApi): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'yg-drugs-'));
  try {
    const path = join(dir, 'codes.csv');
    writeFileSync(path, ['国标代码,注册名称,注册剂型,注册规格,药品企业', ...ROWS].join('\n'));
    const importer = api.app.get(DrugDictionaryImporter);
    const req = await importer.request({
      path,
      edition: `test-${Date.now()}`,
      full: false,
      requestedBy: 'test',
    });
    const run = await importer.run(req.id, { finalAttempt: true });
    if (run.status !== 'DONE') throw new Error(`dictionary import ${run.status}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Adds a code to the unified list through the API; returns the item's id. */
export async function addFormularyItem(api: TestApi, token: string, nationalCode: string): Promise<string> {
  const res = await api.gql<{ addFormularyItem: { id: string } }>(
    `mutation($i: AddFormularyItemInput!) { addFormularyItem(input: $i) { id } }`,
    { i: { nationalCode, tiers: ['COUNTY', 'TOWNSHIP', 'VILLAGE'] } },
    token,
  );
  if (!res.data?.addFormularyItem) throw new Error(`addFormularyItem: ${JSON.stringify(res.errors)}`);
  return res.data.addFormularyItem.id;
}

export interface LocalItemSpec {
  localCode: string;
  genericName: string;
  spec?: string;
  unit?: string;
  /** Mapped onto this unified-list item (CONFIRMED unless `status` says otherwise). */
  formularyItemId?: string;
  status?: 'AUTO_CONFIRMED' | 'CONFIRMED' | 'PROPOSED';
  /** A stock row with this quantity; none when undefined. */
  onHand?: number;
}

/**
 * A catalogue item of an institution, its mapping and stock, written as the catalogue import and
 * mapping review would leave them (arranged in SQL as the owner).
 */
export async function addLocalItem(
  ds: DataSource,
  tenantId: string,
  institutionId: string,
  item: LocalItemSpec,
): Promise<string> {
  const [{ id }] = await ds.query(
    `INSERT INTO drug_catalogue_item (tenant_id, institution_id, local_code, generic_name, spec, unit, content_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [
      tenantId,
      institutionId,
      item.localCode,
      item.genericName,
      item.spec ?? null,
      item.unit ?? '片',
      createHash('sha256').update(item.localCode).digest('hex'),
    ],
  );
  if (item.formularyItemId) {
    const status = item.status ?? 'CONFIRMED';
    await ds.query(
      `INSERT INTO drug_mapping (catalogue_item_id, tenant_id, institution_id, formulary_item_id, status, tier, decided_at)
       VALUES ($1, $2, $3, $4, $5, 'MANUAL', CASE WHEN $5 = 'CONFIRMED' THEN now() END)`,
      [id, tenantId, institutionId, item.formularyItemId, status],
    );
  }
  if (item.onHand !== undefined) {
    await ds.query(
      `INSERT INTO drug_stock (catalogue_item_id, tenant_id, institution_id, on_hand, source) VALUES ($1, $2, $3, $4, 'IMPORT')`,
      [id, tenantId, institutionId, item.onHand],
    );
  }
  return id as string;
}

export const DOWN_CONTENT = {
  direction: 'DOWN',
  dischargeSummary: '高血压 3 级、2 型糖尿病,住院调整方案后出院',
  rehabPlan: '每周测血压 3 次,每月随访一次',
};

export function planItem(drug: string, extra: Record<string, unknown> = {}) {
  return { drug, dose: '5mg', route: '口服', frequency: '每日一次', duration: '30 天', ...extra };
}
