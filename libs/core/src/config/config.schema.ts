import { z } from 'zod';

const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me-0123456789abcdef';
// 32-byte keys, base64. Development defaults only; production refuses them.
const DEV_DATA_KEY = 'ZGV2LW9ubHktcGF0aWVudC1kYXRhLWtleS0zMmJ5dGU=';
const DEV_LOOKUP_KEY = 'ZGV2LW9ubHktcGF0aWVudC1sb29rdXAta2V5LTMyYnk=';

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
const base64Key = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes encoded as base64');

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

  REDIS_HOST: z.string().min(1).default('127.0.0.1'),
  REDIS_PORT: port.default(6379),
  REDIS_PASSWORD: z.string().default(''),
  REDIS_DB: z.coerce.number().int().min(0).default(0),
  QUEUE_PREFIX: z.string().min(1).default('yg'),

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

  PATIENT_DATA_KEY: base64Key.default(DEV_DATA_KEY),
  PATIENT_LOOKUP_KEY: base64Key.default(DEV_LOOKUP_KEY),

  GRAPHQL_MAX_DEPTH: positiveInt.default(8),
  GRAPHQL_MAX_ALIASES: positiveInt.default(15),
  GRAPHQL_MAX_COST: positiveInt.default(5000),

  AUDIT_SEAL_EVERY_MS: positiveInt.default(60_000),

  DELIVERY_MAX_ATTEMPTS: positiveInt.default(6),
  MEETING_URL_TEMPLATE: z
    .string()
    .refine(
      (v) => /^https:\/\/.+\{consultationId\}/.test(v),
      'must be an https URL containing {consultationId}',
    )
    .default('https://meet.yigongti.example/{consultationId}'),
  REFERRAL_SWEEP_EVERY_MS: positiveInt.default(60_000),
});

export type Env = z.infer<typeof envSchema>;

export const DEV_SECRETS = {
  JWT_SECRET: DEV_JWT_SECRET,
  PATIENT_DATA_KEY: DEV_DATA_KEY,
  PATIENT_LOOKUP_KEY: DEV_LOOKUP_KEY,
} as const;
