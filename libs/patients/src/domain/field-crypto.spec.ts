import { randomBytes } from 'node:crypto';
import { FieldCipher } from './field-crypto';

const dataKey = Buffer.alloc(32, 1);
const lookupKey = Buffer.alloc(32, 2);

function flipFirstChar(part: string): string {
  return (part[0] === 'A' ? 'B' : 'A') + part.slice(1);
}

describe('FieldCipher', () => {
  const cipher = new FieldCipher(dataKey, lookupKey);

  it('round-trips, including non-ASCII and empty strings', () => {
    for (const plain of ['11010519491231002X', '张三 13900000000', '']) {
      expect(cipher.decrypt(cipher.encrypt(plain))).toBe(plain);
    }
  });

  it('produces keyId.iv.ciphertext.tag with a 12-byte IV and 16-byte tag', () => {
    const [keyId, iv, ct, tag, ...rest] = cipher.encrypt('hello').split('.');
    expect(rest).toHaveLength(0);
    expect(keyId).toBe('k1');
    expect(Buffer.from(iv, 'base64url')).toHaveLength(12);
    expect(Buffer.from(ct, 'base64url')).toHaveLength(5);
    expect(Buffer.from(tag, 'base64url')).toHaveLength(16);
    expect(`${iv}${ct}${tag}`).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('uses a fresh IV per encryption', () => {
    const a = cipher.encrypt('same');
    const b = cipher.encrypt('same');
    expect(a).not.toBe(b);
    expect(a.split('.')[1]).not.toBe(b.split('.')[1]);
  });

  it.each([1, 2, 3])('detects tampering with part %i', (index) => {
    const parts = cipher.encrypt('11010519491231002X').split('.');
    parts[index] = flipFirstChar(parts[index]);
    expect(() => cipher.decrypt(parts.join('.'))).toThrow(/FieldCipher/);
  });

  it('reports authentication failure on a modified ciphertext', () => {
    const parts = cipher.encrypt('11010519491231002X').split('.');
    parts[2] = flipFirstChar(parts[2]);
    expect(() => cipher.decrypt(parts.join('.'))).toThrow(/authentication failed/);
  });

  it('rejects non-canonical base64url instead of ignoring stray characters', () => {
    const parts = cipher.encrypt('secret').split('.');
    parts[2] = `${parts[2]}!`;
    expect(() => cipher.decrypt(parts.join('.'))).toThrow(/malformed token/);
  });

  it('rejects an unknown key id', () => {
    const token = new FieldCipher(dataKey, lookupKey, 'k2').encrypt('x');
    expect(() => cipher.decrypt(token)).toThrow(/unknown key id "k2"/);
  });

  it('rejects a token relabelled to another key id', () => {
    const other = new FieldCipher(dataKey, lookupKey, 'k2');
    const relabelled = cipher.encrypt('x').replace(/^k1\./, 'k2.');
    expect(() => other.decrypt(relabelled)).toThrow(/authentication failed/);
  });

  it('fails to decrypt with a different data key', () => {
    const other = new FieldCipher(randomBytes(32), lookupKey);
    expect(() => other.decrypt(cipher.encrypt('x'))).toThrow(/authentication failed/);
  });

  it.each(['', 'a.b.c', 'k1.a.b.c.d'])('rejects malformed token %p', (token) => {
    expect(() => cipher.decrypt(token)).toThrow(/FieldCipher/);
  });

  it('lookupHash is deterministic, hex, and key-dependent', () => {
    const h = cipher.lookupHash('11010519491231002X');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(cipher.lookupHash('11010519491231002X')).toBe(h);
    expect(cipher.lookupHash('11010519491231002x')).not.toBe(h);
    expect(new FieldCipher(dataKey, Buffer.alloc(32, 3)).lookupHash('11010519491231002X')).not.toBe(h);
    // The data key must not influence lookup hashes, so data keys can rotate without reindexing.
    expect(new FieldCipher(Buffer.alloc(32, 9), lookupKey).lookupHash('11010519491231002X')).toBe(h);
  });

  it('validates key lengths and key id', () => {
    expect(() => new FieldCipher(Buffer.alloc(16), lookupKey)).toThrow(/data key must be 32 bytes/);
    expect(() => new FieldCipher(dataKey, Buffer.alloc(33))).toThrow(/lookup key must be 32 bytes/);
    expect(() => new FieldCipher(dataKey, lookupKey, 'k.1')).toThrow(/key id/);
    expect(() => new FieldCipher(dataKey, lookupKey, '')).toThrow(/key id/);
  });

  it('is not affected by later mutation of the caller key buffers', () => {
    const dk = Buffer.alloc(32, 5);
    const c = new FieldCipher(dk, lookupKey);
    const token = c.encrypt('x');
    dk.fill(0);
    expect(c.decrypt(token)).toBe('x');
  });
});
