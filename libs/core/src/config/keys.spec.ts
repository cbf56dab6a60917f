import { generateKeyPairSync } from 'node:crypto';
import { parseChainKeys, parseEd25519PrivateKey, parseEd25519PublicKeys } from './keys';

const b64 = (fill: number, n = 32) => Buffer.alloc(n, fill).toString('base64');

describe('audit chain keys', () => {
  it('reads several keys by id, in order', () => {
    const keys = parseChainKeys(`k2:${b64(2)}, k1:${b64(1)}`);
    expect([...keys.keys()]).toEqual(['k2', 'k1']);
    expect(keys.get('k1')).toEqual(Buffer.alloc(32, 1));
  });

  it.each([
    ['no id', b64(1)],
    ['an empty id', `:${b64(1)}`],
    ['an id with a space', `k 1:${b64(1)}`],
    ['a short key', `k1:${b64(1, 16)}`],
    ['a repeated id', `k1:${b64(1)},k1:${b64(2)}`],
    ['nothing', ' , '],
  ])('refuses %s', (_, value) => {
    expect(() => parseChainKeys(value)).toThrow();
  });
});

describe('checkpoint signing keys', () => {
  it('reads an Ed25519 private key (PKCS#8 DER, base64) and derives its public key', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const parsed = parseEd25519PrivateKey(
      privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
    );
    expect(parsed.publicKey.export({ type: 'spki', format: 'der' })).toEqual(
      publicKey.export({ type: 'spki', format: 'der' }),
    );
    const pub = parseEd25519PublicKeys(publicKey.export({ type: 'spki', format: 'der' }).toString('base64'));
    expect(pub).toHaveLength(1);
  });

  it('refuses other key types and garbage', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() =>
      parseEd25519PrivateKey(rsa.privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64')),
    ).toThrow(/Ed25519/);
    expect(() => parseEd25519PrivateKey('bm90IGEga2V5')).toThrow(/Ed25519/);
    expect(() =>
      parseEd25519PublicKeys(rsa.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')),
    ).toThrow(/Ed25519/);
  });
});
