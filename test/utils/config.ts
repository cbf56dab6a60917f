import { AppConfig, loadConfig } from '@yg/core/config/app-config';

export const TEMPLATE_DB_ENV = 'YG_TEST_TEMPLATE_DB';
/** Set by jest's global set-up: every process of the run logs here, and the teardown reads it. */
export const TEST_LOG_FILE_ENV = 'YG_TEST_LOG_FILE';

/** Where and how much tests log: info lines to the run's file when there is one, else nothing. */
export function testLogEnv(): Record<string, string> {
  const file = process.env[TEST_LOG_FILE_ENV];
  return {
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? (file ? 'info' : 'silent'),
    ...(file ? { LOG_FILE: file } : {}),
  };
}

/** No metrics listeners: suites run side by side, and one that scrapes picks its own port. */
export const NO_METRICS_PORTS = { METRICS_PORT: '0', WORKER_METRICS_PORT: '0' };

/** The production bound on a Redis command, for suites that test what happens when it lapses. */
export const PRODUCTION_REDIS_TIMEOUT = { REDIS_COMMAND_TIMEOUT_MS: '1000' };

/**
 * The ordinary role the api and worker under test connect as; the global set-up creates it
 * (roles are cluster-wide, so every run shares it). The password only matters where the
 * server asks for one.
 */
export const TEST_APP_ROLE = 'yg_test_app';
const TEST_APP_PASSWORD = 'yg-test-app';

/**
 * Configuration for tests: the machine's Postgres and Redis, logs to the run's file, overrides on top.
 * Migrations and the tests' own arranging run as the owner (DB_MIGRATION_USER, else the
 * environment's DB_USER, else postgres); the apps as TEST_APP_ROLE.
 */
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    ...NO_METRICS_PORTS,
    ...testLogEnv(),
    DB_MIGRATION_USER: process.env.DB_MIGRATION_USER || process.env.DB_USER || 'postgres',
    DB_MIGRATION_PASSWORD: process.env.DB_MIGRATION_PASSWORD ?? process.env.DB_PASSWORD ?? '',
    DB_USER: TEST_APP_ROLE,
    DB_PASSWORD: TEST_APP_PASSWORD,
    // Suites log in from 127.0.0.1 far faster than people do; the limits have their own tests.
    LOGIN_RATE_MAX_PER_ADDRESS: '100000',
    LOGIN_RATE_MAX_PER_USERNAME: '100000',
    // Whole runs load two cores far past what a server sees, and a queue command then waits
    // longer than the production bound; the suites that test the bound set it themselves.
    REDIS_COMMAND_TIMEOUT_MS: '5000',
    ...overrides,
  });
}
