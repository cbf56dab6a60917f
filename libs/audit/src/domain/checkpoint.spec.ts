import { generateKeyPairSync, verify } from 'node:crypto';
import {
  Checkpoint,
  checkpointSignatureProblem,
  checkpointSigningInput,
  formatCheckpointLine,
  keyFingerprint,
  parseCheckpointLine,
  signCheckpoint,
} from './checkpoint';

const pair = () => generateKeyPairSync('ed25519');

const base: Checkpoint = {
  v: 1,
  tenantId: '4b0f9d7e-2a51-4c36-9a7e-0d6f3f1c2b11',
  seq: '42',
  hash: 'ab'.repeat(32),
  keyId: 'k1',
  at: '2026-11-23T08:00:00.000Z',
};

describe('audit checkpoints', () => {
  const signer = pair();
  const signed = signCheckpoint(base, signer.privateKey, signer.publicKey);

  it('signs the canonical form of every field but the signature, under a domain tag', () => {
    const input = checkpointSigningInput(signed).toString('utf8');
    expect(input).toBe(
      'yg-audit-checkpoint/v1\n' +
        `{"at":"2026-11-23T08:00:00.000Z","hash":"${'ab'.repeat(32)}","keyId":"k1","seq":"42",` +
        `"signer":"${signed.signer}","tenantId":"4b0f9d7e-2a51-4c36-9a7e-0d6f3f1c2b11","v":1}`,
    );
    // Plain Ed25519 over those bytes: an auditor can check it with any library and the public key.
    expect(verify(null, Buffer.from(input), signer.publicKey, Buffer.from(signed.sig, 'base64'))).toBe(true);
    expect(signed.signer).toBe(keyFingerprint(signer.publicKey));
    expect(signed.signer).toMatch(/^[0-9a-f]{16}$/);
  });

  it('accepts a line signed by a trusted key and round-trips through the stored format', () => {
    const line = formatCheckpointLine(signed);
    expect(line).not.toContain('\n');
    const back = parseCheckpointLine(line);
    expect(back).toEqual(signed);
    expect(checkpointSignatureProblem(back, [pair().publicKey, signer.publicKey])).toBeNull();
  });

  it.each([
    ['seq', { seq: '41' }],
    ['hash', { hash: 'cd'.repeat(32) }],
    ['keyId', { keyId: 'k2' }],
    ['keyId (to unkeyed)', { keyId: null }],
    ['time', { at: '2026-11-23T08:00:01.000Z' }],
    ['tenant', { tenantId: '4b0f9d7e-2a51-4c36-9a7e-0d6f3f1c2b12' }],
  ])('refuses a checkpoint whose %s was changed after signing', (_, change) => {
    expect(checkpointSignatureProblem({ ...signed, ...change }, [signer.publicKey])).toMatch(/signature/);
  });

  it('refuses a checkpoint signed by a key that is not trusted, even when the signature holds', () => {
    const other = pair();
    const forged = signCheckpoint(base, other.privateKey, other.publicKey);
    expect(checkpointSignatureProblem(forged, [signer.publicKey])).toMatch(/not trusted/);
    // Naming the trusted key's fingerprint does not help without its private key.
    expect(checkpointSignatureProblem({ ...forged, signer: signed.signer }, [signer.publicKey])).toMatch(
      /signature/,
    );
  });

  it.each([
    ['not JSON', '{"v":1,'],
    ['another version', formatCheckpointLine({ ...signed, v: 2 as 1 })],
    ['a bad tenant id', formatCheckpointLine({ ...signed, tenantId: '../../etc/passwd' })],
    ['a bad seq', formatCheckpointLine({ ...signed, seq: '0' })],
    ['a bad hash', formatCheckpointLine({ ...signed, hash: 'xyz' })],
    ['a bad time', formatCheckpointLine({ ...signed, at: 'yesterday' })],
    ['a missing signature', JSON.stringify({ ...signed, sig: undefined })],
  ])('refuses a line with %s', (_, line) => {
    expect(() => parseCheckpointLine(line)).toThrow();
  });

  it('keeps an unkeyed head as keyId null', () => {
    const unkeyed = signCheckpoint({ ...base, keyId: null }, signer.privateKey, signer.publicKey);
    const back = parseCheckpointLine(formatCheckpointLine(unkeyed));
    expect(back.keyId).toBeNull();
    expect(checkpointSignatureProblem(back, [signer.publicKey])).toBeNull();
  });
});
