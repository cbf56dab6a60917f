import { AppConfig, loadConfig } from '@yg/core/config/app-config';

/** Configuration for tests: the machine's Postgres and Redis, quiet logs, overrides on top. */
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Suites log in from 127.0.0.1 far faster than people do; the limits have their own tests.
    LOGIN_RATE_MAX_PER_ADDRESS: '100000',
    LOGIN_RATE_MAX_PER_USERNAME: '100000',
    ...overrides,
  });
}

export const TEMPLATE_DB_ENV = 'YG_TEST_TEMPLATE_DB';
