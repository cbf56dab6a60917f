import { canonicalJson, chainHash, GENESIS_HASH, SealableEvent } from './chain';

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

  it('hashes the same facts to the same value whatever the key order', () => {
    const reordered = { ...event, details: { a: [2, { c: 2, d: 1 }], b: 1 } };
    expect(chainHash(GENESIS_HASH, reordered)).toBe(chainHash(GENESIS_HASH, event));
  });

  it('changes when any fact or the previous hash changes', () => {
    const base = chainHash(GENESIS_HASH, event);
    expect(chainHash(GENESIS_HASH, { ...event, action: 'patient.update' })).not.toBe(base);
    expect(chainHash(GENESIS_HASH, { ...event, details: { b: 2, a: [] } })).not.toBe(base);
    expect(chainHash('1'.repeat(64), event)).not.toBe(base);
  });
});
