import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
// Narrow imports: `migrate` (and the tests' global set-up) use this service outside Nest and
// must not load the GraphQL models.
import type { AppConfig } from '@yg/core/config/app-config';
import { APP_CONFIG } from '@yg/core/config/config.module';
import { Clock } from '@yg/core/clock/clock';
import { advisoryXactLock } from '@yg/core/database/transaction';
import {
  ChainKey,
  GENESIS_HASH,
  linkHash,
  linkProblem,
  SealableEvent,
  SEALABLE_COLUMNS,
} from './domain/chain';

const SEAL_BATCH = 500;
const VERIFY_BATCH = 2000;

/** The action of the event sealed over an unkeyed chain head when the chain gets keys. */
export const CHAIN_KEYED_ACTION = 'audit.chain.keyed';

export interface ChainVerification {
  ok: boolean;
  checked: number;
  unsealed: number;
  brokenAtSeq: string | null;
  brokenEventId: string | null;
  reason: string | null;
}

/** The last link of a tenant's chain. */
export interface ChainHead {
  seq: string;
  hash: string;
  keyId: string | null;
}

interface Broken {
  seq: bigint;
  eventId: string | null;
  reason: string;
}

interface Walk {
  checked: number;
  last: { seq: bigint; hash: string } | null;
  keyed: boolean;
  broken: Broken | null;
}

type LinkRow = SealableEvent & {
  seq: string;
  prevHash: string;
  hash: string;
  keyId: string | null;
  sealedEventId: string;
  present: boolean;
};

/**
 * Seals events into a per-tenant chain and checks it. Sealing happens apart from writing so
 * that writers never wait on each other for the chain head.
 *
 * Links are HMACs under a key the database does not hold (AUDIT_CHAIN_KEYS), so whoever can
 * write the database cannot recompute the chain after changing it; links sealed before the
 * chain had keys (unkeyed SHA-256) still verify while a keyed link follows them.
 */
