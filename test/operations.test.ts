import { readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { io, Socket } from 'socket.io-client';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { errorCode, TestApi } from './utils/api';
import { testConfig } from './utils/config';
import { eventually, startWorker } from './utils/worker';
import { registerPatient } from './utils/referrals';
import { createReferral, freePort } from './pipeline-helpers';

/**
 * Operations: Prometheus metrics (api and worker, own port or token), readiness without
 * internal error text, and browser origins for socket.io from configuration.
 */

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The text exposition format, one sample per line. */
function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparsable metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const hits = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  return hits.length ? hits.reduce((a, s) => a + s.value, 0) : undefined;
}

async function scrape(port: number): Promise<{ text: string; samples: Sample[] }> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/text\/plain/);
  const text = await res.text();
  return { text, samples: parseMetrics(text) };
}

const LONG_NAME = `Q${'x'.repeat(70)}`;

describe('operations', () => {
  let db: TestDb;
  let t: TenantFixture;

  beforeAll(async () => {
    db = await createTestDb();
    t = await buildTenant(db.ds);
  });
  afterAll(async () => {
    await db?.drop();
  });

  const configFor = (extra: Record<string, string>) =>
    testConfig({ DB_NAME: db.name, QUEUE_PREFIX: db.config.queuePrefix, ...extra });

  describe('api metrics on their own port', () => {
    let api: TestApi;
    let port: number;
    let socket: Socket | undefined;

    beforeAll(async () => {
      port = await freePort();
      api = await TestApi.start(configFor({ METRICS_PORT: String(port) }));
    });
    afterAll(async () => {
      socket?.disconnect();
      await api?.close();
    });

    it('serves /metrics on 127.0.0.1 only, and nothing else there', async () => {
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
      // Not on the main port unless a token is configured.
      expect((await api.http.get('/metrics')).status).toBe(404);
    });

    it('counts HTTP requests, operations and errors under bounded labels', async () => {
      const unmatched =
        value((await scrape(port)).samples, 'yg_http_request_duration_seconds_count', {
          route: 'unmatched',
        }) ?? 0;
      const token = await api.login(t.users.admin.username);
      expect((await api.gql('query Me { me { id } }', {}, token)).errors).toBeUndefined();
      expect((await api.gql('query Me { me { id } }', {}, token)).errors).toBeUndefined();
      expect(
        (await api.gql('mutation MarkAll { markNotificationsRead(all: true) }', {}, token)).errors,
      ).toBeUndefined();
      const missing = await api.gql(
        'query Missing { referral(id: "00000000-0000-4000-8000-000000000000") { id } }',
        {},
        token,
      );
      expect(errorCode(missing)).toBe('NOT_FOUND');
      expect(errorCode(await api.gql('{ me { id } }'))).toBe('UNAUTHENTICATED');
      expect(errorCode(await api.gql('query Broken { me { id '))).toBe('GRAPHQL_PARSE_FAILED');
      expect((await api.gql(`query ${LONG_NAME} { me { id } }`, {}, token)).errors).toBeUndefined();
      await api.http.get('/graphql-private-path/13912345678?secret=abc');
      await api.http.get('/health/ready?probe=secret');

      const { text, samples } = await scrape(port);
      const http = 'yg_http_request_duration_seconds_count';
      expect(
        value(samples, http, { method: 'POST', route: '/graphql', status: '200' }),
      ).toBeGreaterThanOrEqual(6);
      expect(value(samples, http, { method: 'GET', route: '/health/ready', status: '200' })).toBe(1);
      // The private path; the main port's /metrics (off here, so no route's) is counted there too.
      expect(value(samples, http, { method: 'GET', route: 'unmatched', status: '404' })).toBe(unmatched + 1);
      expect(value(samples, http, { route: '/metrics' })).toBeUndefined();

      const ops = 'yg_graphql_operation_duration_seconds_count';
      expect(value(samples, ops, { operation: 'Me', type: 'query' })).toBe(2);
      expect(value(samples, ops, { operation: 'MarkAll', type: 'mutation' })).toBe(1);
      expect(value(samples, ops, { operation: 'anonymous', type: 'query' })).toBeGreaterThanOrEqual(1);
      expect(value(samples, ops, { operation: 'invalid', type: 'unknown' })).toBe(1);
      expect(value(samples, ops, { operation: 'other', type: 'query' })).toBe(1);
      const sum = value(samples, 'yg_graphql_operation_duration_seconds_sum', { operation: 'Me' })!;
      expect(sum).toBeGreaterThan(0);
      expect(sum).toBeLessThan(60);

      const errors = 'yg_graphql_errors_total';
      expect(value(samples, errors, { operation: 'Missing', type: 'query', code: 'NOT_FOUND' })).toBe(1);
      expect(value(samples, errors, { operation: 'anonymous', code: 'UNAUTHENTICATED' })).toBe(1);
      expect(value(samples, errors, { operation: 'invalid', code: 'GRAPHQL_PARSE_FAILED' })).toBe(1);
      expect(value(samples, errors, { operation: 'Me' })).toBeUndefined();

      // Nothing a client sent reaches a label beyond the bounded sets.
      for (const leaked of [LONG_NAME, 'secret', 'graphql-private-path', '13912345678', 'probe']) {
        expect(text).not.toContain(leaked);
      }
    });

    it('reports queue depths, the outbox backlog, socket connections and the process', async () => {
      // A row the relay (no worker here) has not published, committed 30 s ago.
      await db.ds.query(
        `INSERT INTO outbox_message (queue, job_name, payload, created_at) VALUES ('events', 'test.waiting', '{}', now() - interval '30 seconds')`,
      );
      await api.app.listen(0, '127.0.0.1');
      const url = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
      socket = io(url, {
        transports: ['websocket'],
        auth: { token: await api.login(t.users.coordinator.username) },
        reconnection: false,
        forceNew: true,
      });
      await eventually(async () => socket!.connected);

      const queues = ['events', 'deliveries', 'timers', 'audit', 'consultation-timers'];
      // A scrape gives each queue 1 s; on a loaded machine the first one can find a connection
      // still opening, which is what yg_queue_up 0 is for. Every queue must answer soon after.
      const samples = await eventually(async () => {
        const s = (await scrape(port)).samples;
        return queues.every((queue) => value(s, 'yg_queue_up', { queue }) === 1) ? s : null;
      }, 10_000);
      for (const q of queues) {
        expect(value(samples, 'yg_queue_up', { queue: q })).toBe(1);
        expect(value(samples, 'yg_queue_jobs', { queue: q, state: 'waiting' })).toBeGreaterThanOrEqual(0);
        expect(value(samples, 'yg_queue_jobs', { queue: q, state: 'failed' })).toBeGreaterThanOrEqual(0);
      }
      expect(value(samples, 'yg_outbox_unpublished')).toBeGreaterThanOrEqual(1);
      expect(value(samples, 'yg_outbox_oldest_unpublished_age_seconds')).toBeGreaterThanOrEqual(29);
      expect(value(samples, 'yg_socket_connections')).toBe(1);
      expect(value(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(value(samples, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
      await db.ds.query(`DELETE FROM outbox_message WHERE job_name = 'test.waiting'`);
    });
  });

  describe('api metrics behind a token on the main port', () => {
    let api: TestApi;
    const TOKEN = 'm'.repeat(40);

    beforeAll(async () => {
      api = await TestApi.start(configFor({ METRICS_TOKEN: TOKEN }));
    });
    afterAll(async () => {
      await api?.close();
    });

    it('refuses a scrape without the token or with another one', async () => {
      const none = await api.http.get('/metrics');
      expect(none.status).toBe(401);
      expect(none.text).not.toContain('yg_');
      const wrong = await api.http.get('/metrics').set('authorization', `Bearer ${'n'.repeat(40)}`);
      expect(wrong.status).toBe(401);
      expect((await api.http.get('/metrics').set('authorization', TOKEN)).status).toBe(401);
    });

    it('answers a scrape with the token', async () => {
      const res = await api.http.get('/metrics').set('authorization', `Bearer ${TOKEN}`);
      expect(res.status).toBe(200);
      const samples = parseMetrics(res.text);
      expect(value(samples, 'yg_queue_up', { queue: 'events' })).toBe(1);
      expect(value(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    });
  });

  describe('worker metrics', () => {
    let api: TestApi;
    let worker: INestApplicationContext;
    let port: number;

    beforeAll(async () => {
      port = await freePort();
      api = await TestApi.start(db.config);
      worker = await startWorker(configFor({ WORKER_METRICS_PORT: String(port) }));
    });
    afterAll(async () => {
      await worker?.close();
      await api?.close();
    });

    it('times processed jobs by queue and name, and counts failures', async () => {
      const village = await api.login(t.users.villageClinician.username);
      const patientId = await registerPatient(api, village);
      await createReferral(api, village, patientId, t.inst.general);
      // A delivery that cannot succeed, with one attempt: a final failure.
      await db.ds.query(
        `INSERT INTO outbox_message (queue, job_name, payload, attempts) VALUES ('deliveries', 'notification.deliver', '{"deliveryId": "not-a-uuid"}', 1)`,
      );
      const samples = await eventually(async () => {
        const s = (await scrape(port)).samples;
        const done = value(s, 'yg_job_duration_seconds_count', {
          queue: 'events',
          name: 'referral.submitted',
          outcome: 'completed',
        });
        const failed = value(s, 'yg_job_failures_total', { queue: 'deliveries', final: 'true' });
        return done && failed ? s : null;
      }, 30_000);
      expect(
        value(samples, 'yg_job_failures_total', { queue: 'deliveries', name: 'notification.deliver' }),
      ).toBe(1);
      expect(value(samples, 'yg_outbox_unpublished')).toBeGreaterThanOrEqual(0);
      expect(value(samples, 'yg_queue_up', { queue: 'deliveries' })).toBe(1);
      expect(value(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    });
  });

  describe('readiness', () => {
    it('answers 503 without internal error text while Redis does not answer, and logs the reason', async () => {
      const closed = await freePort();
      const file = join(tmpdir(), `yg-ready-${process.pid}-${closed}.log`);
      const api = await TestApi.start(
        configFor({ REDIS_PORT: String(closed), LOG_FILE: file, LOG_LEVEL: 'info' }),
      );
      try {
        const ready = await api.http.get('/health/ready').set('x-request-id', 'ready-probe-0001');
        expect(ready.status).toBe(503);
        expect(ready.body).toEqual({
          status: 'unavailable',
          checks: { postgres: { ok: true }, redis: { ok: false }, migrations: { ok: true } },
        });
        expect(ready.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|connect|timed out|detail/i);
        expect(ready.text).not.toContain(String(closed));
        const line = await eventually(async () =>
          readFileSync(file, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l))
            .find((l) => l.context === 'health' && l.check === 'redis'),
        );
        expect(line).toMatchObject({ requestId: 'ready-probe-0001', check: 'redis' });
        expect(line.reason).toEqual(expect.any(String));
      } finally {
        await api.close();
        rmSync(file, { force: true });
      }
    });
  });

  describe('browser origins', () => {
    let api: TestApi;
    const LISTED = 'https://console.hospital.example';

    beforeAll(async () => {
      api = await TestApi.start(configFor({ CORS_ORIGINS: `${LISTED}, http://localhost:5173` }));
    });
    afterAll(async () => {
      await api?.close();
    });

    const handshake = (origin?: string) => {
      const req = request(api.app.getHttpServer()).get('/socket.io/?EIO=4&transport=polling');
      return origin ? req.set('origin', origin) : req;
    };

    it('gives a listed origin the socket.io handshake with CORS headers', async () => {
      const res = await handshake(LISTED);
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(LISTED);
      expect(res.text).toContain('"sid"');
    });

    it('refuses an unlisted origin, without CORS headers', async () => {
      for (const origin of [
        'https://evil.example',
        'null',
        `${LISTED}.evil.example`,
        'http://localhost:3000',
      ]) {
        const res = await handshake(origin);
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
        expect(res.status).toBe(403);
      }
    });

    it('lets pages the api serves itself (the console: same origin) in without listing them', async () => {
      const res = await handshake('https://yg.hospital.example:8443').set('host', 'yg.hospital.example:8443');
      expect(res.status).toBe(200);
      const other = await handshake('https://yg.hospital.example:8443').set('host', 'api.hospital.example');
      expect(other.status).toBe(403);
    });

    it('lets clients that are not browsers (no Origin) through to authenticate', async () => {
      expect((await handshake()).status).toBe(200);
    });

    it('sends no CORS headers on GraphQL over HTTP: browsers on other origins are refused', async () => {
      const res = await request(api.app.getHttpServer())
        .options('/graphql')
        .set('origin', LISTED)
        .set('access-control-request-method', 'POST');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });
  });
});
