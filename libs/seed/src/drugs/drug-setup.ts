import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { INestApplicationContext } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { DataSource } from 'typeorm';
import { AuthUser, requestContext } from '@yg/core';
import {
  CatalogueImporter,
  CatalogueUploadService,
  DrugDictionaryImporter,
  FormularyService,
} from '@yg/drugs';
import { MappingDecisions } from '@yg/drugs/catalogue/mapping-decisions.service';
import { AddFormularyItemInput } from '@yg/drugs/dto/formulary.inputs';
import type { StoryClock } from '../activity/activity.module';
import type { StoryWorld } from '../activity/story-world';
import { catalogueCsv, DEMO_CATALOGUES, DemoCatalogue } from './catalogues.data';
import { DEMO_DICTIONARY_EDITION, FORMULARY, TierLetters } from './formulary.data';

const TIERS: Record<TierLetters, string[]> = {
  C: ['COUNTY'],
  CT: ['COUNTY', 'TOWNSHIP'],
  CTV: ['COUNTY', 'TOWNSHIP', 'VILLAGE'],
};

/**
 * The pharmacist's first review of the general hospital's proposals: a 复方 preparation that
 * only looks like a listed drug rejected, a pack-level spec confirmed as the listed pill. The
 * rest (a salt the file leaves out, another strength) wait for review.
 */
const REVIEW: { localCode: string; reject?: string }[] = [
  {
    localCode: 'YP20016',
    reject: '复方丹参注射液为复方制剂,不可对照到丹参注射液 (a compound preparation is another drug)',
  },
  { localCode: 'YP20022' },
];

/**
 * The consortium's drug list as its people would have built it before the story's weeks: the
 * demo codes in the national dictionary (through the dictionary importer), the unified list
 * (by the central pharmacy's pharmacist, through the formulary service), each member's HIS
 * dictionary uploaded and imported (the upload service and the import job, so the matcher
 * maps it), and the pharmacist's first review of the general hospital's proposals.
 *
 * Idempotent: codes, list items and catalogues that exist are left as they are; the review is
 * made only right after the catalogue it reviews was imported.
 */
export class DrugSetup {
  constructor(
    private readonly app: INestApplicationContext,
    private readonly ds: DataSource,
    private readonly clock: StoryClock,
    private readonly world: StoryWorld,
  ) {}

  async run(at: Date): Promise<void> {
    this.clock.set(at);
    await this.dictionary();
    await this.as('pharmacist', (u) => this.formulary(u));
    for (const c of DEMO_CATALOGUES) {
      const importId = await this.as(c.uploader, (u) => this.upload(u, c));
      if (!importId) continue;
      const run = await this.app.get(CatalogueImporter).run(importId, { finalAttempt: true });
      if (run?.status !== 'DONE')
        throw new Error(`demo catalogue ${c.fileName}: ${run?.status} ${run?.failure}`);
      if (c.institution === 'qj-central') await this.as('pharmacist', (u) => this.review(u, c));
    }
  }

  private as<T>(actor: 'pharmacist' | 'instadmin' | 'admin', run: (u: AuthUser) => Promise<T>): Promise<T> {
    const user = this.world.user(actor);
    return requestContext.run({ requestId: `seed-${randomUUID()}`, ip: null, user }, () => run(user));
  }

  /** The demo codes, as an edition of their own, unless every one is loaded already. */
  private async dictionary(): Promise<void> {
    const [{ missing }] = await this.ds.query(
      `SELECT count(*)::int AS missing FROM unnest($1::text[]) c(code)
        WHERE NOT EXISTS (SELECT 1 FROM drug_code d WHERE d.code = c.code)`,
      [FORMULARY.map((r) => r[0])],
    );
    if (missing === 0) return;
    const dir = mkdtempSync(join(tmpdir(), 'yg-seed-drugs-'));
    try {
      const path = join(dir, 'demo-drug-codes.csv');
      writeFileSync(
        path,
        [
          '国标代码,注册名称,注册剂型,注册规格',
          ...FORMULARY.map(([c, n, f, s]) => `${c},${n},${f},${s}`),
        ].join('\n'),
      );
      const importer = this.app.get(DrugDictionaryImporter);
      const req = await importer.request({
        path,
        edition: DEMO_DICTIONARY_EDITION,
        full: false,
        requestedBy: 'seed',
      });
      const run = await importer.run(req.id, { finalAttempt: true });
      if (run.status !== 'DONE' && run.status !== 'SKIPPED') {
        throw new Error(`demo dictionary import ${run.status}: ${run.failure}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  private async formulary(user: AuthUser): Promise<void> {
    const listed: { national_code: string }[] = await this.ds.query(
      `SELECT national_code FROM formulary_item WHERE tenant_id = $1 AND national_code IS NOT NULL`,
      [user.tenantId],
    );
    const have = new Set(listed.map((r) => r.national_code));
    const formulary = this.app.get(FormularyService);
    for (const [nationalCode, genericName, dosageForm, spec, tiers] of FORMULARY) {
      if (have.has(nationalCode)) continue;
      await formulary.add(
        user,
        await this.world.input(AddFormularyItemInput, {
          nationalCode,
          genericName,
          dosageForm,
          spec,
          tiers: TIERS[tiers],
        }),
      );
    }
  }

  /** The member's file through the upload endpoint's service; null when it was imported before. */
  private async upload(user: AuthUser, c: DemoCatalogue): Promise<string | null> {
    const institutionId = this.world.inst(c.institution);
    const [done] = await this.ds.query(
      `SELECT 1 FROM drug_catalogue_import WHERE institution_id = $1 LIMIT 1`,
      [institutionId],
    );
    if (done) return null;
    const receipt = await this.app
      .get(CatalogueUploadService)
      .receive(user, multipart({ institutionId, full: 'true' }, c.fileName, catalogueCsv(c.rows)));
    return receipt.importId;
  }

  private async review(user: AuthUser, c: DemoCatalogue): Promise<void> {
    const decisions = this.app.get(MappingDecisions);
    for (const r of REVIEW) {
      const [m]: { id: string; version: number; status: string }[] = await this.ds.query(
        `SELECT m.catalogue_item_id AS id, m.version, m.status FROM drug_mapping m
           JOIN drug_catalogue_item i ON i.id = m.catalogue_item_id
          WHERE i.institution_id = $1 AND i.local_code = $2`,
        [this.world.inst(c.institution), r.localCode],
      );
      // Only what the matcher left to a pharmacist.
      if (m?.status !== 'PROPOSED') continue;
      if (r.reject) await decisions.reject(user, m.id, r.reject, m.version);
      else await decisions.confirm(user, m.id, undefined, m.version);
    }
  }
}

/** A multipart/form-data request as curl sends it: the fields, then the file. */
function multipart(fields: Record<string, string>, fileName: string, content: string): IncomingMessage {
  const boundary = `----yg-seed-${randomUUID()}`;
  const parts = Object.entries(fields).map(
    ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
  );
  const body = Buffer.concat([
    Buffer.from(parts.join('')),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\n` +
        'Content-Type: text/csv\r\n\r\n',
    ),
    Buffer.from(content, 'utf8'),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const req = Readable.from([body]) as unknown as IncomingMessage & { complete: boolean };
  req.headers = {
    'content-type': `multipart/form-data; boundary=${boundary}`,
    'content-length': String(body.length),
  };
  req.complete = true;
  return req;
}