@Injectable()
export class AuditChainService {
  private readonly writeKey: ChainKey;
  private readonly keys: ReadonlyMap<string, Buffer>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.keys = config.audit.chainKeys;
    this.writeKey = { id: config.audit.chainKeyId, secret: this.keys.get(config.audit.chainKeyId)! };
  }

  /** Seals every pending event of one tenant; safe to run twice or concurrently. */
  async sealTenant(tenantId: string): Promise<number> {
    return this.sealPending(tenantId, false);
  }

  async sealAll(): Promise<number> {
    const tenants: { tenant_id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT tenant_id FROM audit_pending`,
    );
    let total = 0;
    for (const t of tenants) total += await this.sealTenant(t.tenant_id);
    return total;
  }

  /**
   * Seals a keyed link over every chain whose head is unkeyed (sealed before keys), so that
   * its unkeyed links are covered by a key. Run once by `migrate` after the chain gets keys;
   * the sealer never extends an unkeyed head itself, since a chain someone stripped of its
   * keys and recomputed looks just like one. Returns the tenants anchored.
   */
  async anchorUnkeyedChains(): Promise<string[]> {
    const heads = await this.heads();
    const unkeyed = heads.filter((h) => h.head.keyId === null).map((h) => h.tenantId);
    for (const tenantId of unkeyed) {
      await this.dataSource.query(
        `INSERT INTO audit_event (tenant_id, action, outcome, details)
         VALUES ($1, $2, 'SUCCESS', jsonb_build_object('keyId', $3::text))`,
        [tenantId, CHAIN_KEYED_ACTION, this.writeKey.id],
      );
      await this.sealPending(tenantId, true);
    }
    return unkeyed;
  }

  /** The last link of every tenant's chain (one index probe per tenant). */
  async heads(): Promise<{ tenantId: string; head: ChainHead }[]> {
    const rows: (ChainHead & { tenantId: string })[] = await this.dataSource.query(
      `WITH RECURSIVE t(tenant_id) AS (
         (SELECT tenant_id FROM audit_seal ORDER BY tenant_id LIMIT 1)
         UNION ALL
         SELECT (SELECT s.tenant_id FROM audit_seal s WHERE s.tenant_id > t.tenant_id ORDER BY s.tenant_id LIMIT 1)
           FROM t WHERE t.tenant_id IS NOT NULL)
       SELECT t.tenant_id::text AS "tenantId", h.seq::text AS seq, h.hash, h.key_id AS "keyId"
         FROM t CROSS JOIN LATERAL (
           SELECT s.seq, s.hash, s.key_id FROM audit_seal s
            WHERE s.tenant_id = t.tenant_id ORDER BY s.seq DESC LIMIT 1) h
        WHERE t.tenant_id IS NOT NULL`,
    );
    return rows.map(({ tenantId, ...head }) => ({ tenantId, head }));
  }

  async head(tenantId: string): Promise<ChainHead | null> {
    // Order by the bigint column, not the text alias: '9' sorts after '10' as text.
    const [head] = await this.dataSource.query(
      `SELECT s.seq::text AS seq, s.hash, s.key_id AS "keyId"
         FROM audit_seal s WHERE s.tenant_id = $1 ORDER BY s.seq DESC LIMIT 1`,
      [tenantId],
    );
    return head ?? null;
  }

  /** The link at `seq`, or null when there is none. */
  async link(tenantId: string, seq: string): Promise<ChainHead | null> {
    return (await this.links(tenantId, [seq])).get(seq) ?? null;
  }

  /** The links at these positions, by seq. */
  async links(tenantId: string, seqs: string[]): Promise<Map<string, ChainHead>> {
    const rows: ChainHead[] = await this.dataSource.query(
      `SELECT s.seq::text AS seq, s.hash, s.key_id AS "keyId"
         FROM audit_seal s WHERE s.tenant_id = $1 AND s.seq = ANY($2::bigint[])`,
      [tenantId, seqs],
    );
    return new Map(rows.map((r) => [r.seq, r]));
  }

  private async sealPending(tenantId: string, overUnkeyedHead: boolean): Promise<number> {
    let total = 0;
    for (;;) {
      const sealed = await this.sealBatch(tenantId, overUnkeyedHead);
      total += sealed;
      if (sealed < SEAL_BATCH) return total;
    }
  }

  private sealBatch(tenantId: string, overUnkeyedHead: boolean): Promise<number> {
    return this.dataSource.transaction(async (em) => {
      await advisoryXactLock(em, 'audit-seal', tenantId);
      const pending: SealableEvent[] = await em.query(
        `SELECT ${SEALABLE_COLUMNS}
           FROM audit_pending p JOIN audit_event e ON e.id = p.event_id
          WHERE p.tenant_id = $1
          ORDER BY p.event_id
          LIMIT ${SEAL_BATCH}`,
        [tenantId],
      );
      if (!pending.length) return 0;
      const [head]: ChainHead[] = await em.query(
        `SELECT s.seq::text AS seq, s.hash, s.key_id AS "keyId"
           FROM audit_seal s WHERE s.tenant_id = $1 ORDER BY s.seq DESC LIMIT 1`,
        [tenantId],
      );
      if (head && head.keyId === null && !overUnkeyedHead) {
        throw new Error(
          `audit chain of tenant ${tenantId} ends in an unkeyed link ${head.seq}: run migrate to anchor it, ` +
            `or the chain was stripped of its keys`,
        );
      }
      let seq = head ? BigInt(head.seq) : 0n;
      let prev: string = head?.hash ?? GENESIS_HASH;
      const sealedAt = this.clock.now();
      const rows = pending.map((e) => {
        seq += 1n;
        const hash = linkHash(prev, seq, e, this.writeKey);
        const row = {
          tenant_id: tenantId,
          seq: seq.toString(),
          event_id: e.id,
          prev_hash: prev,
          hash,
          key_id: this.writeKey.id,
        };
        prev = hash;
        return row;
      });
      await em.query(
        `INSERT INTO audit_seal (tenant_id, seq, event_id, prev_hash, hash, key_id, sealed_at)
         SELECT r.tenant_id, r.seq, r.event_id, r.prev_hash, r.hash, r.key_id, $2
           FROM jsonb_to_recordset($1::jsonb)
             AS r(tenant_id uuid, seq bigint, event_id bigint, prev_hash text, hash text, key_id text)`,
        [JSON.stringify(rows), sealedAt],
      );
      await em.query(`DELETE FROM audit_pending WHERE event_id = ANY($1::bigint[])`, [
        pending.map((e) => e.id),
      ]);
      return pending.length;
    });
  }

  /**
   * Walks the tenant's chain from the start, recomputing every link from the events as
   * they are now. Names the first link that no longer matches.
   */
  async verify(tenantId: string): Promise<ChainVerification> {
    const walk = await this.walk(tenantId, { seq: 0n, hash: GENESIS_HASH, keyed: false });
    const broken = (b: Broken): ChainVerification => ({
      ok: false,
      checked: walk.checked,
      unsealed: 0,
      brokenAtSeq: b.seq.toString(),
      brokenEventId: b.eventId,
      reason: b.reason,
    });
    if (walk.broken) return broken(walk.broken);
    if (walk.last && !walk.keyed) {
      return broken({
        seq: walk.last.seq,
        eventId: null,
        reason: `链条没有以密钥封存的环 (no link of the chain is keyed; unkeyed links verify only before a keyed one)`,
      });
    }
    const next = (walk.last?.seq ?? 0n) + 1n;
    // A pending entry whose event is gone: deleted before it could be sealed.
    const [orphan] = await this.dataSource.query(
      `SELECT p.event_id::text AS id FROM audit_pending p
        WHERE p.tenant_id = $1 AND NOT EXISTS (SELECT 1 FROM audit_event e WHERE e.id = p.event_id)
        ORDER BY p.event_id LIMIT 1`,
      [tenantId],
    );
    if (orphan) {
      return broken({
        seq: next,
        eventId: orphan.id,
        reason: `审计事件 ${orphan.id} 在封存前被删除 (event ${orphan.id} was deleted before it was sealed)`,
      });
    }
    // An event that is neither sealed nor waiting to be was slipped in past the trigger.
    const [stray] = await this.dataSource.query(
      `SELECT e.id::text AS id FROM audit_event e
        WHERE e.tenant_id = $1
          AND NOT EXISTS (SELECT 1 FROM audit_seal s WHERE s.event_id = e.id)
          AND NOT EXISTS (SELECT 1 FROM audit_pending p WHERE p.event_id = e.id)
        ORDER BY e.id LIMIT 1`,
      [tenantId],
    );
    if (stray) {
      return broken({
        seq: next,
        eventId: stray.id,
        reason: `审计事件 ${stray.id} 不在链中 (event ${stray.id} was inserted outside the chain)`,
      });
    }
    const [{ n }] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_pending WHERE tenant_id = $1`,
      [tenantId],
    );
    return {
      ok: true,
      checked: walk.checked,
      unsealed: n,
      brokenAtSeq: null,
      brokenEventId: null,
      reason: null,
    };
  }

  /**
   * Checks the links after `from` (a link already vouched for, e.g. by a checkpoint; null: from
   * the start) up to the head: `from` must still be in the chain as it was, and every later
   * link must follow it.
   */
  async verifySince(
    tenantId: string,
    from: { seq: string; hash: string } | null,
  ): Promise<{ ok: true; head: ChainHead | null } | { ok: false; brokenAtSeq: string; reason: string }> {
    let start = { seq: 0n, hash: GENESIS_HASH, keyed: false };
    if (from) {
      const anchor = await this.link(tenantId, from.seq);
      if (!anchor || anchor.hash !== from.hash) {
        return {
          ok: false,
          brokenAtSeq: from.seq,
          reason: anchor
            ? `第 ${from.seq} 环已被改写 (link ${from.seq} was rewritten)`
            : `链条缺少第 ${from.seq} 环 (link ${from.seq} is missing)`,
        };
      }
      start = { seq: BigInt(from.seq), hash: from.hash, keyed: anchor.keyId !== null };
    }
    const walk = await this.walk(tenantId, start);
    if (walk.broken)
      return { ok: false, brokenAtSeq: walk.broken.seq.toString(), reason: walk.broken.reason };
    return { ok: true, head: await this.head(tenantId) };
  }

  /** Recomputes the links after `start`, in order, stopping at the first that does not match. */
  private async walk(tenantId: string, start: { seq: bigint; hash: string; keyed: boolean }): Promise<Walk> {
    let prev = start.hash;
    let keyed = start.keyed;
    let expectedSeq = start.seq + 1n;
    let checked = 0;
    let last: Walk['last'] = null;
    const result = (broken: Broken | null): Walk => ({ checked, last, keyed, broken });
    for (;;) {
      const rows: LinkRow[] = await this.dataSource.query(
        `SELECT s.seq::text AS seq, s.prev_hash AS "prevHash", s.hash, s.key_id AS "keyId",
                s.event_id::text AS "sealedEventId", e.id IS NOT NULL AS present, ${SEALABLE_COLUMNS}
           FROM audit_seal s LEFT JOIN audit_event e ON e.id = s.event_id
          WHERE s.tenant_id = $1 AND s.seq > $2
          ORDER BY s.seq
          LIMIT ${VERIFY_BATCH}`,
        [tenantId, (expectedSeq - 1n).toString()],
      );
      for (const r of rows) {
        const seq = BigInt(r.seq);
        const eventId = r.sealedEventId;
        if (seq !== expectedSeq) {
          return result({
            seq: expectedSeq,
            eventId: null,
            reason: `链条缺少第 ${expectedSeq} 环 (link ${expectedSeq} is missing)`,
          });
        }
        if (!r.present) {
          return result({
            seq,
            eventId,
            reason: `审计事件 ${eventId} 已被删除 (event ${eventId} was deleted)`,
          });
        }
        if (r.tenantId !== tenantId) {
          return result({
            seq,
            eventId,
            reason: `审计事件 ${eventId} 的租户被改动 (event ${eventId} changed tenant)`,
          });
        }
        const problem = linkProblem({ ...r, seq }, r, { prev, keyed }, this.keys);
        if (problem) return result({ seq, eventId, reason: problem });
        keyed ||= r.keyId !== null;
        prev = r.hash;
        expectedSeq += 1n;
        checked += 1;
        last = { seq, hash: r.hash };
      }
      if (rows.length < VERIFY_BATCH) return result(null);
    }
  }
}
