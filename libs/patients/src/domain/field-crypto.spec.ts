import { createCipheriv, randomBytes } from 'node:crypto';
import { FieldBinding, FieldCipher, FieldCipherError } from './field-crypto';

const k1 = Buffer.alloc(32, 1);
const k2 = Buffer.alloc(32, 7);
const lookupKey = Buffer.alloc(32, 2);

const ROW_A = '6f1c1f0e-3a55-4d5e-9c55-0a8c1f6b2a01';
const ROW_B = '0d4a8b8e-9b3f-4c1e-8f21-6c2d5e7f9a02';
const at = (rowId: string, column = 'id_number_enc', table = 'patient'): FieldBinding => ({
  table,
  column,
  rowId,
});

function cipherWith(dataKeys: Record<string, Buffer>, writeKeyId: string) {
  return new FieldCipher({ dataKeys, writeKeyId, lookupKey });
}

/** A token of the first format (`keyId.iv.ct.tag`, only the key id authenticated), made independently. */
function legacyToken(plain: string, key = k1, keyId = 'k1'): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
  c.setAAD(Buffer.from(keyId, 'utf8'));
  const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return [keyId, iv, ct, c.getAuthTag()]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

function flipFirstChar(part: string): string {
  return (part[0] === 'A' ? 'B' : 'A') + part.slice(1);
}

function failure(fn: () => unknown): FieldCipherError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FieldCipherError);
    return err as FieldCipherError;
  }
  throw new Error('expected a FieldCipherError');
}

