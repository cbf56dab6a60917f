/** A benchmark's own database: dropped, migrated and seeded with the demo consortium. */
import { DataSource } from 'typeorm';
import type { AppConfig } from '@yg/core/config/app-config';
import { dataSourceOptions, ownerConfig } from '@yg/core/database/data-source-options';
import { dropDatabase } from '@yg/schema/migrate';
import { migrate } from '../apps/cli/src/migrate';
import { seedQianjiang } from '@yg/seed';

/**
 * Returns the owner's connection: the bench arranges and inspects through it, while the api
 * (and any bare baseline) connect as the ordinary role.
 */
export async function freshDemoDb(config: AppConfig): Promise<DataSource> {
  await dropDatabase(config);
  await migrate(config);
  const ds = new DataSource(dataSourceOptions(ownerConfig(config), { entities: [], migrations: [] }));
  await ds.initialize();
  await seedQianjiang(ds, config);
  return ds;
}
