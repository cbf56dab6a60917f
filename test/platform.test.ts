import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { HTTP_IDLE_TIMEOUT_MS } from '../apps/api/src/bootstrap';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { errorCode, TestApi } from './utils/api';
import { testConfig } from './utils/config';

const PROD_SECRETS = {
  NODE_ENV: 'production',
  JWT_SECRET: 'p'.repeat(48),
  PATIENT_DATA_KEY: Buffer.alloc(32, 1).toString('base64'),
  PATIENT_LOOKUP_KEY: Buffer.alloc(32, 2).toString('base64'),
  AUDIT_CHAIN_KEYS: `k1:${Buffer.alloc(32, 3).toString('base64')}`,
  AUDIT_CHECKPOINT_SIGNING_KEY: generateKeyPairSync('ed25519')
    .privateKey.export({ type: 'pkcs8', format: 'der' })
    .toString('base64'),
};

describe('platform: health, errors and GraphQL hardening', () => {
  let db: TestDb;
  let api: TestApi;
  let prod: TestApi;
  let t: TenantFixture;
  let token: string;

  beforeAll(async () => {
    db = await createTestDb();
    t = await buildTenant(db.ds);
    api = await TestApi.start(db.config);
    prod = await TestApi.start(
      testConfig({
        DB_NAME: db.name,
        QUEUE_PREFIX: db.config.queuePrefix,
        GRAPHQL_MAX_COST: '300',
        ...PROD_SECRETS,
      }),
    );
    token = await api.login(t.users.admin.username);
  });
  afterAll(async () => {
    await prod?.close();
    await api?.close();
    await db?.drop();
  });

  describe('health', () => {
    it('answers live and ready when Postgres, Redis and migrations are fine', async () => {
      expect((await api.http.get('/health/live')).status).toBe(200);
      const ready = await api.http.get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.checks).toEqual({
        postgres: { ok: true },
        redis: { ok: true },
        migrations: { ok: true },
      });
    });

    it('is not ready while Redis does not answer', async () => {
      const noRedis = await TestApi.start(testConfig({ DB_NAME: db.name, REDIS_PORT: '6399' }));
      try {
        const ready = await noRedis.http.get('/health/ready');
        expect(ready.status).toBe(503);
        expect(ready.body.checks.redis.ok).toBe(false);
        expect(ready.body.checks.postgres.ok).toBe(true);
      } finally {
        await noRedis.close();
      }
    });

    it('stays up while Redis is away past the Redis client’s retry limit (no unhandled rejection)', async () => {
      // Node ends a process on an unhandled rejection. The socket.io adapter subscribes once at
      // start and drops the promises: with Redis away, ioredis rejected them after its 20
      // retries (~31 s with the configured back-off), and the api died.
      const unhandled: unknown[] = [];
      const record = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', record);
      const noRedis = await TestApi.start(testConfig({ DB_NAME: db.name, REDIS_PORT: '6398' }));
      try {
        await new Promise((r) => setTimeout(r, 34_000));
        expect(unhandled.map((e) => (e as Error).message)).toEqual([]);
        expect((await noRedis.http.get('/health/live')).status).toBe(200);
      } finally {
        await noRedis.close();
        process.off('unhandledRejection', record);
      }
    }, 60_000);

    it('is not ready while migrations are pending', async () => {
      await db.ds.query(`CREATE DATABASE ${db.name}_empty`);
      const empty = await TestApi.start(testConfig({ DB_NAME: `${db.name}_empty` }));
      try {
        const ready = await empty.http.get('/health/ready');
        expect(ready.status).toBe(503);
        expect(ready.body.checks.migrations).toMatchObject({ ok: false });
      } finally {
        await empty.close();
        await db.ds.query(`DROP DATABASE ${db.name}_empty WITH (FORCE)`);
      }
    });
  });

  describe('connections', () => {
    it('closes a connection after HTTP_IDLE_TIMEOUT_MS with nothing sent (one that never sent a byte was held for ever)', async () => {
      const server = api.app.getHttpServer() as Server;
      expect(server.timeout).toBe(HTTP_IDLE_TIMEOUT_MS);
      // Node honours an idle timeout on a silent connection only below its header timeout.
      expect(server.headersTimeout).toBeGreaterThan(server.timeout);
      expect(HTTP_IDLE_TIMEOUT_MS).toBeGreaterThan(60_000);
      expect(HTTP_IDLE_TIMEOUT_MS).toBeLessThanOrEqual(120_000);
    });
  });

  describe('errors', () => {
    it('echoes the request id and puts it on errors', async () => {
      const res = await api.http
        .post('/graphql')
        .set('x-request-id', 'trace-0123456789')
        .send({ query: '{ me { id } }' });
      expect(res.headers['x-request-id']).toBe('trace-0123456789');
      expect(res.body.errors[0].extensions).toMatchObject({
        code: 'UNAUTHENTICATED',
        requestId: 'trace-0123456789',
      });
      expect(res.body.errors[0].message).toMatch(/未登录.*Not authenticated/);
    });

    it('answers unexpected failures generically, without internals', async () => {
      await db.ds.query(`ALTER TABLE consortium RENAME TO consortium_moved`);
      try {
        const res = await prod.gql('{ consortium { name } }', {}, await prod.login(t.users.admin.username));
        expect(errorCode(res)).toBe('INTERNAL_SERVER_ERROR');
        expect(res.errors![0].message).toMatch(/服务器内部错误.*Internal server error/);
        expect(JSON.stringify(res.errors)).not.toMatch(/consortium_moved|relation|SELECT|stack/i);
        expect(res.errors![0].extensions!.requestId).toEqual(expect.any(String));
      } finally {
        await db.ds.query(`ALTER TABLE consortium_moved RENAME TO consortium`);
      }
    });

    it('answers what the HTTP layer refuses with a code and a message in both languages', async () => {
      const big = await api.http
        .post('/graphql')
        .set('content-type', 'application/json')
        .send(JSON.stringify({ query: `{ __typename } #${'x'.repeat(1_100_000)}` }));
      expect(big.status).toBe(413);
      expect(big.body.errors).toEqual([
        {
          message: expect.stringMatching(
            /^请求体超过 1024 KB 上限 \(the request body is larger than the 1048576-byte limit\)$/,
          ),
          extensions: { code: 'PAYLOAD_TOO_LARGE', requestId: expect.any(String) },
        },
      ]);
      const notJson = await api.http.post('/graphql').set('content-type', 'application/json').send('{bad');
      expect([notJson.status, notJson.body.errors[0].extensions.code]).toEqual([400, 'BAD_REQUEST']);
      expect(notJson.body.errors[0].message).toMatch(
        /^请求体不是有效的 JSON \(the body is not valid JSON\)$/,
      );
      // Elsewhere the REST shape, as the upload and export endpoints answer.
      const rest = await api.http.post('/admin/login').set('content-type', 'application/json').send('{bad');
      expect([rest.status, rest.body]).toEqual([
        400,
        {
          code: 'BAD_REQUEST',
          message: expect.stringMatching(/^请求体不是有效的 JSON/),
          requestId: expect.any(String),
        },
      ]);
      const nowhere = await api.http.get('/nowhere?id=500114195203140316');
      expect([nowhere.status, nowhere.body]).toEqual([
        404,
        {
          code: 'NOT_FOUND',
          message: '没有这个地址 (no such route): GET /nowhere',
          requestId: expect.any(String),
        },
      ]);
      // Routes' own refusals keep their shape.
      const missing = await api.http.post('/admin/login').send({ username: 'x' });
      expect([missing.status, missing.body.code]).toEqual([400, 'BAD_USER_INPUT']);
    });

    it('answers a file path the console refuses and a /metrics that is off in the same shape (FORBIDDEN / NOT_FOUND, both languages)', async () => {
      // A console build of its own, so that the paths name real files beside and above it.
      const dir = mkdtempSync(join(tmpdir(), 'yg-console-'));
      mkdirSync(join(dir, 'assets'));
      writeFileSync(join(dir, 'index.html'), '<!doctype html><title>控制台</title>');
      writeFileSync(join(dir, 'assets', 'app.js'), 'void 0;');
      writeFileSync(join(tmpdir(), 'yg-secret.json'), '{}');
      const built = await TestApi.start(testConfig({ DB_NAME: db.name, CONSOLE_DIR: dir }));
      try {
        expect((await built.http.get('/console/assets/app.js')).status).toBe(200);
        for (const path of [
          '/console/%2e%2e/yg-secret.json',
          '/console/..%2fyg-secret.json',
          '/console/assets/%2e%2e/%2e%2e/yg-secret.json',
          '/console/assets/../index.html',
        ]) {
          const res = await built.http.get(path);
          expect({ path, status: res.status, body: res.body }).toEqual({
            path,
            status: 403,
            body: {
              code: 'FORBIDDEN',
              message: `不允许访问这个地址 (this path is not allowed): GET ${path}`,
              requestId: expect.any(String),
            },
          });
        }
        // A file that is not there is a route like any other that is not.
        const missing = await built.http.get('/console/assets/gone.js');
        expect([missing.status, missing.body]).toEqual([
          404,
          {
            code: 'NOT_FOUND',
            message: '没有这个地址 (no such route): GET /console/assets/gone.js',
            requestId: expect.any(String),
          },
        ]);
      } finally {
        await built.close();
        rmSync(dir, { recursive: true, force: true });
        rmSync(join(tmpdir(), 'yg-secret.json'), { force: true });
      }

      // Without METRICS_TOKEN the main port has no /metrics, and says so as for any path.
      const metrics = await api.http.get('/metrics?x=1');
      expect([metrics.status, metrics.body]).toEqual([
        404,
        {
          code: 'NOT_FOUND',
          message: '没有这个地址 (no such route): GET /metrics',
          requestId: expect.any(String),
        },
      ]);
    });

    it('puts a Chinese lead before the English of graphql-js’s own refusals', async () => {
      const broken = await api.gql('query Broken { me { id ');
      expect(errorCode(broken)).toBe('GRAPHQL_PARSE_FAILED');
      expect(broken.errors![0].message).toMatch(/^查询语法有误 \(syntax error\): Syntax Error: /);
      const unknown = await api.gql('{ nosuchfield }');
      expect(unknown.errors![0].message).toMatch(
        /^查询与接口定义不符 \(the query does not fit the schema\): Cannot query field/,
      );
      // Under the token and field limits, but past graphql-js's budget for comparing fields.
      const aborted = await api.gql(`{ ${'__typename '.repeat(800)}}`);
      expect(errorCode(aborted)).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(aborted.errors![0].message).toMatch(/^查询中可合并比较的字段过多.*validation was aborted/);
    });

    it('turns invalid input into BAD_USER_INPUT naming the field', async () => {
      const res = await api.gql(`{ institutions(first: 0) { nodes { id } } }`, {}, token);
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0].extensions!.fields[0].field).toBe('first');
    });
  });

  describe('GraphQL limits', () => {
    it('refuses queries nested deeper than the limit', async () => {
      const deep = `{ institutions { nodes { parent { parent { parent { parent { parent { parent { parent { id } } } } } } } } } }`;
      const res = await api.gql(deep, {}, token);
      expect(errorCode(res)).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(res.errors![0].message).toMatch(/depth/);
    });

    it('refuses documents with too many aliases', async () => {
      const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: consortium { id }`).join(' ');
      const res = await api.gql(`{ ${aliases} }`, {}, token);
      expect(errorCode(res)).toBe('GRAPHQL_VALIDATION_FAILED');
    });

    it('refuses queries whose cost exceeds the limit, counting page sizes', async () => {
      const cheap = await prod.gql(
        `{ institutions(first: 5) { nodes { id name } } }`,
        {},
        await prod.login(t.users.admin.username),
      );
      expect(cheap.errors).toBeUndefined();
      const costly = await prod.gql(
        `{ institutions(first: 100) { nodes { id name parent { id name } departments { id name } } } }`,
        {},
        await prod.login(t.users.admin.username),
      );
      expect(errorCode(costly)).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(costly.errors![0].message).toMatch(/cost/);
    });

    it('estimates a repeated document once, but a page size given by a variable every time', async () => {
      const tok = await prod.login(t.users.admin.username);
      const FIXED = `{ institutions(first: 100) { nodes { id name parent { id name } departments { id name } } } }`;
      for (let i = 0; i < 2; i++)
        expect(errorCode(await prod.gql(FIXED, {}, tok))).toBe('GRAPHQL_VALIDATION_FAILED');
      const PAGED = `query($n: Int!) { institutions(first: $n) { nodes { id name parent { id name } departments { id name } } } }`;
      expect((await prod.gql(PAGED, { n: 2 }, tok)).errors).toBeUndefined();
      expect(errorCode(await prod.gql(PAGED, { n: 100 }, tok))).toBe('GRAPHQL_VALIDATION_FAILED');
      expect((await prod.gql(PAGED, { n: 2 }, tok)).errors).toBeUndefined();
    });

    describe('without a token, before any work', () => {
      /** N fragments each spreading the next twice: 2^N fields once expanded, under 1 KB. */
      const fragmentBomb = (n: number) =>
        `{consortium{...F0}}${Array.from({ length: n }, (_, i) => `fragment F${i} on Consortium{...F${i + 1} ...F${i + 1}}`).join('')}fragment F${n} on Consortium{id}`;

      it('refuses a fragment bomb, naming the field limit', async () => {
        const bomb = fragmentBomb(24);
        expect(bomb.length).toBeLessThan(1100);
        const res = await api.http
          .post('/graphql')
          .set('content-type', 'application/json')
          .send({ query: bomb });
        expect(res.status).toBe(400);
        expect(res.body.errors).toHaveLength(1);
        expect(res.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
        expect(res.body.errors[0].message).toMatch(
          /^查询字段过多 \(Query selects 16777217 fields with fragments expanded; the limit is 1000\)$/,
        );
      });

      it('refuses a document over the token limit before parsing the rest, naming the limit', async () => {
        const long = `{ consortium { ${'id '.repeat(1_000)} } }`;
        const res = await api.http
          .post('/graphql')
          .set('content-type', 'application/json')
          .send({ query: long });
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([
          {
            message: '查询过长 (The document has more than 1000 tokens, the limit)',
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED', requestId: expect.any(String) },
          },
        ]);
        // At the limit it parses (and then asks for a token): 15 tokens around the list.
        const atLimit = `{ referrals(states: [${'SUBMITTED '.repeat(985)}]) { nodes { id } } }`;
        expect(errorCode(await api.gql(atLimit))).toBe('UNAUTHENTICATED');
      });

      it('refuses a document with too many directives', async () => {
        const res = await api.gql(`{ consortium { ${'id @include(if: true) '.repeat(51)} } }`);
        expect(res.status).toBe(400);
        expect(errorCode(res)).toBe('GRAPHQL_VALIDATION_FAILED');
        expect(res.errors![0].message).toMatch(/^指令过多 \(More than 50 directives in one request\)$/);
      });
    });

    it('refuses batched requests', async () => {
      const res = await api.http
        .post('/graphql')
        .set('authorization', `Bearer ${token}`)
        .send([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]);
      expect(res.status).toBeGreaterThanOrEqual(400);
    });

    it('turns off introspection and the landing page in production, not in development', async () => {
      const q = '{ __schema { queryType { name } } }';
      expect((await api.gql(q)).data?.__schema.queryType.name).toBe('Query');
      const prodRes = await prod.gql(q);
      expect(prodRes.data).toBeFalsy();
      expect(JSON.stringify(prodRes.errors)).toMatch(/introspection/i);
      const landing = await prod.http.get('/graphql').set('accept', 'text/html');
      expect(landing.text ?? '').not.toMatch(/graphiql/i);
    });

    it('blocks simple-request CSRF (no JSON content type, no preflight header)', async () => {
      const res = await api.http.get('/graphql').query({ query: '{ __typename }' });
      expect(res.status).toBe(400);
    });
  });
});
