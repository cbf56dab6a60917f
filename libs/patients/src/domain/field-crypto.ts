import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

function toB64u(buf: Buffer): string {
  return buf.toString('base64url');
}

// Node's base64url decoder silently skips invalid characters; re-encoding and comparing rejects
// any altered or non-canonical token instead of decrypting something subtly different.
function fromB64uStrict(part: string, what: string): Buffer {
  const buf = Buffer.from(part, 'base64url');
  if (buf.toString('base64url') !== part) {
    throw new Error(`FieldCipher: malformed token (${what} is not valid base64url)`);
  }
  return buf;
}

/**
 * Field-level encryption for identity data (ID numbers, phones).
 * Token: `${keyId}.${iv}.${ciphertext}.${tag}` (base64url parts); the key id allows later rotation.
 * Equality search uses `lookupHash` with a separate key, since GCM ciphertexts are randomised.
 */
export class FieldCipher {
  private readonly dataKey: Buffer;
  private readonly lookupKey: Buffer;

  constructor(
    dataKey: Buffer,
    lookupKey: Buffer,
    private readonly keyId = 'k1',
  ) {
    if (!Buffer.isBuffer(dataKey) || dataKey.length !== KEY_BYTES) {
      throw new Error(`FieldCipher: data key must be ${KEY_BYTES} bytes`);
    }
    if (!Buffer.isBuffer(lookupKey) || lookupKey.length !== KEY_BYTES) {
      throw new Error(`FieldCipher: lookup key must be ${KEY_BYTES} bytes`);
    }
    if (!/^[A-Za-z0-9_-]+$/.test(keyId)) {
      // '.' is the token separator, so the key id must not contain it.
      throw new Error('FieldCipher: key id must be non-empty and contain only [A-Za-z0-9_-]');
    }
    // Copy so later mutation of the caller's buffers cannot change our keys.
    this.dataKey = Buffer.from(dataKey);
    this.lookupKey = Buffer.from(lookupKey);
  }

  encrypt(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.dataKey, iv, { authTagLength: TAG_BYTES });
    // Binding the key id as AAD stops a token from being relabelled to another key.
    cipher.setAAD(Buffer.from(this.keyId, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return `${this.keyId}.${toB64u(iv)}.${toB64u(ciphertext)}.${toB64u(tag)}`;
  }

  decrypt(token: string): string {
    const parts = token.split('.');
    if (parts.length !== 4) {
      throw new Error('FieldCipher: malformed token (expected 4 dot-separated parts)');
    }
    const [keyId, ivPart, ctPart, tagPart] = parts;
    if (keyId !== this.keyId) {
      throw new Error(`FieldCipher: unknown key id "${keyId}"`);
    }
    const iv = fromB64uStrict(ivPart, 'iv');
    const ciphertext = fromB64uStrict(ctPart, 'ciphertext');
    const tag = fromB64uStrict(tagPart, 'tag');
    if (iv.length !== IV_BYTES) {
      throw new Error(`FieldCipher: malformed token (iv must be ${IV_BYTES} bytes)`);
    }
    if (tag.length !== TAG_BYTES) {
      throw new Error(`FieldCipher: malformed token (tag must be ${TAG_BYTES} bytes)`);
    }

    const decipher = createDecipheriv(ALGORITHM, this.dataKey, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(keyId, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new Error(
        'FieldCipher: authentication failed (token was tampered with or encrypted with a different key)',
      );
    }
  }

  /** Deterministic HMAC-SHA256 (hex) for equality lookups; callers must pass a normalised value. */
  lookupHash(value: string): string {
    return createHmac('sha256', this.lookupKey).update(value, 'utf8').digest('hex');
  }
}
