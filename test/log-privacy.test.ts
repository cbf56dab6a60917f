import { randomInt } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { TestApi } from './utils/api';
import { testConfig } from './utils/config';
import { randomResidentId } from './utils/referrals';
import { eventually } from './utils/worker';
import { personalDataIn } from './utils/log-scan';

/**
 * ID and phone numbers sent in every place a client can put them — a query string, a path, a
 * request id, variables, inline literals, an argument that makes the server fail — never reach
 * the log. The api here logs at debug to a file of its own, which the tests then read.
 */
describe('personal data in logs', () => {
  let db: TestDb;
  let api: TestApi;
  let t: TenantFixture;
  let token: string;
  const file = join(tmpdir(), `yg-log-privacy-${process.pid}-${randomInt(1e9)}.log`);
  const idNumber = randomResidentId();
  const phone = `139${String(randomInt(1e8)).padStart(8, '0')}`;
  const lines = () =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => ({ raw: l, json: JSON.parse(l) as Record<string, any> }));
  /** Waits for the access line of a request (pino writes asynchronously). */
  const accessLine = (requestId: string) =>
    eventually(async () =>
      lines().find((l) => l.json.context === 'http' && l.json.requestId === requestId && l.json.res),
    );

  beforeAll(async () => {
    db = await createTestDb();
    t = await buildTenant(db.ds);
    api = await TestApi.start(
      testConfig({
        DB_NAME: db.name,
        QUEUE_PREFIX: db.config.queuePrefix,
        LOG_LEVEL: 'debug',
        LOG_FILE: file,
      }),
    );
    token = await api.login(t.users.villageClinician.username);
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
    rmSync(file, { force: true });
  });

  const registration = `mutation { registerPatient(input: { name: "测试", idNumber: "${idNumber}", phone: "${phone}", residenceDivisionCode: "500114101" }) { id } }`;

  it('logs a mutation sent as GET (refused with 405) by its path, without the query string', async () => {
    const url = `/graphql?query=${encodeURIComponent(registration)}`;
    for (const [rid, headers] of [
      ['log-get-plain-01', {}],
      ['log-get-preflight-01', { 'apollo-require-preflight': 'true' }],
    ] as const) {
      const res = await api.http
        .get(url)
        .set('x-request-id', rid)
        .set('authorization', `Bearer ${token}`)
        .set(headers);
      expect(res.status).toBeGreaterThanOrEqual(400);
      const line = await accessLine(rid);
      expect(line.json.req).toEqual({ method: 'GET', url: '/graphql' });
      expect(line.raw).not.toContain('query=');
    }
    expect((await accessLine('log-get-preflight-01')).json.res.statusCode).toBe(405);
  });

  it('keeps them out of every line, wherever a client puts them', async () => {
    // Bad input carrying both, inline and as variables.
    await api.http
      .post('/graphql')
      .set('x-request-id', 'log-bad-input-01')
      .set('authorization', `Bearer ${token}`)
      .send({
        query: `mutation($i: RegisterPatientInput!) { registerPatient(input: $i) { id } } # ${idNumber} ${phone}`,
        variables: { i: { name: '', idNumber, phone, residenceDivisionCode: 'x' } },
      });
    // A value the server chokes on (logged as an unexpected error, if it is one).
    await api.http
      .post('/graphql')
      .set('x-request-id', 'log-unexpected-01')
      .set('authorization', `Bearer ${token}`)
      .send({ query: `{ expertAvailability(expertId: "${idNumber}") { expertId } }` });
    // In the path, and as the request id itself.
    await api.http.get(`/patients/${idNumber}/${phone}`).set('x-request-id', 'log-path-01');
    await api.http.post('/graphql').set('x-request-id', phone).send({ query: '{ me { id } }' });
    await accessLine('log-path-01');
    await accessLine('log-unexpected-01');
    await accessLine('log-bad-input-01');
    await eventually(async () =>
      lines().some(
        (l) =>
          l.json.context === 'http' &&
          l.json.req?.method === 'POST' &&
          l.json.requestId === '[phone-redacted]',
      ),
    );

    const all = lines();
    expect(all.length).toBeGreaterThan(5);
    const leaks = all.filter(
      (l) => l.raw.includes(idNumber) || l.raw.includes(phone) || personalDataIn(l.raw),
    );
    expect(leaks.map((l) => l.json.requestId)).toEqual([]);
  });
});
