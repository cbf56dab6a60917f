import { AppConfig, loadConfig } from '@yg/core/config/app-config';

/** Configuration for tests: the machine's Postgres and Redis, quiet logs, overrides on top. */
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...overrides,
  });
}

export const TEMPLATE_DB_ENV = 'YG_TEST_TEMPLATE_DB';
