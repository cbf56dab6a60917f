import { AsyncLocalStorage } from 'node:async_hooks';
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

const within = new AsyncLocalStorage<string[]>();

/**
 * The statements `fn` itself sent, by any DataSource of this process: those of other work running
 * meanwhile (a worker's relay, its other jobs) are in other async contexts and left out.
 */
export async function statementsWithin<T>(fn: () => Promise<T>): Promise<{ result: T; sql: string[] }> {
  const sql: string[] = [];
  const original = PostgresQueryRunner.prototype.query;
  const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query').mockImplementation(function (
    this: PostgresQueryRunner,
    ...args: Parameters<typeof original>
  ) {
    within.getStore()?.push(String(args[0]));
    return original.apply(this, args);
  });
  try {
    const result = await within.run(sql, fn);
    return { result, sql };
  } finally {
    spy.mockRestore();
  }
}
