import './paths';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropDatabase } from '@yg/schema/migrate';
import { migrate } from '../../apps/cli/src/migrate';
import { TEMPLATE_DB_ENV, TEST_LOG_FILE_ENV, testConfig } from '../utils/config';

/**
 * Migrates one template database per run, as `cli migrate` does (the owner migrates, the apps'
 * role is made ordinary); every suite clones it (CREATE DATABASE … TEMPLATE), which is far
 * quicker than migrating per suite and still starts each suite from scratch. Grants live in
 * the database and clone with it; the roles are the server's.
 * Every process of the run logs to one file, which the teardown searches for personal data.
 */
export default async function globalSetup(): Promise<void> {
  process.env[TEST_LOG_FILE_ENV] ??= join(tmpdir(), `yg-test-${process.pid}.log`);
  const name = `yg_test_tpl_${process.pid}`;
  const config = testConfig({ DB_NAME: name });
  await dropDatabase(config);
  await migrate(config);
  process.env[TEMPLATE_DB_ENV] = name;
}
