import type { KeyObject } from 'node:crypto';
import { DEV_CHECKPOINT_KEY, DEV_SECRETS, envSchema, Env } from './config.schema';
import { parseChainKeys, parseEd25519PrivateKey, parseEd25519PublicKeys } from './keys';

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
    /** The schema owner, who runs migrations; the apps connect as `user`. */
    migrationUser: string;
    migrationPassword: string;
  };
  redis: {
    host: string;
    port: number;
    password?: string;
    db: number;
    /** Bound on each command of the connections that requests wait on. */
    commandTimeoutMs: number;
  };
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
  /** Data keys by id (all readable), the id new ciphertexts are written with, the look-up key. */
  patientKeys: { dataKeys: Record<string, Buffer>; writeKeyId: string; lookupKey: Buffer };
  graphql: {
    maxDepth: number;
    maxAliases: number;
    maxCost: number;
    maxTokens: number;
    maxFields: number;
    maxDirectives: number;
  };
  audit: {
    sealEveryMs: number;
    /** HMAC keys of the audit chain by key id; links name the key they were sealed with. */
    chainKeys: ReadonlyMap<string, Buffer>;
    /** The key new links are sealed with. */
    chainKeyId: string;
    /** Where signed checkpoints of each chain head go; null: none are written. */
    checkpointDir: string | null;
    checkpointEveryMs: number;
    /** Ed25519 key pair the worker signs checkpoints with; null in production when not given. */
    checkpointSigner: { privateKey: KeyObject; publicKey: KeyObject } | null;
    /** Keys checkpoints are checked against: AUDIT_CHECKPOINT_PUBLIC_KEYS and the signer's own. */
    checkpointTrustedKeys: KeyObject[];
  };
  outbox: {
    /** How often the relay looks for rows when no notification woke it. */
    pollMs: number;
    /** A published row whose job has not finished this long after it was due is checked in Redis. */
    reconcileAfterMs: number;
  };
  notifications: { deliveryMaxAttempts: number; webhookAllowedHosts: string };
  referrals: { sweepEveryMs: number };
  consultations: { meetingUrlTemplate: string };
  /** Catalogue uploads (HTTP multipart): size limit and how many one process streams at once. */
  drugs: { uploadMaxBytes: number; uploadConcurrency: number };
  /** Visit-data file uploads, likewise. */
  intake: { uploadMaxBytes: number; uploadConcurrency: number };
  /**
   * Clinical documents: size limit, uploads and downloads streaming at once per process, what one user may
   * upload in 24 hours (files, bytes), and how long an upload never attached is kept.
   */
  documents: {
    uploadMaxBytes: number;
    uploadConcurrency: number;
    downloadConcurrency: number;
    dailyFiles: number;
    dailyBytes: number;
    unattachedTtlMs: number;
  };
  /** Log file (appended to); standard output when unset. */
  logFile?: string;
  /** The console's built files (default: dist/console under the project root). */
  consoleDir?: string;
  /** Prometheus metrics: own listeners (port 0: none) and optionally `/metrics` on the main port. */
  metrics: { host: string; apiPort: number; workerPort: number; token?: string };
  /** Origins browsers may call from (socket.io); exact strings or patterns. */
  corsOrigins: (string | RegExp)[];
  /** socket.io connections one api process holds at most; handshakes beyond are refused. */
  socketMaxConnections: number;
}

