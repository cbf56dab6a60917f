import { createHash, KeyObject, sign, verify } from 'node:crypto';
import { canonicalJson } from './chain';

/** What a checkpoint vouches for: the head of one tenant's chain at a moment. */
export interface Checkpoint {
  v: 1;
  tenantId: string;
  seq: string;
  hash: string;
  /** The chain key the head link was sealed with; null for an unkeyed link. */
  keyId: string | null;
  /** ISO time the checkpoint was signed. */
  at: string;
}

/** A checkpoint as stored: one JSON line, Ed25519-signed by `signer` (a key fingerprint). */
export interface SignedCheckpoint extends Checkpoint {
  signer: string;
  sig: string;
}

const DOMAIN = 'yg-audit-checkpoint/v1\n';
const FIELDS = ['v', 'tenantId', 'seq', 'hash', 'keyId', 'at', 'signer'] as const;

/** The bytes a signature covers: every field but the signature, canonical JSON, with a domain tag. */
export function checkpointSigningInput(c: Omit<SignedCheckpoint, 'sig'>): Buffer {
  const fields = Object.fromEntries(FIELDS.map((f) => [f, c[f]]));
  return Buffer.from(DOMAIN + canonicalJson(fields), 'utf8');
}

/** First 16 hex digits of the SHA-256 of the public key (SPKI DER): names the signer on each line. */
export function keyFingerprint(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

export function signCheckpoint(c: Checkpoint, privateKey: KeyObject, publicKey: KeyObject): SignedCheckpoint {
  const unsigned = { ...c, signer: keyFingerprint(publicKey) };
  return { ...unsigned, sig: sign(null, checkpointSigningInput(unsigned), privateKey).toString('base64') };
}

/** Null when a trusted key signed exactly these fields, else why not. */
export function checkpointSignatureProblem(c: SignedCheckpoint, trusted: KeyObject[]): string | null {
  const key = trusted.find((k) => keyFingerprint(k) === c.signer);
  if (!key) return `签名密钥 ${c.signer} 不受信任 (signed by key ${c.signer}, which is not trusted)`;
  const ok = verify(null, checkpointSigningInput(c), key, Buffer.from(c.sig, 'base64'));
  return ok ? null : '签名无效 (the signature does not match its content)';
}

const HEX64 = /^[0-9a-f]{64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SEQ = /^[1-9][0-9]{0,18}$/;

export function isTenantId(value: string): boolean {
  return UUID.test(value);
}

export function formatCheckpointLine(c: SignedCheckpoint): string {
  return JSON.stringify(
    Object.fromEntries([...FIELDS, 'sig'].map((f) => [f, c[f as keyof SignedCheckpoint]])),
  );
}

/** Parses one stored line; throws naming what is wrong. */
export function parseCheckpointLine(line: string): SignedCheckpoint {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new Error('不是 JSON (not JSON)');
  }
  const str = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string) : null);
  const tenantId = str('tenantId');
  const seq = str('seq');
  const hash = str('hash');
  const at = str('at');
  const signer = str('signer');
  const sig = str('sig');
  const keyId = raw.keyId === null ? null : str('keyId');
  if (
    raw.v !== 1 ||
    !tenantId ||
    !isTenantId(tenantId) ||
    !seq ||
    !SEQ.test(seq) ||
    !hash ||
    !HEX64.test(hash) ||
    !at ||
    Number.isNaN(Date.parse(at)) ||
    !signer ||
    !sig ||
    keyId === undefined ||
    (raw.keyId !== null && keyId === null)
  ) {
    throw new Error('字段缺失或格式错误 (a field is missing or malformed)');
  }
  return { v: 1, tenantId, seq, hash, keyId, at, signer, sig };
}
