import { DataSource } from 'typeorm';
import type { AppConfig } from '@yg/core/config/app-config';
import { dataSourceOptions, ownerConfig } from '@yg/core/database/data-source-options';
import { MIGRATIONS } from './migrations';

/** Applies pending migrations as the schema owner; returns the names applied. */
export async function runMigrations(config: AppConfig): Promise<string[]> {
  const ds = new DataSource(dataSourceOptions(ownerConfig(config), { entities: [], migrations: MIGRATIONS }));
  await ds.initialize();
  try {
    await ds.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}

/**
 * Runs `fn` as the schema owner on a connection to the server's own `postgres` database, to
 * create or drop others.
 */
export async function withServer<T>(config: AppConfig, fn: (admin: DataSource) => Promise<T>): Promise<T> {
  const owner = ownerConfig(config);
  const admin = new DataSource(
    dataSourceOptions({ ...owner, db: { ...owner.db, name: 'postgres' } }, { entities: [], migrations: [] }),
  );
  await admin.initialize();
  try {
    return await fn(admin);
  } finally {
    await admin.destroy();
  }
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Creates the database named in the config when it does not exist yet. */
export async function ensureDatabase(config: AppConfig): Promise<void> {
  await withServer(config, async (admin) => {
    const [exists] = await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [config.db.name]);
    if (!exists) await admin.query(`CREATE DATABASE ${quoted(config.db.name)}`);
  });
}

/** Drops the database named in the config, if it exists, closing its connections. */
export async function dropDatabase(config: AppConfig): Promise<void> {
  await withServer(config, (admin) =>
    admin.query(`DROP DATABASE IF EXISTS ${quoted(config.db.name)} WITH (FORCE)`),
  );
}
