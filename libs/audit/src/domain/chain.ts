import { createHash, createHmac } from 'node:crypto';

/** Chain anchor for the first event of every tenant. */
export const GENESIS_HASH = '0'.repeat(64);

/** Tenant id used for events that belong to no consortium (e.g. a login with an unknown name). */
export const PLATFORM_TENANT = '00000000-0000-0000-0000-000000000000';

/** The sealed facts of one event, as read back from Postgres. */
export interface SealableEvent {
  id: string;
  tenantId: string;
  occurredAtMs: string;
  actorUserId: string | null;
  actorRoles: string[];
  actorInstitutionId: string | null;
  action: string;
  entityType: string | null;
  entityId: string | null;
  outcome: string;
  errorCode: string | null;
  requestId: string | null;
  clientIp: string | null;
  details: unknown;
}

/** JSON with object keys sorted, so the same facts always give the same bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function eventDigestInput(e: SealableEvent): string {
  return canonicalJson([
    e.id,
    e.tenantId,
    e.occurredAtMs,
    e.actorUserId,
    e.actorRoles,
    e.actorInstitutionId,
    e.action,
    e.entityType,
    e.entityId,
    e.outcome,
    e.errorCode,
    e.requestId,
    e.clientIp,
    e.details,
  ]);
}

/** A key of the chain: links name it by id, so keys can be rotated and old links still verify. */
export interface ChainKey {
  id: string;
  secret: Buffer;
}

/**
 * A link's hash: HMAC-SHA256 under a key the database does not hold, over the key id, the
 * link's position, the previous link's hash and the event. Without the key nobody can
 * recompute a chain after changing it.
 */
export function linkHash(prevHash: string, seq: bigint | string, e: SealableEvent, key: ChainKey): string {
  return createHmac('sha256', key.secret)
    .update(`yg-audit-link/v2\n${key.id}\n${seq.toString()}\n${prevHash}\n`)
    .update(eventDigestInput(e))
    .digest('hex');
}

/**
 * The unkeyed SHA-256 of links sealed before the chain had keys (their key id is null). They
 * still verify, but only before the chain's first keyed link: anyone can recompute them.
 */
export function legacyLinkHash(prevHash: string, e: SealableEvent): string {
  return createHash('sha256').update(prevHash).update('\n').update(eventDigestInput(e)).digest('hex');
}

/** A stored link, as the walk reads it. */
export interface StoredLink {
  seq: bigint;
  prevHash: string;
  hash: string;
  keyId: string | null;
}

/**
 * Why `link` (sealing event `e`) does not follow a chain whose last link hashed to `state.prev`
 * (`state.keyed`: a keyed link came before), or null when it does. Unkeyed links only verify
 * before the first keyed one: anyone can recompute those.
 */
export function linkProblem(
  link: StoredLink,
  e: SealableEvent,
  state: { prev: string; keyed: boolean },
  keys: ReadonlyMap<string, Buffer>,
): string | null {
  const { seq } = link;
  if (link.prevHash !== state.prev) {
    return `第 ${seq} 环的前序哈希不符 (link ${seq} does not follow link ${seq - 1n})`;
  }
  let expected: string;
  if (link.keyId === null) {
    if (state.keyed) return `第 ${seq} 环未以密钥封存 (link ${seq} is unkeyed, after keyed links)`;
    expected = legacyLinkHash(state.prev, e);
  } else {
    const secret = keys.get(link.keyId);
    if (!secret) {
      return `第 ${seq} 环的密钥 ${link.keyId} 未配置 (link ${seq} was sealed with key ${link.keyId}, which is not configured)`;
    }
    expected = linkHash(state.prev, seq, e, { id: link.keyId, secret });
  }
  return expected === link.hash
    ? null
    : `审计事件 ${e.id} 内容已被改动 (event ${e.id} was altered after sealing)`;
}

/** Columns, in SQL, that read an event back in the shape the chain hashes. */
export const SEALABLE_COLUMNS = `
  e.id::text AS "id",
  e.tenant_id::text AS "tenantId",
  (floor(extract(epoch FROM e.occurred_at) * 1000))::bigint::text AS "occurredAtMs",
  e.actor_user_id::text AS "actorUserId",
  e.actor_roles AS "actorRoles",
  e.actor_institution_id::text AS "actorInstitutionId",
  e.action AS "action",
  e.entity_type AS "entityType",
  e.entity_id AS "entityId",
  e.outcome AS "outcome",
  e.error_code AS "errorCode",
  e.request_id AS "requestId",
  e.client_ip AS "clientIp",
  e.details AS "details"`;
