import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { advisoryXactLock, Clock } from '@yg/core';
import { chainHash, GENESIS_HASH, SealableEvent, SEALABLE_COLUMNS } from './domain/chain';

const SEAL_BATCH = 500;
const VERIFY_BATCH = 2000;

export interface ChainVerification {
  ok: boolean;
  checked: number;
  unsealed: number;
  brokenAtSeq: string | null;
  brokenEventId: string | null;
  reason: string | null;
}

/**
 * Seals events into a per-tenant hash chain and checks it. Sealing happens apart from
 * writing so that writers never wait on each other for the chain head.
 */
@Injectable()
export class AuditChainService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Seals every pending event of one tenant; safe to run twice or concurrently. */
  async sealTenant(tenantId: string): Promise<number> {
    let total = 0;
    for (;;) {
      const sealed = await this.sealBatch(tenantId);
      total += sealed;
      if (sealed < SEAL_BATCH) return total;
    }
  }

  async sealAll(): Promise<number> {
    const tenants: { tenant_id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT tenant_id FROM audit_pending`,
    );
    let total = 0;
    for (const t of tenants) total += await this.sealTenant(t.tenant_id);
    return total;
  }

  private sealBatch(tenantId: string): Promise<number> {
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
      // Order by the bigint column, not the text alias: '9' sorts after '10' as text, which
      // would pick a stale head and collide with an existing seq once a chain passes 9 links.
      const [head] = await em.query(
        `SELECT s.seq::text AS seq, s.hash FROM audit_seal s WHERE s.tenant_id = $1 ORDER BY s.seq DESC LIMIT 1`,
        [tenantId],
      );
      let seq = head ? BigInt(head.seq) : 0n;
      let prev: string = head?.hash ?? GENESIS_HASH;
      const sealedAt = this.clock.now();
      const rows = pending.map((e) => {
        seq += 1n;
        const hash = chainHash(prev, e);
        const row = { tenant_id: tenantId, seq: seq.toString(), event_id: e.id, prev_hash: prev, hash };
        prev = hash;
        return row;
      });
      await em.query(
        `INSERT INTO audit_seal (tenant_id, seq, event_id, prev_hash, hash, sealed_at)
         SELECT r.tenant_id, r.seq, r.event_id, r.prev_hash, r.hash, $2
           FROM jsonb_to_recordset($1::jsonb)
             AS r(tenant_id uuid, seq bigint, event_id bigint, prev_hash text, hash text)`,
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
    let prev = GENESIS_HASH;
    let expectedSeq = 1n;
    let checked = 0;
    let after = 0n;
    const broken = (seq: bigint, eventId: string | null, reason: string): ChainVerification => ({
      ok: false,
      checked,
      unsealed: 0,
      brokenAtSeq: seq.toString(),
      brokenEventId: eventId,
      reason,
    });
    for (;;) {
      const rows: (SealableEvent & { seq: string; prevHash: string; hash: string; present: boolean })[] =
        await this.dataSource.query(
          `SELECT s.seq::text AS seq, s.prev_hash AS "prevHash", s.hash, s.event_id::text AS "sealedEventId",
                  e.id IS NOT NULL AS present, ${SEALABLE_COLUMNS}
             FROM audit_seal s LEFT JOIN audit_event e ON e.id = s.event_id
            WHERE s.tenant_id = $1 AND s.seq > $2
            ORDER BY s.seq
            LIMIT ${VERIFY_BATCH}`,
          [tenantId, after.toString()],
        );
      for (const r of rows) {
        const seq = BigInt(r.seq);
        const eventId = (r as unknown as { sealedEventId: string }).sealedEventId;
        if (seq !== expectedSeq) {
          return broken(expectedSeq, null, `链条缺少第 ${expectedSeq} 环 (link ${expectedSeq} is missing)`);
        }
        if (!r.present) {
          return broken(seq, eventId, `审计事件 ${eventId} 已被删除 (event ${eventId} was deleted)`);
        }
        if (r.tenantId !== tenantId) {
          return broken(seq, eventId, `审计事件 ${eventId} 的租户被改动 (event ${eventId} changed tenant)`);
        }
        if (r.prevHash !== prev) {
          return broken(
            seq,
            eventId,
            `第 ${seq} 环的前序哈希不符 (link ${seq} does not follow link ${seq - 1n})`,
          );
        }
        if (chainHash(prev, r) !== r.hash) {
          return broken(
            seq,
            eventId,
            `审计事件 ${eventId} 内容已被改动 (event ${eventId} was altered after sealing)`,
          );
        }
        prev = r.hash;
        expectedSeq += 1n;
        checked += 1;
        after = seq;
      }
      if (rows.length < VERIFY_BATCH) break;
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
    // A pending entry whose event is gone: deleted before it could be sealed.
    const [orphan] = await this.dataSource.query(
      `SELECT p.event_id::text AS id FROM audit_pending p
        WHERE p.tenant_id = $1 AND NOT EXISTS (SELECT 1 FROM audit_event e WHERE e.id = p.event_id)
        ORDER BY p.event_id LIMIT 1`,
      [tenantId],
    );
    if (orphan) {
      return broken(
        expectedSeq,
        orphan.id,
        `审计事件 ${orphan.id} 在封存前被删除 (event ${orphan.id} was deleted before it was sealed)`,
      );
    }
    if (stray) {
      return broken(
        expectedSeq,
        stray.id,
        `审计事件 ${stray.id} 不在链中 (event ${stray.id} was inserted outside the chain)`,
      );
    }
    const [{ n }] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_pending WHERE tenant_id = $1`,
      [tenantId],
    );
    return { ok: true, checked, unsealed: n, brokenAtSeq: null, brokenEventId: null, reason: null };
  }
}
