import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig, dataSourceOptions, ownerConfig } from '@yg/core';
import { migrate } from '../apps/cli/src/migrate';
import { testConfig } from './utils/config';
import { deleteRedisKeys } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { errorCode, TestApi } from './utils/api';
import { eventually, startWorker } from './utils/worker';
import { startPostgres, ThrowawayPostgres } from './utils/throwaway-postgres';
import { registerPatient } from './utils/referrals';
import { createReferral, CreatedReferral } from './pipeline-helpers';
import { Client } from 'pg';

/**
 * The database going away under a running api and worker, on a private Postgres cluster
 * (the shared server on 5432 is never stopped).
 */
describe('a Postgres that stops and restarts', () => {
  let pg: ThrowawayPostgres;
  let config: AppConfig;
  let ds: DataSource;
  let t: TenantFixture;
  let api: TestApi;
  let worker: INestApplicationContext | undefined;

  beforeAll(async () => {
    pg = await startPostgres();
    config = testConfig({
      DB_PORT: String(pg.port),
      DB_NAME: 'yg_faults',
      QUEUE_PREFIX: `t-pgf-${randomBytes(4).toString('hex')}`,
    });
    // As `cli migrate` does: the owner migrates and makes the apps' ordinary role on this cluster.
    await migrate(config);
    ds = new DataSource(dataSourceOptions(ownerConfig(config), { entities: [], migrations: [] }));
    await ds.initialize();
    t = await buildTenant(ds);
    api = await TestApi.start(config);
    worker = await startWorker(config);
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await ds?.destroy().catch(() => undefined);
    await pg?.destroy();
    if (config) await deleteRedisKeys(config, `${config.queuePrefix}:*`);
  });

  const INSTITUTIONS = `{ institutions(first: 1) { nodes { id } } }`;

  it('answers SERVICE_UNAVAILABLE (HTTP 503, retryable) while the database is down, and recovers without a restart', async () => {
    const admin = await api.login(t.users.admin.username);
    expect((await api.gql(INSTITUTIONS, {}, admin)).errors).toBeUndefined();

    await pg.stop();
    try {
      for (const res of [
        await api.gql(INSTITUTIONS, {}, admin),
        // Login reads the user first: the same answer, not a wrong-password one.
        await api.gql(
          `mutation { login(username: "${t.users.coordinator.username}", password: "x") { token } }`,
        ),
      ]) {
        expect(res.status).toBe(503);
        expect(res.errors).toEqual([
          expect.objectContaining({
            message: '服务暂时不可用,请稍后重试 (Service temporarily unavailable; retry shortly)',
            extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', retryable: true }),
          }),
        ]);
      }
    } finally {
      await pg.start();
    }

    const back = await eventually(async () => {
      const res = await api.gql(INSTITUTIONS, {}, admin);
      return res.errors ? undefined : res;
    }, 15_000);
    expect(back.status).toBe(200);
    expect(errorCode(back)).toBeUndefined();
  }, 60_000);

  async function notified(r: CreatedReferral): Promise<boolean> {
    const rows: unknown[] = await ds.query(
      `SELECT 1 FROM notification WHERE payload->>'referralId' = $1 AND kind = 'referral.submitted'`,
      [r.id],
    );
    return rows.length > 0;
  }

  it('publishes new outbox rows again after a restart, without a worker restart', async () => {
    const village = await api.login(t.users.villageClinician.username);
    const patientId = await registerPatient(api, village);
    const warm = await createReferral(api, village, patientId, t.inst.general);
    await eventually(() => notified(warm), 10_000);

    await pg.restart();
    // The first change after the restart may meet the api's pool or the relay in their error backoff.
    const first = await eventually(() => createReferral(api, village, patientId, t.inst.general), 15_000);
    await eventually(() => notified(first), 20_000);
    const second = await createReferral(api, village, patientId, t.inst.general);
    await eventually(() => notified(second), 10_000);
  }, 90_000);

  it('lets writers of the outbox commit without NOTIFY (which would serialise every commit of the cluster)', async () => {
    const listener = new Client({
      host: config.db.host,
      port: pg.port,
      user: config.db.user,
      password: config.db.password,
      database: config.db.name,
    });
    await listener.connect();
    try {
      const heard: string[] = [];
      listener.on('notification', (n) => heard.push(n.channel));
      await listener.query('LISTEN outbox');
      const village = await api.login(t.users.villageClinician.username);
      const patientId = await registerPatient(api, village);
      const r = await createReferral(api, village, patientId, t.inst.general);
      // Published by the relay's poll and handled: the fan-out wrote outbox rows of its own too.
      await eventually(() => notified(r), 10_000);
      await eventually(async () => {
        const [{ n }] = await ds.query(
          `SELECT count(*)::int AS n FROM outbox_message WHERE published_at IS NULL`,
        );
        return n === 0;
      }, 10_000);
      // Any notification the commits sent would have reached this connection by now.
      await listener.query('SELECT 1');
      expect(heard).toEqual([]);
    } finally {
      await listener.end();
    }
  });
});
