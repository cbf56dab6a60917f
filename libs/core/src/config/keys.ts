import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';

const KEY_ID = /^[A-Za-z0-9._-]{1,32}$/;

/**
 * `id:base64[,id:base64…]`, each key 32 bytes: every key that may have sealed a link stays
 * listed so old links still verify after a rotation.
 */
export function parseChainKeys(value: string): Map<string, Buffer> {
  const keys = new Map<string, Buffer>();
  for (const entry of value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    if (!KEY_ID.test(id))
      throw new Error(`each entry must be <id>:<base64 key>, id of [A-Za-z0-9._-], up to 32`);
    if (keys.has(id)) throw new Error(`key id ${id} appears twice`);
    const key = Buffer.from(entry.slice(colon + 1), 'base64');
    if (key.length !== 32) throw new Error(`key ${id} must be 32 bytes encoded as base64`);
    keys.set(id, key);
  }
  if (!keys.size) throw new Error('at least one key is required');
  return keys;
}

/** An Ed25519 private key as PKCS#8 DER in base64 (`openssl genpkey -algorithm ed25519 -outform DER | base64 -w0`). */
export function parseEd25519PrivateKey(value: string): { privateKey: KeyObject; publicKey: KeyObject } {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: Buffer.from(value, 'base64'), format: 'der', type: 'pkcs8' });
  } catch {
    throw new Error('must be an Ed25519 private key, PKCS#8 DER encoded as base64');
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('must be an Ed25519 key');
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** Comma-separated Ed25519 public keys, SPKI DER in base64. */
export function parseEd25519PublicKeys(value: string): KeyObject[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((b64, i) => {
      let key: KeyObject;
      try {
        key = createPublicKey({ key: Buffer.from(b64, 'base64'), format: 'der', type: 'spki' });
      } catch {
        throw new Error(`key ${i + 1} must be an Ed25519 public key, SPKI DER encoded as base64`);
      }
      if (key.asymmetricKeyType !== 'ed25519') throw new Error(`key ${i + 1} must be an Ed25519 key`);
      return key;
    });
}
