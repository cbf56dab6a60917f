import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, loadConfig } from './app-config';
import { DEV_SECRETS } from './config.schema';

describe('loadConfig', () => {
  it('works on a developer machine with no variables set', () => {
    const c = loadConfig({});
    expect(c.db).toMatchObject({ host: '127.0.0.1', port: 5432, user: 'postgres' });
    expect(c.redis).toMatchObject({ host: '127.0.0.1', port: 6379 });
    expect(Object.keys(c.patientKeys.dataKeys)).toEqual(['k1']);
    expect(c.patientKeys.dataKeys.k1).toHaveLength(32);
    expect(c.patientKeys.writeKeyId).toBe('k1');
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ JWT_SECRET: '', DB_PORT: '' }).db.port).toBe(5432);
  });

  it('names every malformed variable', () => {
    try {
      loadConfig({ DB_PORT: 'abc', JWT_SECRET: 'short', PATIENT_DATA_KEY: 'bm90LTMyLWJ5dGVz' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const msg = (err as Error).message;
      expect(msg).toContain('DB_PORT');
      expect(msg).toContain('JWT_SECRET');
      expect(msg).toContain('PATIENT_DATA_KEY');
    }
  });

  it('refuses the development secrets in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /JWT_SECRET.*\n.*PATIENT_DATA_KEY.*\n.*PATIENT_LOOKUP_KEY.*\n.*AUDIT_CHAIN_KEYS/s,
    );
    expect(() =>
      loadConfig({
        ...prodSecrets(),
        AUDIT_CHECKPOINT_SIGNING_KEY: DEV_SECRETS.AUDIT_CHECKPOINT_SIGNING_KEY,
      }),
    ).toThrow(/AUDIT_CHECKPOINT_SIGNING_KEY: must be set explicitly in production/);
  });

  it('holds no checkpoint signing key in production unless given one (only the worker signs)', () => {
    const { AUDIT_CHECKPOINT_SIGNING_KEY: _unused, ...withoutSigner } = prodSecrets();
    const c = loadConfig(withoutSigner);
    expect(c.audit.checkpointSigner).toBeNull();
    expect(c.audit.checkpointTrustedKeys).toEqual([]);
    expect(loadConfig({}).audit.checkpointSigner).not.toBeNull();
  });

  const prodSecrets = () => ({
    NODE_ENV: 'production',
    JWT_SECRET: 'x'.repeat(40),
    PATIENT_DATA_KEY: Buffer.alloc(32, 7).toString('base64'),
    PATIENT_LOOKUP_KEY: Buffer.alloc(32, 9).toString('base64'),
    AUDIT_CHAIN_KEYS: `k1:${Buffer.alloc(32, 5).toString('base64')}`,
    AUDIT_CHECKPOINT_SIGNING_KEY: generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'der' })
      .toString('base64'),
  });

  it('accepts production with its own secrets', () => {
    const c = loadConfig(prodSecrets());
    expect(c.isProduction).toBe(true);
    expect(c.audit.chainKeyId).toBe('k1');
  });

  it('refuses the development chain key in production under another id too', () => {
    const devKey = DEV_SECRETS.AUDIT_CHAIN_KEYS.split(':')[1];
    expect(() => loadConfig({ ...prodSecrets(), AUDIT_CHAIN_KEYS: `k1:${devKey}` })).toThrow(
      /AUDIT_CHAIN_KEYS: holds the development key/,
    );
  });
});

describe('database roles', () => {
  it('migrates as DB_USER unless DB_MIGRATION_USER names the owner', () => {
    expect(loadConfig({ DB_USER: 'app', DB_PASSWORD: 'pw' }).db).toMatchObject({
      user: 'app',
      migrationUser: 'app',
      migrationPassword: 'pw',
    });
    expect(
      loadConfig({
        DB_USER: 'app',
        DB_PASSWORD: 'pw',
        DB_MIGRATION_USER: 'owner',
        DB_MIGRATION_PASSWORD: 'opw',
      }).db,
    ).toMatchObject({ user: 'app', password: 'pw', migrationUser: 'owner', migrationPassword: 'opw' });
    // The app's password is not the owner's.
    expect(
      loadConfig({ DB_USER: 'app', DB_PASSWORD: 'pw', DB_MIGRATION_USER: 'owner' }).db.migrationPassword,
    ).toBe('');
  });
});

