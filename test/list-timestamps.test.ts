import { createTestDb, TestDb } from './utils/test-db';

/**
 * Lists paged on `(created_at, id)` carry the time in their cursor as a JavaScript date, in
 * milliseconds. A row stamped with `now()`'s microseconds ends a page on a time its cursor cannot
 * hold, and the rows of the same millisecond after it are skipped: each such table stamps new rows
 * in milliseconds.
 */
describe('paged lists stamp rows in milliseconds', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it.each([
    'notification',
    'consultation',
    'supply_request',
    'drug_catalogue_import',
    'drug_dictionary_import',
  ])('%s.created_at defaults to now() cut to milliseconds', async (table) => {
    const [{ value }] = await db.ds.query(
      `SELECT pg_get_expr(d.adbin, d.adrelid) AS value
         FROM pg_attrdef d
         JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
        WHERE d.adrelid = $1::regclass AND a.attname = 'created_at'`,
      [table],
    );
    expect(value).toBe("date_trunc('milliseconds'::text, now())");
  });
});