/** Development's default: any port on this machine; production's: none. */
const DEV_ORIGINS = [/^http:\/\/localhost(:\d+)?$/, /^http:\/\/127\.0\.0\.1(:\d+)?$/];

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
  const patientKeys = patientDataKeys(e, 'PATIENT_DATA_KEY' in present);
  const problems: string[] = [];
  const attempt = <T>(name: string, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      problems.push(`${name}: ${(err as Error).message}`);
      return undefined;
    }
  };
  const chainKeys = attempt('AUDIT_CHAIN_KEYS', () => parseChainKeys(e.AUDIT_CHAIN_KEYS));
  const chainKeyId = e.AUDIT_CHAIN_KEY_ID ?? chainKeys?.keys().next().value;
  if (chainKeys && chainKeyId && !chainKeys.has(chainKeyId)) {
    problems.push(`AUDIT_CHAIN_KEY_ID: ${chainKeyId} is not one of the ids in AUDIT_CHAIN_KEYS`);
  }
  const signingKeyValue =
    e.AUDIT_CHECKPOINT_SIGNING_KEY ?? (e.NODE_ENV === 'production' ? undefined : DEV_CHECKPOINT_KEY);
  const signingKey = signingKeyValue
    ? attempt('AUDIT_CHECKPOINT_SIGNING_KEY', () => parseEd25519PrivateKey(signingKeyValue))
    : null;
  const publicKeys = attempt('AUDIT_CHECKPOINT_PUBLIC_KEYS', () =>
    parseEd25519PublicKeys(e.AUDIT_CHECKPOINT_PUBLIC_KEYS ?? ''),
  );
  if (problems.length) throw new ConfigError(problems);
  if (e.NODE_ENV === 'production') {
    const reused = (Object.keys(DEV_SECRETS) as (keyof typeof DEV_SECRETS)[]).filter(
      (k) => e[k] === DEV_SECRETS[k] && (k !== 'PATIENT_DATA_KEY' || patientKeys.k1FromDataKey),
    );
    problems.push(...reused.map((k) => `${k}: must be set explicitly in production`));
    const devListed = Object.entries(e.PATIENT_DATA_KEYS ?? {}).filter(
      ([, v]) => v === DEV_SECRETS.PATIENT_DATA_KEY,
    );
    if (devListed.length) {
      problems.push(
        `PATIENT_DATA_KEYS: holds the development key (${devListed[0][0]}), refused in production`,
      );
    }
    const devChainKey = parseChainKeys(DEV_SECRETS.AUDIT_CHAIN_KEYS).values().next().value!;
    if (!reused.includes('AUDIT_CHAIN_KEYS') && [...chainKeys!.values()].some((k) => k.equals(devChainKey))) {
      problems.push('AUDIT_CHAIN_KEYS: holds the development key; refused in production');
    }
    if (problems.length) throw new ConfigError(problems);
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
      migrationUser: e.DB_MIGRATION_USER ?? e.DB_USER,
      migrationPassword: e.DB_MIGRATION_PASSWORD ?? (e.DB_MIGRATION_USER === undefined ? e.DB_PASSWORD : ''),
    },
    redis: {
      host: e.REDIS_HOST,
      port: e.REDIS_PORT,
      password: e.REDIS_PASSWORD || undefined,
      db: e.REDIS_DB,
      commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
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
      dataKeys: patientKeys.dataKeys,
      writeKeyId: patientKeys.writeKeyId,
      lookupKey: Buffer.from(e.PATIENT_LOOKUP_KEY, 'base64'),
    },
    graphql: {
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxCost: e.GRAPHQL_MAX_COST,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
      maxFields: e.GRAPHQL_MAX_FIELDS,
      maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
    },
    audit: {
      sealEveryMs: e.AUDIT_SEAL_EVERY_MS,
      chainKeys: chainKeys!,
      chainKeyId: chainKeyId!,
      checkpointDir: e.AUDIT_CHECKPOINT_DIR ?? null,
      checkpointEveryMs: e.AUDIT_CHECKPOINT_EVERY_MS,
      checkpointSigner: signingKey ?? null,
      checkpointTrustedKeys: [...publicKeys!, ...(signingKey ? [signingKey.publicKey] : [])],
    },
    outbox: { pollMs: e.OUTBOX_POLL_MS, reconcileAfterMs: e.OUTBOX_RECONCILE_AFTER_MS },
    notifications: {
      deliveryMaxAttempts: e.DELIVERY_MAX_ATTEMPTS,
      webhookAllowedHosts: e.WEBHOOK_ALLOWED_HOSTS,
    },
    referrals: { sweepEveryMs: e.REFERRAL_SWEEP_EVERY_MS },
    consultations: { meetingUrlTemplate: e.MEETING_URL_TEMPLATE },
    drugs: { uploadMaxBytes: e.DRUG_UPLOAD_MAX_BYTES, uploadConcurrency: e.DRUG_UPLOAD_CONCURRENCY },
    intake: { uploadMaxBytes: e.INTAKE_UPLOAD_MAX_BYTES, uploadConcurrency: e.INTAKE_UPLOAD_CONCURRENCY },
    documents: {
      uploadMaxBytes: e.DOCUMENT_MAX_BYTES,
      uploadConcurrency: e.DOCUMENT_UPLOAD_CONCURRENCY,
      downloadConcurrency: e.DOCUMENT_DOWNLOAD_CONCURRENCY,
      dailyFiles: e.DOCUMENT_DAILY_FILES,
      dailyBytes: e.DOCUMENT_DAILY_BYTES,
      unattachedTtlMs: e.DOCUMENT_UNATTACHED_TTL_MS,
    },
    logFile: e.LOG_FILE,
    consoleDir: e.CONSOLE_DIR || undefined,
    metrics: {
      host: e.METRICS_HOST,
      apiPort: e.METRICS_PORT,
      workerPort: e.WORKER_METRICS_PORT,
      token: e.METRICS_TOKEN,
    },
    corsOrigins:
      e.CORS_ORIGINS === undefined
        ? e.NODE_ENV === 'production'
          ? []
          : DEV_ORIGINS
        : e.CORS_ORIGINS.split(',')
            .map((o) => o.trim())
            .filter(Boolean),
    socketMaxConnections: e.SOCKET_MAX_CONNECTIONS,
  };
}

/**
 * The patient data key ring. PATIENT_DATA_KEY is key `k1` when set, or when PATIENT_DATA_KEYS is
 * not (its development default then applies); PATIENT_DATA_KEYS adds the others. The writing key
 * is PATIENT_DATA_KEY_ID, else the first one listed in PATIENT_DATA_KEYS, else `k1`.
 */
function patientDataKeys(e: Env, dataKeySet: boolean) {
  const listed = Object.keys(e.PATIENT_DATA_KEYS ?? {}).length ? e.PATIENT_DATA_KEYS! : undefined;
  const dataKeys: Record<string, Buffer> = {};
  for (const [id, v] of Object.entries(listed ?? {})) dataKeys[id] = Buffer.from(v, 'base64');
  const k1FromDataKey = !listed || dataKeySet;
  const problems: string[] = [];
  if (k1FromDataKey) {
    const k1 = Buffer.from(e.PATIENT_DATA_KEY, 'base64');
    if (dataKeys.k1 && !dataKeys.k1.equals(k1)) {
      problems.push('PATIENT_DATA_KEYS: key k1 differs from PATIENT_DATA_KEY (which is k1); keep one');
    }
    dataKeys.k1 = k1;
  }
  const writeKeyId = e.PATIENT_DATA_KEY_ID ?? (listed ? Object.keys(listed)[0] : 'k1');
  if (!(writeKeyId in dataKeys)) {
    problems.push(`PATIENT_DATA_KEY_ID: key "${writeKeyId}" is not configured (set it in PATIENT_DATA_KEYS)`);
  }
  if (problems.length) throw new ConfigError(problems);
  return { dataKeys, writeKeyId, k1FromDataKey };
}