describe('audit chain keys', () => {
  it('writes with AUDIT_CHAIN_KEY_ID, else the first key, and keeps the others for reading', () => {
    const keys = `old:${Buffer.alloc(32, 1).toString('base64')},new:${Buffer.alloc(32, 2).toString('base64')}`;
    expect(loadConfig({ AUDIT_CHAIN_KEYS: keys }).audit.chainKeyId).toBe('old');
    const c = loadConfig({ AUDIT_CHAIN_KEYS: keys, AUDIT_CHAIN_KEY_ID: 'new' });
    expect(c.audit.chainKeyId).toBe('new');
    expect([...c.audit.chainKeys.keys()]).toEqual(['old', 'new']);
  });

  it('names a writing key id that is not among the keys, and malformed keys', () => {
    expect(() => loadConfig({ AUDIT_CHAIN_KEY_ID: 'nope' })).toThrow(/AUDIT_CHAIN_KEY_ID: nope/);
    expect(() =>
      loadConfig({ AUDIT_CHAIN_KEYS: 'k1:short', AUDIT_CHECKPOINT_SIGNING_KEY: 'garbage' }),
    ).toThrow(/AUDIT_CHAIN_KEYS.*\n.*AUDIT_CHECKPOINT_SIGNING_KEY/s);
  });
});

