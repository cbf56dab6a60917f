import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_RE = /^[A-Za-z0-9_-]{1,32}$/;
/** The format every token is written in; older formats are read only. */
const FORMAT = 'v2';

/** Where a ciphertext lives. Bound into the token, so it cannot be moved to another row or column. */
export interface FieldBinding {
  table: string;
  column: string;
  rowId: string;
}

export type FieldCipherErrorReason = 'MALFORMED' | 'UNKNOWN_KEY' | 'AUTHENTICATION';

/** A token that cannot be read: damaged, under a key no longer configured, or not this field's. */
export class FieldCipherError extends Error {
  constructor(
    readonly reason: FieldCipherErrorReason,
    message: string,
  ) {
    super(`FieldCipher: ${message}`);
    this.name = 'FieldCipherError';
  }
}

export interface FieldCipherKeys {
  /** Every data key that may be read, by id. */
  dataKeys: Readonly<Record<string, Buffer>>;
  /** The key new tokens are written with; must be among `dataKeys`. */
  writeKeyId: string;
  /** HMAC key for equality look-ups; independent of the data keys so they can rotate freely. */
  lookupKey: Buffer;
}

function toB64u(buf: Buffer): string {
  return buf.toString('base64url');
}

// Node's base64url decoder silently skips invalid characters; re-encoding and comparing rejects
// any altered or non-canonical token instead of decrypting something subtly different.
function fromB64uStrict(part: string, what: string): Buffer {
  const buf = Buffer.from(part, 'base64url');
  if (buf.toString('base64url') !== part) {
    throw new FieldCipherError('MALFORMED', `malformed token (${what} is not valid base64url)`);
  }
  return buf;
}

function checkBinding(b: FieldBinding): void {
  if (!b || !b.table || !b.column || !b.rowId) {
    throw new Error('FieldCipher: a binding needs table, column and row id');
  }
}

/**
 * The authenticated data of a current token: format, key id and the field's place. A JSON array
 * of strings is unambiguous, so no two different places share an AAD.
 */
function boundAad(keyId: string, b: FieldBinding): Buffer {
  return Buffer.from(JSON.stringify([FORMAT, keyId, b.table, b.column, b.rowId]), 'utf8');
}

/**
 * Field-level encryption for identity data (ID numbers, phones), AES-256-GCM.
 *
 * Token `v2.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts). The GCM authenticated data binds
 * the format, the key id and the field's table, column and row id: a token copied into another
 * row or column, relabelled to another key or rewritten in the older format fails to decrypt.
 * Several keys are readable and one writes, so keys rotate by adding a new writing key and
 * re-encrypting (`patients:reencrypt`); a token under a key that is no longer configured fails
 * as UNKNOWN_KEY.
 *
 * Tokens of the first format, `<keyId>.<iv>.<ciphertext>.<tag>` with only the key id as
 * authenticated data, are still read (they bind no place) until re-encryption replaces them.
 *
 * Equality search uses `lookupHash` with a separate key, since GCM ciphertexts are randomised.
 */
export class FieldCipher {
  private readonly keys = new Map<string, Buffer>();
  private readonly lookupKey: Buffer;
  readonly writeKeyId: string;

  constructor({ dataKeys, writeKeyId, lookupKey }: FieldCipherKeys) {
    for (const [id, key] of Object.entries(dataKeys ?? {})) {
      if (!KEY_ID_RE.test(id)) {
        // '.' is the token separator, so a key id must not contain it.
        throw new Error('FieldCipher: key ids must be 1–32 characters of [A-Za-z0-9_-]');
      }
      if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) {
        throw new Error(`FieldCipher: data key "${id}" must be ${KEY_BYTES} bytes`);
      }
      // Copy so later mutation of the caller's buffers cannot change our keys.
      this.keys.set(id, Buffer.from(key));
    }
    if (!this.keys.has(writeKeyId)) {
      throw new Error(`FieldCipher: the writing key id "${writeKeyId}" is not among the data keys`);
    }
    if (!Buffer.isBuffer(lookupKey) || lookupKey.length !== KEY_BYTES) {
      throw new Error(`FieldCipher: lookup key must be ${KEY_BYTES} bytes`);
    }
    this.writeKeyId = writeKeyId;
    this.lookupKey = Buffer.from(lookupKey);
  }

  encrypt(plain: string, binding: FieldBinding): string {
    checkBinding(binding);
    const keyId = this.writeKeyId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.keys.get(keyId)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(boundAad(keyId, binding));
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${FORMAT}.${keyId}.${toB64u(iv)}.${toB64u(ciphertext)}.${toB64u(cipher.getAuthTag())}`;
  }

  /** The plaintext of a token written for `binding`; throws FieldCipherError otherwise. */
  decrypt(token: string, binding: FieldBinding): string {
    checkBinding(binding);
    const parts = typeof token === 'string' ? token.split('.') : [];
    if (parts.length === 5 && parts[0] === FORMAT) {
      const [, keyId, iv, ct, tag] = parts;
      return this.open(keyId, iv, ct, tag, boundAad(keyId, binding));
    }
    if (parts.length === 4) {
      const [keyId, iv, ct, tag] = parts;
      return this.open(keyId, iv, ct, tag, Buffer.from(keyId, 'utf8'));
    }
    throw new FieldCipherError(
      'MALFORMED',
      `malformed token (expected ${FORMAT}.keyId.iv.ciphertext.tag or keyId.iv.ciphertext.tag)`,
    );
  }

  /** Whether a token is in the current format under the writing key (re-encryption skips it). */
  isCurrent(token: string | null): boolean {
    return token === null || token.startsWith(`${FORMAT}.${this.writeKeyId}.`);
  }

  /** Deterministic HMAC-SHA256 (hex) for equality lookups; callers must pass a normalised value. */
  lookupHash(value: string): string {
    return createHmac('sha256', this.lookupKey).update(value, 'utf8').digest('hex');
  }

  private open(keyId: string, ivPart: string, ctPart: string, tagPart: string, aad: Buffer): string {
    const key = this.keys.get(keyId);
    if (!key) {
      const shown = KEY_ID_RE.test(keyId) ? `"${keyId}"` : '(malformed)';
      throw new FieldCipherError('UNKNOWN_KEY', `unknown key id ${shown}`);
    }
    const iv = fromB64uStrict(ivPart, 'iv');
    const ciphertext = fromB64uStrict(ctPart, 'ciphertext');
    const tag = fromB64uStrict(tagPart, 'tag');
    if (iv.length !== IV_BYTES) {
      throw new FieldCipherError('MALFORMED', `malformed token (iv must be ${IV_BYTES} bytes)`);
    }
    if (tag.length !== TAG_BYTES) {
      throw new FieldCipherError('MALFORMED', `malformed token (tag must be ${TAG_BYTES} bytes)`);
    }
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new FieldCipherError(
        'AUTHENTICATION',
        'authentication failed (the token was altered, belongs to another row or column, or was encrypted with a different key)',
      );
    }
  }
}
