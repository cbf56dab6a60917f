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
