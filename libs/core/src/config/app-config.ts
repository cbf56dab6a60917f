import { DEV_SECRETS, envSchema, Env } from './config.schema';

export interface AppConfig {
  env: Env['NODE_ENV'];
  isProduction: boolean;
  port: number;
  logLevel: Env['LOG_LEVEL'];
  trustProxy: boolean;
  db: {
    host: string;
    port: number;
    user: string;
    password: string;
    name: string;
    poolSize: number;
    ssl: boolean;
  };
  redis: { host: string; port: number; password?: string; db: number };
  queuePrefix: string;
  auth: {
    jwtSecret: string;
    jwtTtlSeconds: number;
    loginMaxFailures: number;
    loginLockSeconds: number;
    /** Login attempts per fixed window, per client address and per user name. */
    loginRate: { windowSeconds: number; maxPerAddress: number; maxPerUsername: number };
    /** How long a user's session state (active, version, roles) is trusted before it is re-read. */
    sessionRecheckMs: number;
  };
  patientKeys: { dataKey: Buffer; lookupKey: Buffer };
  graphql: { maxDepth: number; maxAliases: number; maxCost: number };
  audit: { sealEveryMs: number };
  notifications: { deliveryMaxAttempts: number };
  referrals: { sweepEveryMs: number };
  consultations: { meetingUrlTemplate: string };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration 配置无效:\n  ${problems.join('\n  ')}`);
  }
}

/** Parses the environment once; throws naming every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  // An empty value means "not set", so a copied .env.example falls back to the defaults.
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production') {
    const reused = (Object.keys(DEV_SECRETS) as (keyof typeof DEV_SECRETS)[]).filter(
      (k) => e[k] === DEV_SECRETS[k],
    );
    if (reused.length) {
      throw new ConfigError(reused.map((k) => `${k}: must be set explicitly in production`));
    }
  }
  return {
    env: e.NODE_ENV,
    isProduction: e.NODE_ENV === 'production',
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    db: {
      host: e.DB_HOST,
      port: e.DB_PORT,
      user: e.DB_USER,
      password: e.DB_PASSWORD,
      name: e.DB_NAME,
      poolSize: e.DB_POOL_SIZE,
      ssl: e.DB_SSL,
    },
    redis: {
      host: e.REDIS_HOST,
      port: e.REDIS_PORT,
      password: e.REDIS_PASSWORD || undefined,
      db: e.REDIS_DB,
    },
    queuePrefix: e.QUEUE_PREFIX,
    auth: {
      jwtSecret: e.JWT_SECRET,
      jwtTtlSeconds: e.JWT_TTL_SECONDS,
      loginMaxFailures: e.LOGIN_MAX_FAILURES,
      loginLockSeconds: e.LOGIN_LOCK_SECONDS,
      loginRate: {
        windowSeconds: e.LOGIN_RATE_WINDOW_SECONDS,
        maxPerAddress: e.LOGIN_RATE_MAX_PER_ADDRESS,
        maxPerUsername: e.LOGIN_RATE_MAX_PER_USERNAME,
      },
      sessionRecheckMs: e.SESSION_RECHECK_MS,
    },
    patientKeys: {
      dataKey: Buffer.from(e.PATIENT_DATA_KEY, 'base64'),
      lookupKey: Buffer.from(e.PATIENT_LOOKUP_KEY, 'base64'),
    },
    graphql: {
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxCost: e.GRAPHQL_MAX_COST,
    },
    audit: { sealEveryMs: e.AUDIT_SEAL_EVERY_MS },
    notifications: { deliveryMaxAttempts: e.DELIVERY_MAX_ATTEMPTS },
    referrals: { sweepEveryMs: e.REFERRAL_SWEEP_EVERY_MS },
    consultations: { meetingUrlTemplate: e.MEETING_URL_TEMPLATE },
  };
}