describe('FieldCipher', () => {
  const cipher = cipherWith({ k1 }, 'k1');

  it('round-trips, including non-ASCII and empty strings', () => {
    for (const plain of ['11010519491231002X', '张三 13900000000', '']) {
      expect(cipher.decrypt(cipher.encrypt(plain, at(ROW_A)), at(ROW_A))).toBe(plain);
    }
  });

  it('writes v2.keyId.iv.ciphertext.tag with a 12-byte IV and 16-byte tag', () => {
    const [format, keyId, iv, ct, tag, ...rest] = cipher.encrypt('hello', at(ROW_A)).split('.');
    expect(rest).toHaveLength(0);
    expect([format, keyId]).toEqual(['v2', 'k1']);
    expect(Buffer.from(iv, 'base64url')).toHaveLength(12);
    expect(Buffer.from(ct, 'base64url')).toHaveLength(5);
    expect(Buffer.from(tag, 'base64url')).toHaveLength(16);
    expect(`${iv}${ct}${tag}`).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('uses a fresh IV per encryption', () => {
    const a = cipher.encrypt('same', at(ROW_A));
    const b = cipher.encrypt('same', at(ROW_A));
    expect(a).not.toBe(b);
    expect(a.split('.')[2]).not.toBe(b.split('.')[2]);
  });

  describe('binding to table, column and row', () => {
    const token = cipher.encrypt('11010519491231002X', at(ROW_A));

    it.each([
      ['another row', at(ROW_B)],
      ['another column of the same row', at(ROW_A, 'phone_enc')],
      ['another table', at(ROW_A, 'id_number_enc', 'practitioner')],
      ['a row id differing in case only', at(ROW_A.toUpperCase())],
    ])('refuses a token moved to %s (AUTHENTICATION)', (_label, place) => {
      expect(failure(() => cipher.decrypt(token, place)).reason).toBe('AUTHENTICATION');
      expect(cipher.decrypt(token, at(ROW_A))).toBe('11010519491231002X');
    });

    it('cannot be confused by separators inside the binding', () => {
      const t = cipher.encrypt('x', { table: 'a', column: 'b","c', rowId: 'd' });
      expect(failure(() => cipher.decrypt(t, { table: 'a","b', column: 'c', rowId: 'd' })).reason).toBe(
        'AUTHENTICATION',
      );
    });

    it('requires a complete binding', () => {
      expect(() => cipher.encrypt('x', { table: 'patient', column: 'id_number_enc', rowId: '' })).toThrow(
        /binding/,
      );
      expect(() => cipher.decrypt(token, { table: '', column: 'id_number_enc', rowId: ROW_A })).toThrow(
        /binding/,
      );
    });
  });

  describe('several keys: all read, one writes', () => {
    const old = cipherWith({ k1 }, 'k1');
    const rotating = cipherWith({ k2, k1 }, 'k2');
    const rotated = cipherWith({ k2 }, 'k2');

    it('writes with the writing key and reads tokens of every configured key', () => {
      const underK1 = old.encrypt('13900000000', at(ROW_A, 'phone_enc'));
      const underK2 = rotating.encrypt('13900000000', at(ROW_A, 'phone_enc'));
      expect(underK2.startsWith('v2.k2.')).toBe(true);
      expect(rotating.decrypt(underK1, at(ROW_A, 'phone_enc'))).toBe('13900000000');
      expect(rotating.decrypt(underK2, at(ROW_A, 'phone_enc'))).toBe('13900000000');
      expect(rotated.decrypt(underK2, at(ROW_A, 'phone_enc'))).toBe('13900000000');
    });

    it('answers UNKNOWN_KEY, naming the key id, once a key is no longer configured', () => {
      const err = failure(() => rotated.decrypt(old.encrypt('x', at(ROW_A)), at(ROW_A)));
      expect(err.reason).toBe('UNKNOWN_KEY');
      expect(err.message).toMatch(/unknown key id "k1"/);
    });

    it('refuses a token relabelled to another configured key', () => {
      const relabelled = rotating.encrypt('x', at(ROW_A)).replace(/^v2\.k2\./, 'v2.k1.');
      expect(failure(() => rotating.decrypt(relabelled, at(ROW_A))).reason).toBe('AUTHENTICATION');
    });

    it('fails authentication when a key id names different key material', () => {
      const impostor = cipherWith({ k1: randomBytes(32) }, 'k1');
      expect(failure(() => impostor.decrypt(old.encrypt('x', at(ROW_A)), at(ROW_A))).reason).toBe(
        'AUTHENTICATION',
      );
    });

    it('tells current tokens (format and writing key) from those re-encryption must rewrite', () => {
      expect(rotating.isCurrent(rotating.encrypt('x', at(ROW_A)))).toBe(true);
      expect(rotating.isCurrent(old.encrypt('x', at(ROW_A)))).toBe(false);
      expect(rotating.isCurrent(legacyToken('x'))).toBe(false);
      expect(rotating.isCurrent(null)).toBe(true);
    });

    it('refuses a writing key that is not among the data keys, and malformed key ids', () => {
      expect(() => cipherWith({ k1 }, 'k2')).toThrow(/writing key id "k2"/);
      expect(() => cipherWith({ 'k.1': k1 }, 'k.1')).toThrow(/key ids/);
      expect(() => cipherWith({ '': k1 }, '')).toThrow(/key ids/);
    });
  });

  describe('tokens of the first format (no binding)', () => {
    it('are still read under their key id, whatever the binding', () => {
      const t = legacyToken('50011419520314031X');
      expect(cipher.decrypt(t, at(ROW_A))).toBe('50011419520314031X');
      expect(cipherWith({ k2, k1 }, 'k2').decrypt(t, at(ROW_B, 'phone_enc'))).toBe('50011419520314031X');
    });

    it('are not current, and are unreadable once their key is removed', () => {
      expect(cipher.isCurrent(legacyToken('x'))).toBe(false);
      expect(failure(() => cipherWith({ k2 }, 'k2').decrypt(legacyToken('x'), at(ROW_A))).reason).toBe(
        'UNKNOWN_KEY',
      );
    });

    it('cannot be made from a current token by dropping the format marker (a downgrade)', () => {
      const downgraded = cipher.encrypt('x', at(ROW_A)).replace(/^v2\./, '');
      expect(failure(() => cipher.decrypt(downgraded, at(ROW_A))).reason).toBe('AUTHENTICATION');
    });

    it('cannot be upgraded to the current format by adding the marker', () => {
      expect(failure(() => cipher.decrypt(`v2.${legacyToken('x')}`, at(ROW_A))).reason).toBe(
        'AUTHENTICATION',
      );
    });
  });

  describe('tampering and malformed tokens', () => {
    it.each([2, 3, 4])('detects tampering with part %i', (index) => {
      const parts = cipher.encrypt('11010519491231002X', at(ROW_A)).split('.');
      parts[index] = flipFirstChar(parts[index]);
      expect(() => cipher.decrypt(parts.join('.'), at(ROW_A))).toThrow(FieldCipherError);
    });

    it('reports authentication failure on a modified ciphertext', () => {
      const parts = cipher.encrypt('11010519491231002X', at(ROW_A)).split('.');
      parts[3] = flipFirstChar(parts[3]);
      expect(failure(() => cipher.decrypt(parts.join('.'), at(ROW_A))).message).toMatch(
        /authentication failed/,
      );
    });

    it('rejects non-canonical base64url instead of ignoring stray characters', () => {
      const parts = cipher.encrypt('secret', at(ROW_A)).split('.');
      parts[3] = `${parts[3]}!`;
      const err = failure(() => cipher.decrypt(parts.join('.'), at(ROW_A)));
      expect([err.reason, err.message]).toEqual(['MALFORMED', expect.stringMatching(/malformed token/)]);
    });

    it('rejects a short IV or tag', () => {
      const parts = cipher.encrypt('secret', at(ROW_A)).split('.');
      const shortIv = [...parts.slice(0, 2), Buffer.alloc(8).toString('base64url'), ...parts.slice(3)];
      expect(failure(() => cipher.decrypt(shortIv.join('.'), at(ROW_A))).message).toMatch(/iv must be 12/);
      const shortTag = [...parts.slice(0, 4), Buffer.alloc(8).toString('base64url')];
      expect(failure(() => cipher.decrypt(shortTag.join('.'), at(ROW_A))).message).toMatch(/tag must be 16/);
    });

    it.each([
      '',
      'a.b.c',
      'k1.a.b.c.d',
      'v3.k1.a.b.c',
      'v2.k1.a.b.c.d',
      'v2..AAAAAAAAAAAAAAAA.AA.AAAAAAAAAAAAAAAAAAAAAA',
    ])('rejects malformed token %p with a FieldCipherError', (token) => {
      expect(() => cipher.decrypt(token, at(ROW_A))).toThrow(FieldCipherError);
    });

    it('does not echo an arbitrary key id from a token', () => {
      const err = failure(() => cipher.decrypt('v2.<script>.AA.AA.AA', at(ROW_A)));
      expect(err.reason).toBe('UNKNOWN_KEY');
      expect(err.message).not.toContain('<script>');
    });
  });

  it('lookupHash is deterministic, hex, and key-dependent', () => {
    const h = cipher.lookupHash('11010519491231002X');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(cipher.lookupHash('11010519491231002X')).toBe(h);
    expect(cipher.lookupHash('11010519491231002x')).not.toBe(h);
    const otherLookup = new FieldCipher({
      dataKeys: { k1 },
      writeKeyId: 'k1',
      lookupKey: Buffer.alloc(32, 3),
    });
    expect(otherLookup.lookupHash('11010519491231002X')).not.toBe(h);
    // The data keys must not influence lookup hashes, so data keys can rotate without reindexing.
    expect(cipherWith({ k2 }, 'k2').lookupHash('11010519491231002X')).toBe(h);
  });

  it('validates key lengths', () => {
    expect(() => cipherWith({ k1: Buffer.alloc(16) }, 'k1')).toThrow(/data key "k1" must be 32 bytes/);
    expect(
      () => new FieldCipher({ dataKeys: { k1 }, writeKeyId: 'k1', lookupKey: Buffer.alloc(33) }),
    ).toThrow(/lookup key must be 32 bytes/);
  });

  it('is not affected by later mutation of the caller key buffers', () => {
    const dk = Buffer.alloc(32, 5);
    const c = cipherWith({ k1: dk }, 'k1');
    const token = c.encrypt('x', at(ROW_A));
    dk.fill(0);
    expect(c.decrypt(token, at(ROW_A))).toBe('x');
  });
});
