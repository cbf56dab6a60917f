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

/** Configuration for tests: the machine's Postgres and Redis, logs to the run's file, overrides on top. */
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    ...NO_METRICS_PORTS,
    ...testLogEnv(),
    ...overrides,
  });
}