describe('patient data keys', () => {
  const key = (n: number) => Buffer.alloc(32, n).toString('base64');
  const prod = {
    NODE_ENV: 'production',
    JWT_SECRET: 'x'.repeat(40),
    PATIENT_LOOKUP_KEY: key(9),
    AUDIT_CHAIN_KEYS: `k1:${key(5)}`,
  };

  it('keeps PATIENT_DATA_KEY working as key k1, the writing key', () => {
    const c = loadConfig({ PATIENT_DATA_KEY: key(1) });
    expect(c.patientKeys.dataKeys).toEqual({ k1: Buffer.alloc(32, 1) });
    expect(c.patientKeys.writeKeyId).toBe('k1');
  });

  it('reads several keys from PATIENT_DATA_KEYS; PATIENT_DATA_KEY_ID (else the first listed) writes', () => {
    const both = loadConfig({ PATIENT_DATA_KEYS: `k2:${key(2)}, k1:${key(1)}`, PATIENT_DATA_KEY_ID: 'k2' });
    expect(both.patientKeys.dataKeys).toEqual({ k2: Buffer.alloc(32, 2), k1: Buffer.alloc(32, 1) });
    expect(both.patientKeys.writeKeyId).toBe('k2');
    expect(loadConfig({ PATIENT_DATA_KEYS: `k3:${key(3)},k2:${key(2)}` }).patientKeys.writeKeyId).toBe('k3');
    // The development default is not slipped in beside an explicit list.
    expect(Object.keys(loadConfig({ PATIENT_DATA_KEYS: `k2:${key(2)}` }).patientKeys.dataKeys)).toEqual([
      'k2',
    ]);
  });

  it('adds an explicit PATIENT_DATA_KEY to the list as k1 (rotating away from it)', () => {
    const c = loadConfig({ PATIENT_DATA_KEY: key(1), PATIENT_DATA_KEYS: `k2:${key(2)}` });
    expect(c.patientKeys.dataKeys).toEqual({ k2: Buffer.alloc(32, 2), k1: Buffer.alloc(32, 1) });
    expect(c.patientKeys.writeKeyId).toBe('k2');
  });

  it.each([
    ['a list item without a key', { PATIENT_DATA_KEYS: 'k2' }, /PATIENT_DATA_KEYS: must be id:key pairs/],
    [
      'a key id with a dot',
      { PATIENT_DATA_KEYS: `k.2:${key(2)}` },
      /PATIENT_DATA_KEYS: must be id:key pairs/,
    ],
    [
      'a 16-byte key',
      { PATIENT_DATA_KEYS: `k2:${Buffer.alloc(16).toString('base64')}` },
      /PATIENT_DATA_KEYS: must be id:key pairs/,
    ],
    [
      'a key id listed twice',
      { PATIENT_DATA_KEYS: `k2:${key(2)},k2:${key(3)}` },
      /PATIENT_DATA_KEYS: key id "k2" is listed twice/,
    ],
    [
      'a writing key that is not listed',
      { PATIENT_DATA_KEYS: `k2:${key(2)}`, PATIENT_DATA_KEY_ID: 'k3' },
      /PATIENT_DATA_KEY_ID: key "k3" is not configured/,
    ],
    [
      'a writing key id without keys',
      { PATIENT_DATA_KEY_ID: 'k2' },
      /PATIENT_DATA_KEY_ID: key "k2" is not configured/,
    ],
    ['a malformed writing key id', { PATIENT_DATA_KEY_ID: 'k.2' }, /PATIENT_DATA_KEY_ID/],
    [
      'two different keys k1',
      { PATIENT_DATA_KEY: key(1), PATIENT_DATA_KEYS: `k1:${key(5)}` },
      /PATIENT_DATA_KEYS: key k1 differs from PATIENT_DATA_KEY/,
    ],
  ])('refuses %s, naming the variable', (_label, env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('refuses the development data key in production, wherever it is given', () => {
    const dev = loadConfig({}).patientKeys.dataKeys.k1.toString('base64');
    expect(() => loadConfig(prod)).toThrow(/PATIENT_DATA_KEY: must be set explicitly/);
    expect(() => loadConfig({ ...prod, PATIENT_DATA_KEYS: `k2:${key(2)},k1:${dev}` })).toThrow(
      /PATIENT_DATA_KEYS: holds the development key \(k1\)/,
    );
    const c = loadConfig({ ...prod, PATIENT_DATA_KEYS: `k2:${key(2)}` });
    expect(Object.keys(c.patientKeys.dataKeys)).toEqual(['k2']);
  });
});

describe('session and login limits', () => {
  it('bounds JWT_TTL_SECONDS at one hour, naming it', () => {
    expect(loadConfig({ JWT_TTL_SECONDS: '3600' }).auth.jwtTtlSeconds).toBe(3600);
    expect(() => loadConfig({ JWT_TTL_SECONDS: '86400' })).toThrow(/JWT_TTL_SECONDS.*at most 3600/);
  });

  it('bounds SESSION_RECHECK_MS (how long a revoked session can outlive a lost broadcast) at a minute', () => {
    expect(loadConfig({}).auth.sessionRecheckMs).toBe(5000);
    expect(() => loadConfig({ SESSION_RECHECK_MS: '600000' })).toThrow(/SESSION_RECHECK_MS/);
  });

  it('has login rate limits by default', () => {
    expect(loadConfig({}).auth.loginRate).toEqual({
      windowSeconds: 60,
      maxPerAddress: 60,
      maxPerUsername: 10,
    });
    expect(() => loadConfig({ LOGIN_RATE_MAX_PER_ADDRESS: '0' })).toThrow(/LOGIN_RATE_MAX_PER_ADDRESS/);
  });
});

describe('MEETING_URL_TEMPLATE', () => {
  it('must be an https URL with a {consultationId} placeholder', () => {
    expect(
      loadConfig({ MEETING_URL_TEMPLATE: 'https://meet.example.org/room/{consultationId}' }).consultations
        .meetingUrlTemplate,
    ).toContain('{consultationId}');
    expect(() => loadConfig({ MEETING_URL_TEMPLATE: 'http://meet.example.org/fixed' })).toThrow(
      /MEETING_URL_TEMPLATE/,
    );
  });
});

describe('CORS_ORIGINS', () => {
  const PROD = {
    NODE_ENV: 'production',
    JWT_SECRET: 'x'.repeat(40),
    PATIENT_DATA_KEY: Buffer.alloc(32, 7).toString('base64'),
    PATIENT_LOOKUP_KEY: Buffer.alloc(32, 9).toString('base64'),
    AUDIT_CHAIN_KEYS: `k1:${Buffer.alloc(32, 5).toString('base64')}`,
  };

  it('defaults to none in production and to this machine in development', () => {
    expect(loadConfig(PROD).corsOrigins).toEqual([]);
    const dev = loadConfig({}).corsOrigins;
    const allowed = (o: string) => dev.some((a) => (typeof a === 'string' ? a === o : a.test(o)));
    expect(allowed('http://localhost:5173')).toBe(true);
    expect(allowed('http://127.0.0.1:3000')).toBe(true);
    expect(allowed('http://localhost.evil.example')).toBe(false);
    expect(allowed('https://evil.example')).toBe(false);
  });

  it('takes a comma-separated list of origins and refuses anything else', () => {
    expect(
      loadConfig({ ...PROD, CORS_ORIGINS: 'https://a.example, http://b.example:8080' }).corsOrigins,
    ).toEqual(['https://a.example', 'http://b.example:8080']);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://a.example/path' })).toThrow(/CORS_ORIGINS/);
    expect(() => loadConfig({ CORS_ORIGINS: '*' })).toThrow(/CORS_ORIGINS/);
  });
});

describe('metrics settings', () => {
  it('listen on the loopback by default, and a token must be long', () => {
    expect(loadConfig({}).metrics).toEqual({
      host: '127.0.0.1',
      apiPort: 9464,
      workerPort: 9465,
      token: undefined,
    });
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
  });
});
