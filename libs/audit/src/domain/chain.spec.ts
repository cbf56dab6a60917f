import { canonicalJson, GENESIS_HASH, legacyLinkHash, linkHash, linkProblem, SealableEvent } from './chain';

const event: SealableEvent = {
  id: '1',
  tenantId: 't',
  occurredAtMs: '1764000000000',
  actorUserId: 'u',
  actorRoles: ['AUDITOR'],
  actorInstitutionId: null,
  action: 'patient.read',
  entityType: 'Patient',
  entityId: 'p',
  outcome: 'SUCCESS',
  errorCode: null,
  requestId: 'r',
  clientIp: '127.0.0.1',
  details: { b: 1, a: [2, { d: 1, c: 2 }] },
};

describe('audit chain', () => {
  it('serialises objects with sorted keys', () => {
    expect(canonicalJson({ b: 1, a: { d: 1, c: null } })).toBe('{"a":{"c":null,"d":1},"b":1}');
  });

  const key = { id: 'k1', secret: Buffer.alloc(32, 1) };

  it('hashes the same facts to the same value whatever the key order', () => {
    const reordered = { ...event, details: { a: [2, { c: 2, d: 1 }], b: 1 } };
    expect(linkHash(GENESIS_HASH, 1n, reordered, key)).toBe(linkHash(GENESIS_HASH, 1n, event, key));
    expect(legacyLinkHash(GENESIS_HASH, reordered)).toBe(legacyLinkHash(GENESIS_HASH, event));
  });

  it('changes when any fact, the position, the previous hash or the key changes', () => {
    const base = linkHash(GENESIS_HASH, 1n, event, key);
    expect(linkHash(GENESIS_HASH, 1n, { ...event, action: 'patient.update' }, key)).not.toBe(base);
    expect(linkHash(GENESIS_HASH, 1n, { ...event, details: { b: 2, a: [] } }, key)).not.toBe(base);
    expect(linkHash('1'.repeat(64), 1n, event, key)).not.toBe(base);
    expect(linkHash(GENESIS_HASH, 2n, event, key)).not.toBe(base);
    expect(linkHash(GENESIS_HASH, 1n, event, { id: 'k1', secret: Buffer.alloc(32, 2) })).not.toBe(base);
    // The key id is bound too: relabelling a link to another key with the same secret fails.
    expect(linkHash(GENESIS_HASH, 1n, event, { id: 'k2', secret: key.secret })).not.toBe(base);
  });

  it('keys the link: without the key, the plain SHA-256 of the same facts is another value', () => {
    expect(linkHash(GENESIS_HASH, 1n, event, key)).not.toBe(legacyLinkHash(GENESIS_HASH, event));
    expect(linkHash(GENESIS_HASH, 1n, event, key)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps the format of links sealed before keys: sha256(prev, newline, canonical event)', () => {
    // Fixed vectors: changing either function breaks every chain already stored.
    expect(legacyLinkHash(GENESIS_HASH, event)).toBe(LEGACY_VECTOR);
    expect(linkHash(GENESIS_HASH, 1n, event, key)).toBe(KEYED_VECTOR);
  });
});

describe('checking one link', () => {
  const keys = new Map([['k1', Buffer.alloc(32, 1)]]);
  const keyed = {
    seq: 1n,
    prevHash: GENESIS_HASH,
    hash: linkHash(GENESIS_HASH, 1n, event, { id: 'k1', secret: keys.get('k1')! }),
    keyId: 'k1',
  };
  const unkeyed = { seq: 1n, prevHash: GENESIS_HASH, hash: legacyLinkHash(GENESIS_HASH, event), keyId: null };
  const start = { prev: GENESIS_HASH, keyed: false };

  it('accepts a keyed link, and an unkeyed one before any keyed link', () => {
    expect(linkProblem(keyed, event, start, keys)).toBeNull();
    expect(linkProblem(unkeyed, event, start, keys)).toBeNull();
  });

  it('refuses an unkeyed link after a keyed one', () => {
    expect(linkProblem(unkeyed, event, { ...start, keyed: true }, keys)).toMatch(
      /unkeyed, after keyed links/,
    );
  });

  it('names a key it does not hold', () => {
    expect(linkProblem({ ...keyed, keyId: 'k9' }, event, start, keys)).toMatch(
      /key k9, which is not configured/,
    );
  });

  it('refuses a link that does not follow, or whose event changed', () => {
    expect(linkProblem(keyed, event, { ...start, prev: '1'.repeat(64) }, keys)).toMatch(/does not follow/);
    expect(linkProblem(keyed, { ...event, outcome: 'DENIED' }, start, keys)).toMatch(/event 1 was altered/);
    // The plain SHA-256 under a key id: what someone without the key would write.
    expect(linkProblem({ ...unkeyed, keyId: 'k1' }, event, start, keys)).toMatch(/altered/);
  });
});

const LEGACY_VECTOR = '4a885fab7f06c05b65f6f16940c9e5369de8c0e19ee975406f3e01bfa0232da9';
// HMAC-SHA256(key 0x01×32, "yg-audit-link/v2\nk1\n1\n" + prev + "\n" + canonical event), e.g. with openssl dgst -mac HMAC.
const KEYED_VECTOR = 'fdb8aa0c072b8636d466d6f60fd04e3c84626c4e74ac5e81028c58c7709aa876';
