import { DataSource } from 'typeorm';
import type { AppConfig } from '@yg/core/config/app-config';
import { dataSourceOptions } from '@yg/core/database/data-source-options';
import { MIGRATIONS } from './migrations';

/** Applies pending migrations; returns the names applied. */
export async function runMigrations(config: AppConfig): Promise<string[]> {
  const ds = new DataSource(dataSourceOptions(config, { entities: [], migrations: MIGRATIONS }));
  await ds.initialize();
  try {
    await ds.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}

/** Creates the database named in the config when it does not exist yet. */
export async function ensureDatabase(config: AppConfig): Promise<void> {
  const admin = new DataSource(
    dataSourceOptions(
      { ...config, db: { ...config.db, name: 'postgres' } },
      { entities: [], migrations: [] },
    ),
  );
  await admin.initialize();
  try {
    const [exists] = await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [config.db.name]);
    if (!exists) await admin.query(`CREATE DATABASE "${config.db.name.replace(/"/g, '""')}"`);
  } finally {
    await admin.destroy();
  }
}
