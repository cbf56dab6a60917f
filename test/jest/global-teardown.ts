import './paths';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@yg/core/database/data-source-options';
import { TEMPLATE_DB_ENV, testConfig } from '../utils/config';

export default async function globalTeardown(): Promise<void> {
  const name = process.env[TEMPLATE_DB_ENV];
  if (!name) return;
  const config = testConfig();
  const admin = new DataSource(
    dataSourceOptions(
      { ...config, db: { ...config.db, name: 'postgres' } },
      { entities: [], migrations: [] },
    ),
  );
  await admin.initialize();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.destroy();
  }
}
