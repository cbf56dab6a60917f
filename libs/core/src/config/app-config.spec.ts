import { ConfigError, loadConfig } from './app-config';

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
      /JWT_SECRET.*\n.*PATIENT_DATA_KEY.*\n.*PATIENT_LOOKUP_KEY/s,
    );
  });

  it('accepts production with its own secrets', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const key2 = Buffer.alloc(32, 9).toString('base64');
    const c = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(40),
      PATIENT_DATA_KEY: key,
      PATIENT_LOOKUP_KEY: key2,
    });
    expect(c.isProduction).toBe(true);
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
