import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';

/**
 * The session registry re-reads a user's state when its cache lapses or a change arrives; that read
 * can land inside any request, so statement counts leave it out.
 */
const SESSION_RECHECK = /FROM (app_user|platform_operator) WHERE id = ANY/;

/** Runs the request and returns the statements the api's own DataSource sent for it. */
export async function statementsOf<T>(
  app: INestApplication,
  request: () => Promise<T>,
): Promise<{ result: T; sql: string[] }> {
  const appDs = app.get(DataSource);
  const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
  try {
    const result = await request();
    const sql = spy.mock.calls
      .filter((_, i) => (spy.mock.contexts[i] as PostgresQueryRunner).dataSource === appDs)
      .map((c) => String(c[0]))
      .filter((q) => !SESSION_RECHECK.test(q));
    return { result, sql };
  } finally {
    spy.mockRestore();
  }
}
