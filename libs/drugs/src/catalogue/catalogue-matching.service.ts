import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { advisoryXactLock, Clock } from '@yg/core';
import { OutboxService } from '@yg/outbox';
import { DrugMatcher, FormularyTarget, MatchProposal, MatchResult } from '../domain/matcher';
import { MappingStatus } from '../domain/drug.enums';
import type { MappingReason } from '../entities/catalogue.entities';
import { mappingChangedEvent } from './catalogue-events';

/** Items matched and written per statement group. */
export const MATCH_BATCH = 500;

/** What the matcher reads of a catalogue item. */
export interface MatchItem {
  id: string;
  brand_name: string | null;
  generic_name: string;
  dosage_form: string | null;
  spec: string | null;
  maker: string | null;
  pack_factor: string | null;
  national_code: string | null;
}

export interface StoredCandidate {
  formularyItemId: string;
  tier: string;
  score: number;
  reasons: string[];
  warnings: string[];
}

interface MappingRow {
  id: string;
  fid: string | null;
  status: MappingStatus;
  tier: string | null;
  score: number | null;
  reasons: MappingReason[];
  candidates: StoredCandidate[];
}

interface CurrentMapping {
  catalogue_item_id: string;
  formulary_item_id: string | null;
  status: MappingStatus;
  tier: string | null;
  score: string | null;
  candidates: StoredCandidate[];
}

export type MatchCounts = Partial<Record<MappingStatus | 'KEPT', number>>;

/** Columns of a catalogue item as the matcher reads them (alias `i`). */
export const MATCH_ITEM_COLUMNS = `i.id, i.brand_name, i.generic_name, i.dosage_form, i.spec, i.maker,
  i.pack_factor::text AS pack_factor, i.national_code`;

/** A mapping that waits for the list to change: pending, unmapped, or pointing at a retired item. */
const STILL_WAITING = `(m.status IN ('PROPOSED','UNMAPPED')
  OR (m.status IN ('AUTO_CONFIRMED','CONFIRMED') AND f.status <> 'ACTIVE'))`;
const REMATCH_WHERE = `i.tenant_id = $1 AND i.active AND ${STILL_WAITING}`;

const round4 = (n: number) => Math.round(n * 10_000) / 10_000;

export function candidateOf(p: MatchProposal): StoredCandidate {
  return {
    formularyItemId: p.targetId,
    tier: p.tier,
    score: round4(p.score),
    reasons: p.reasons,
    warnings: p.warnings,
  };
}

export function reasonsOf(p: { reasons: string[]; warnings: string[] } | null, problems: string[] = []) {
  const out: MappingReason[] = [];
  for (const detail of problems) out.push({ code: 'PROBLEM', detail });
  for (const detail of p?.reasons ?? []) out.push({ code: 'MATCH', detail });
  for (const detail of p?.warnings ?? []) out.push({ code: 'WARNING', detail });
  return out;
}

/** The mapping a match result stands for. Only the matcher's AUTO_CONFIRMED is confirmed without a person. */
export function mappingOf(id: string, r: MatchResult): MappingRow {
  const candidates = r.proposals.map(candidateOf);
  const top = r.auto ?? r.proposals[0] ?? null;
  switch (r.status) {
    case 'AUTO_CONFIRMED':
    case 'PROPOSED':
      return {
        id,
        fid: top!.targetId,
        status: r.status === 'AUTO_CONFIRMED' ? MappingStatus.AUTO_CONFIRMED : MappingStatus.PROPOSED,
        tier: top!.tier,
        score: round4(top!.score),
        reasons: reasonsOf(top),
        candidates,
      };
    case 'INVALID':
      return {
        id,
        fid: null,
        status: MappingStatus.INVALID,
        tier: null,
        score: null,
        reasons: reasonsOf(null, r.problems),
        candidates,
      };
    default:
      return {
        id,
        fid: null,
        status: MappingStatus.UNMAPPED,
        tier: null,
        score: null,
        reasons: [],
        candidates,
      };
  }
}

