import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig, dataSourceOptions } from '@yg/core';
import { ensureDatabase, runMigrations } from '@yg/schema/migrate';
import { testConfig } from './utils/config';
import { deleteRedisKeys } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { errorCode, TestApi } from './utils/api';
import { eventually, startWorker } from './utils/worker';
import { startPostgres, ThrowawayPostgres } from './utils/throwaway-postgres';

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
    await ensureDatabase(config);
    await runMigrations(config);
    ds = new DataSource(dataSourceOptions(config, { entities: [], migrations: [] }));
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
});
