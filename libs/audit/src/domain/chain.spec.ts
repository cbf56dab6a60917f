import { canonicalJson, GENESIS_HASH, legacyLinkHash, linkHash, SealableEvent } from './chain';

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

const LEGACY_VECTOR = '4a885fab7f06c05b65f6f16940c9e5369de8c0e19ee975406f3e01bfa0232da9';
// HMAC-SHA256(key 0x01×32, "yg-audit-link/v2\nk1\n1\n" + prev + "\n" + canonical event), e.g. with openssl dgst -mac HMAC.
const KEYED_VECTOR = 'fdb8aa0c072b8636d466d6f60fd04e3c84626c4e74ac5e81028c58c7709aa876';