/** JSON with object keys sorted: jsonb gives keys back in its own order. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : x,
  );
}

function sameMapping(cur: CurrentMapping, next: MappingRow): boolean {
  return (
    cur.status === next.status &&
    cur.formulary_item_id === next.fid &&
    cur.tier === next.tier &&
    (cur.score === null ? null : Number(cur.score)) === next.score &&
    canonical(cur.candidates) === canonical(next.candidates)
  );
}

/**
 * Matches catalogue items to the consortium's unified list with DrugMatcher and stores the
 * outcome: AUTO_CONFIRMED only as the matcher decides (national code, or name + form + strength
 * exact), PROPOSED with its score, reasons, warnings and best proposals, UNMAPPED below the
 * threshold, INVALID for a malformed national code. Each written mapping is a new version, kept
 * in the history. No brand aliases are stored for a consortium yet, so the matcher runs without
 * them (a brand-only item is then proposed by name similarity, never confirmed).
 */
@Injectable()
export class CatalogueMatching {
  private readonly logger = new Logger(CatalogueMatching.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  /** The matcher over the consortium's active unified-list items (maker from the national code). */
  async matcherFor(em: EntityManager, tenantId: string): Promise<DrugMatcher> {
    const rows: {
      id: string;
      national_code: string | null;
      product_key: string;
      generic_name: string;
      dosage_form: string | null;
      spec: string | null;
      maker: string | null;
    }[] = await em.query(
      `SELECT f.id, f.national_code, f.product_key, f.generic_name, f.dosage_form, f.spec, d.maker
         FROM formulary_item f LEFT JOIN drug_code d ON d.code = f.national_code
        WHERE f.tenant_id = $1 AND f.status = 'ACTIVE'
        ORDER BY f.generic_name, f.id`,
      [tenantId],
    );
    const targets: FormularyTarget[] = rows.map((r) => ({
      id: r.id,
      nationalCode: r.national_code,
      productKey: r.product_key,
      genericName: r.generic_name,
      dosageForm: r.dosage_form ?? '',
      spec: r.spec,
      maker: r.maker,
    }));
    return new DrugMatcher(targets);
  }

  /**
   * Matches `items` (one institution's) and writes what changed. The mappings are locked first:
   * an import waits for a decision in flight (`wait`); a re-match leaves a row someone is
   * deciding to them (`skip`). A pharmacist's confirmation stays when the matcher still puts
   * the confirmed item first.
   */
  async apply(
    em: EntityManager,
    ctx: { tenantId: string; institutionId: string; action: 'MATCH' | 'REMATCH'; note: string | null },
    matcher: DrugMatcher,
    items: MatchItem[],
    lock: 'wait' | 'skip',
  ): Promise<{ counts: MatchCounts; changed: string[] }> {
    const counts: MatchCounts = {};
    if (!items.length) return { counts, changed: [] };
    // A re-match checks again, under the lock, that the row still waits (a decision may have
    // landed since the items were read) and passes over rows someone holds.
    const current: CurrentMapping[] = await em.query(
      `SELECT m.catalogue_item_id, m.formulary_item_id, m.status, m.tier, m.score::text AS score, m.candidates
         FROM drug_mapping m LEFT JOIN formulary_item f ON f.id = m.formulary_item_id
        WHERE m.catalogue_item_id = ANY($1::uuid[]) ${lock === 'skip' ? `AND ${STILL_WAITING}` : ''}
        ORDER BY m.catalogue_item_id FOR UPDATE OF m ${lock === 'skip' ? 'SKIP LOCKED' : ''}`,
      [items.map((i) => i.id)],
    );
    const byId = new Map(current.map((c) => [c.catalogue_item_id, c]));
    const writes: MappingRow[] = [];
    for (const item of items) {
      const cur = byId.get(item.id);
      // Skipped by SKIP LOCKED, or decided meanwhile: not ours to change now.
      if (lock === 'skip' && !cur) continue;
      const result = matcher.match({
        localCode: null,
        nationalCode: item.national_code,
        brandName: item.brand_name,
        genericName: item.generic_name,
        dosageForm: item.dosage_form,
        spec: item.spec,
        maker: item.maker,
        packFactor: item.pack_factor === null ? null : Number(item.pack_factor),
      });
      const next = mappingOf(item.id, result);
      if (
        cur?.status === MappingStatus.CONFIRMED &&
        cur.formulary_item_id !== null &&
        result.proposals[0]?.targetId === cur.formulary_item_id
      ) {
        counts.KEPT = (counts.KEPT ?? 0) + 1;
        continue;
      }
      counts[next.status] = (counts[next.status] ?? 0) + 1;
      if (cur && sameMapping(cur, next)) continue;
      writes.push(next);
    }
    if (!writes.length) return { counts, changed: [] };
    const now = this.clock.now();
    await em.query(
      `INSERT INTO drug_mapping (catalogue_item_id, tenant_id, institution_id, formulary_item_id, status, tier,
          score, reasons, candidates, decided_by, decided_at, version, created_at, updated_at)
       SELECT x.id, $2, $3, x.fid, x.status, x.tier, x.score, x.reasons, x.candidates, NULL, NULL, 1, $4, $4
         FROM jsonb_to_recordset($1::jsonb)
           AS x(id uuid, fid uuid, status text, tier text, score numeric, reasons jsonb, candidates jsonb)
       ON CONFLICT (catalogue_item_id) DO UPDATE SET
         formulary_item_id = EXCLUDED.formulary_item_id, status = EXCLUDED.status, tier = EXCLUDED.tier,
         score = EXCLUDED.score, reasons = EXCLUDED.reasons, candidates = EXCLUDED.candidates,
         decided_by = NULL, decided_at = NULL, version = drug_mapping.version + 1, updated_at = EXCLUDED.updated_at`,
      [JSON.stringify(writes), ctx.tenantId, ctx.institutionId, now],
    );
    const ids = writes.map((w) => w.id);
    await em.query(
      `INSERT INTO drug_mapping_history (tenant_id, catalogue_item_id, version, action, formulary_item_id, status,
          tier, score, reasons, decided_by, note, at)
       SELECT m.tenant_id, m.catalogue_item_id, m.version, $2, m.formulary_item_id, m.status, m.tier, m.score,
              m.reasons, NULL, $3, $4
         FROM drug_mapping m WHERE m.catalogue_item_id = ANY($1::uuid[])`,
      [ids, ctx.action, ctx.note, now],
    );
    return { counts, changed: ids };
  }

  /**
   * After the unified list changed: items still pending or unmapped, and items mapped to an item
   * now retired, are matched again, one institution at a time. Idempotent: a result equal to the
   * stored one writes nothing, so a repeated run changes nothing.
   */
  async rematchTenant(tenantId: string): Promise<{ institutions: number; changed: number }> {
    const institutions: { institution_id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT i.institution_id FROM drug_mapping m
         JOIN drug_catalogue_item i ON i.id = m.catalogue_item_id
         LEFT JOIN formulary_item f ON f.id = m.formulary_item_id
        WHERE ${REMATCH_WHERE}`,
      [tenantId],
    );
    if (!institutions.length) return { institutions: 0, changed: 0 };
    const matcher = await this.matcherFor(this.dataSource.manager, tenantId);
    let changed = 0;
    for (const { institution_id: institutionId } of institutions) {
      changed += await this.dataSource.transaction(async (em) => {
        await advisoryXactLock(em, 'drug-catalogue', institutionId);
        let after = '00000000-0000-0000-0000-000000000000';
        const ids: string[] = [];
        for (;;) {
          const items: MatchItem[] = await em.query(
            `SELECT ${MATCH_ITEM_COLUMNS} FROM drug_mapping m
               JOIN drug_catalogue_item i ON i.id = m.catalogue_item_id
               LEFT JOIN formulary_item f ON f.id = m.formulary_item_id
              WHERE ${REMATCH_WHERE} AND i.institution_id = $2 AND i.id > $3
              ORDER BY i.id LIMIT ${MATCH_BATCH}`,
            [tenantId, institutionId, after],
          );
          if (!items.length) break;
          after = items[items.length - 1].id;
          const res = await this.apply(
            em,
            { tenantId, institutionId, action: 'REMATCH', note: null },
            matcher,
            items,
            'skip',
          );
          ids.push(...res.changed);
        }
        if (ids.length) {
          await this.outbox.publish(
            em,
            mappingChangedEvent(tenantId, institutionId, ids, 'REMATCH', null, this.clock.now()),
          );
        }
        return ids.length;
      });
    }
    this.logger.log(
      `re-matched tenant ${tenantId}: ${changed} mappings changed in ${institutions.length} institutions`,
    );
    return { institutions: institutions.length, changed };
  }
}
