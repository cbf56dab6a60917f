import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { TestApi } from './utils/api';

describe('smoke', () => {
  let db: TestDb;
  let api: TestApi;
  let t: TenantFixture;
  beforeAll(async () => {
    db = await createTestDb();
    t = await buildTenant(db.ds);
    api = await TestApi.start(db.config);
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('logs in and reads the consortium', async () => {
    const token = await api.login(t.users.admin.username);
    const res = await api.gql(
      `{ consortium { name structure { holds differences } } me { username institution { name } } }`,
      {},
      token,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.consortium.structure.holds).toBe(false);
  });
});
