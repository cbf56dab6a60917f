import { z } from 'zod';
import { parseAllowList } from '../net/ip-ranges';

const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me-0123456789abcdef';
// 32-byte keys, base64. Development defaults only; production refuses them.
const DEV_DATA_KEY = 'ZGV2LW9ubHktcGF0aWVudC1kYXRhLWtleS0zMmJ5dGU=';
const DEV_LOOKUP_KEY = 'ZGV2LW9ubHktcGF0aWVudC1sb29rdXAta2V5LTMyYnk=';
const DEV_AUDIT_CHAIN_KEYS = 'dev:ZGV2LW9ubHktYXVkaXQtY2hhaW4taG1hYy1rZXktMzI=';
// Ed25519 private key, PKCS#8 DER, base64. Outside production only; production has no default,
// since only the worker signs and the other processes should not hold the key.
export const DEV_CHECKPOINT_KEY = 'MC4CAQAwBQYDK2VwBCIEIMw1oPCf0M0lEFhsOBJboQaiOEa9xFeqUxp4+WIBM2rX';

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
const is32ByteBase64 = (v: string) => Buffer.from(v, 'base64').length === 32;
const base64Key = z.string().refine(is32ByteBase64, 'must be 32 bytes encoded as base64');
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
/** `id:base64,id:base64`: every data key that may be read, by id. */
const keyList = z.string().transform((v, ctx) => {
  const keys: Record<string, string> = {};
  for (const item of v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const at = item.indexOf(':');
    const id = at > 0 ? item.slice(0, at) : '';
    const key = item.slice(at + 1);
    if (!KEY_ID.test(id) || !is32ByteBase64(key)) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be id:key pairs, comma-separated; ids of [A-Za-z0-9_-], keys 32 bytes base64',
      });
      return z.NEVER;
    }
    if (id in keys) {
      ctx.addIssue({ code: 'custom', message: `key id "${id}" is listed twice` });
      return z.NEVER;
    }
    keys[id] = key;
  }
  return keys;
});

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: port.default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z.stringbool().default(false),

  DB_HOST: z.string().min(1).default('127.0.0.1'),
  DB_PORT: port.default(5432),
  DB_USER: z.string().min(1).default('postgres'),
  DB_PASSWORD: z.string().default(''),
  DB_NAME: z.string().min(1).default('yigongti'),
  DB_POOL_SIZE: positiveInt.default(10),
  DB_SSL: z.stringbool().default(false),
  /** The schema owner, for migrations only; defaults to DB_USER / DB_PASSWORD. */
  DB_MIGRATION_USER: z.string().min(1).optional(),
  DB_MIGRATION_PASSWORD: z.string().optional(),

  REDIS_HOST: z.string().min(1).default('127.0.0.1'),
  REDIS_PORT: port.default(6379),
  REDIS_PASSWORD: z.string().default(''),
  REDIS_DB: z.coerce.number().int().min(0).default(0),
  QUEUE_PREFIX: z.string().min(1).default('yg'),
  REDIS_COMMAND_TIMEOUT_MS: positiveInt.default(1000),

  JWT_SECRET: z.string().min(32).default(DEV_JWT_SECRET),
  // A token outlives neither a deactivation nor a role change (both are checked per request), but
  // a stolen one is worth less the sooner it expires.
  JWT_TTL_SECONDS: positiveInt
    .max(3600, 'JWT_TTL_SECONDS must be at most 3600 (1 hour) (访问令牌有效期最长 3600 秒)')
    .default(900),
  LOGIN_MAX_FAILURES: positiveInt.default(5),
  LOGIN_LOCK_SECONDS: positiveInt.default(900),
  LOGIN_RATE_WINDOW_SECONDS: positiveInt.max(3600).default(60),
  LOGIN_RATE_MAX_PER_ADDRESS: positiveInt.default(60),
  LOGIN_RATE_MAX_PER_USERNAME: positiveInt.default(10),
  SESSION_RECHECK_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(
      60_000,
      'SESSION_RECHECK_MS must be at most 60000: a revoked session must end within a minute even without Redis',
    )
    .default(5000),

  /** The first data key, id k1 (kept for existing installations); PATIENT_DATA_KEYS adds others. */
  PATIENT_DATA_KEY: base64Key.default(DEV_DATA_KEY),
  PATIENT_DATA_KEYS: keyList.optional(),
  PATIENT_DATA_KEY_ID: z.string().regex(KEY_ID, 'must be 1–32 characters of [A-Za-z0-9_-]').optional(),
  PATIENT_LOOKUP_KEY: base64Key.default(DEV_LOOKUP_KEY),

  GRAPHQL_MAX_DEPTH: positiveInt.default(8),
  GRAPHQL_MAX_ALIASES: positiveInt.default(15),
  GRAPHQL_MAX_COST: positiveInt.default(5000),
  GRAPHQL_MAX_TOKENS: positiveInt.default(1000),
  GRAPHQL_MAX_FIELDS: positiveInt.default(1000),
  GRAPHQL_MAX_DIRECTIVES: positiveInt.default(50),

  AUDIT_SEAL_EVERY_MS: positiveInt.default(60_000),
  AUDIT_CHAIN_KEYS: z.string().min(1).default(DEV_AUDIT_CHAIN_KEYS),
  AUDIT_CHAIN_KEY_ID: z.string().min(1).optional(),
  AUDIT_CHECKPOINT_DIR: z.string().optional(),
  AUDIT_CHECKPOINT_EVERY_MS: positiveInt.default(300_000),
  AUDIT_CHECKPOINT_SIGNING_KEY: z.string().min(1).optional(),
  AUDIT_CHECKPOINT_PUBLIC_KEYS: z.string().optional(),

  OUTBOX_POLL_MS: positiveInt.default(100),
  OUTBOX_RECONCILE_AFTER_MS: positiveInt.default(300_000),

  DELIVERY_MAX_ATTEMPTS: positiveInt.default(6),
  MEETING_URL_TEMPLATE: z
    .string()
    .refine(
      (v) => /^https:\/\/.+\{consultationId\}/.test(v),
      'must be an https URL containing {consultationId}',
    )
    .default('https://meet.yigongti.example/{consultationId}'),
  REFERRAL_SWEEP_EVERY_MS: positiveInt.default(60_000),
  /** Largest drug-catalogue upload, in bytes, counted as the body streams in. */
  DRUG_UPLOAD_MAX_BYTES: positiveInt.default(20 * 1024 * 1024),
  /** Uploads one api process streams at once; more are refused until one ends. */
  DRUG_UPLOAD_CONCURRENCY: positiveInt.default(4),
  /** Largest visit-data file (CSV, NDJSON), in bytes, counted as the body streams in. */
  INTAKE_UPLOAD_MAX_BYTES: positiveInt.default(200 * 1024 * 1024),
  /** Visit-data uploads one api process streams at once. */
  INTAKE_UPLOAD_CONCURRENCY: positiveInt.default(2),
  /** Largest clinical document (PDF, JPEG, PNG, DICOM), in bytes, counted as the body streams in. */
  DOCUMENT_MAX_BYTES: positiveInt.default(20 * 1024 * 1024),
  /** Document uploads one api process streams at once. */
  DOCUMENT_UPLOAD_CONCURRENCY: positiveInt.default(8),
  /** Document downloads one api process streams at once (each holds up to 512 KiB). */
  DOCUMENT_DOWNLOAD_CONCURRENCY: positiveInt.default(32),
  /** Documents one user may upload in 24 hours, and their bytes in all. */
  DOCUMENT_DAILY_FILES: positiveInt.default(200),
  DOCUMENT_DAILY_BYTES: positiveInt.default(1024 * 1024 * 1024),
  /** An upload never attached to a referral or consultation is removed after this. */
  DOCUMENT_UNATTACHED_TTL_MS: positiveInt.default(24 * 3600_000),

  WEBHOOK_ALLOWED_HOSTS: z
    .string()
    .superRefine((v, ctx) => {
      const { bad } = parseAllowList(v);
      if (bad.length)
        ctx.addIssue({ code: 'custom', message: `not a host name, IP or CIDR block: ${bad.join(', ')}` });
    })
    .default(''),

  LOG_FILE: z.string().optional(),
  CONSOLE_DIR: z.string().optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9465),
  METRICS_TOKEN: z.string().min(32).optional(),
  CORS_ORIGINS: z
    .string()
    .refine(
      (v) => v.split(',').every((o) => !o.trim() || /^https?:\/\/[^/\s]+$/.test(o.trim())),
      'must be comma-separated origins such as https://console.example.org (scheme, host, optional port)',
    )
    .optional(),
  /**
   * socket.io connections one api process holds, admitted or still handshaking: each costs
   * 5–25 kB of a heap capped at API_HEAP_MB, and an unauthenticated client can open them.
   */
  SOCKET_MAX_CONNECTIONS: positiveInt.max(20_000).default(2000),
});

export type Env = z.infer<typeof envSchema>;

export const DEV_SECRETS = {
  JWT_SECRET: DEV_JWT_SECRET,
  PATIENT_DATA_KEY: DEV_DATA_KEY,
  PATIENT_LOOKUP_KEY: DEV_LOOKUP_KEY,
  AUDIT_CHAIN_KEYS: DEV_AUDIT_CHAIN_KEYS,
  AUDIT_CHECKPOINT_SIGNING_KEY: DEV_CHECKPOINT_KEY,
} as const;
