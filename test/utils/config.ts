import { AppConfig, loadConfig } from '@yg/core/config/app-config';

/**
 * The ordinary role the api and worker under test connect as; the global set-up creates it
 * (roles are cluster-wide, so every run shares it). The password only matters where the
 * server asks for one.
 */
export const TEST_APP_ROLE = 'yg_test_app';
const TEST_APP_PASSWORD = 'yg-test-app';

/**
 * Configuration for tests: the machine's Postgres and Redis, quiet logs, overrides on top.
 * Migrations and the tests' own arranging run as the owner (DB_MIGRATION_USER, else the
 * environment's DB_USER, else postgres); the apps as TEST_APP_ROLE.
 */
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DB_MIGRATION_USER: process.env.DB_MIGRATION_USER || process.env.DB_USER || 'postgres',
    DB_MIGRATION_PASSWORD: process.env.DB_MIGRATION_PASSWORD ?? process.env.DB_PASSWORD ?? '',
    DB_USER: TEST_APP_ROLE,
    DB_PASSWORD: TEST_APP_PASSWORD,
    ...overrides,
  });
}

export const TEMPLATE_DB_ENV = 'YG_TEST_TEMPLATE_DB';
