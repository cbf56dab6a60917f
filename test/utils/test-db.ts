import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { Redis } from 'ioredis';
import { AppConfig, dataSourceOptions, ownerConfig } from '@yg/core';
import { dropDatabase, withServer } from '@yg/schema/migrate';
import { TEMPLATE_DB_ENV, testConfig } from './config';

export interface TestDb {
  name: string;
  /** What the api and worker under test use: an ordinary role, and a checkpoint directory of its own. */
  config: AppConfig;
  /** A direct connection as the owner (a superuser), for arranging and inspecting state. */
  ds: DataSource;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database (cloned from the run's template), a private queue prefix and a
 * private directory for audit checkpoints.
 */
export async function createTestDb(overrides: Record<string, string> = {}): Promise<TestDb> {
  const template = process.env[TEMPLATE_DB_ENV];
  if (!template) throw new Error(`${TEMPLATE_DB_ENV} is not set: run tests through jest's global setup`);
  const name = `yg_t_${randomBytes(5).toString('hex')}`;
  const checkpoints = mkdtempSync(join(tmpdir(), `${name}-checkpoints-`));
  const config = testConfig({
    DB_NAME: name,
    QUEUE_PREFIX: `t-${name}`,
    AUDIT_CHECKPOINT_DIR: checkpoints,
    ...overrides,
  });
  await withServer(config, async (admin) => {
    // Cloning needs the template to be idle; retry briefly if another suite is cloning too.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
        return;
      } catch (err) {
        if (attempt > 20 || !/being accessed by other users/.test((err as Error).message)) throw err;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  });
  const ds = new DataSource(dataSourceOptions(ownerConfig(config), { entities: [], migrations: [] }));
  await ds.initialize();
  return {
    name,
    config,
    ds,
    async drop() {
      await ds.destroy();
      await dropDatabase(config);
      await deleteRedisKeys(config, `${config.queuePrefix}:*`);
      rmSync(checkpoints, { recursive: true, force: true });
    },
  };
}

export async function deleteRedisKeys(config: AppConfig, pattern: string): Promise<void> {
  const redis = new Redis({
    host: config.redis.host,
    port: config.redis.port,
    password: config.redis.password,
    db: config.redis.db,
    lazyConnect: true,
  });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } catch {
    // Redis being away must not fail a clean-up.
  } finally {
    redis.disconnect();
  }
}
