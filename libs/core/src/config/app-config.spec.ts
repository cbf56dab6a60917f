import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, loadConfig } from './app-config';
import { DEV_SECRETS } from './config.schema';

describe('loadConfig', () => {
  it('works on a developer machine with no variables set', () => {
    const c = loadConfig({});
    expect(c.db).toMatchObject({ host: '127.0.0.1', port: 5432, user: 'postgres' });
    expect(c.redis).toMatchObject({ host: '127.0.0.1', port: 6379 });
    expect(c.patientKeys.dataKey).toHaveLength(32);
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
