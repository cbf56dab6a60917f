import { createTestDb, TestDb } from './utils/test-db';
import { measureLabel } from '../apps/console/src/measure-labels';
import { ENTITY_TYPE_LABELS } from '../apps/console/src/audit-labels';
import { AUDIT_ENTITY_TYPES } from '../libs/audit/src/domain/entity-types';

/**
 * Every measure a shipped indicator definition reads has a name in the console's drill-down, in
 * Chinese and English, so a new measure in a migration cannot reach the console as a bare key.
 */
describe('console measure labels', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('names every measure of the migrated indicator definitions', async () => {
    const rows: { key: string }[] = await db.ds.query(
      `SELECT DISTINCT t->>'key' AS key
         FROM indicator_definition d,
              jsonb_path_query(d.formula, 'strict $.**.terms[*]') t
       UNION
       SELECT DISTINCT t->>'key'
         FROM indicator_definition d,
              jsonb_path_query(d.formula, 'strict $.**.per[*]') t`,
    );
    const keys = rows.map((r) => r.key).sort();
    expect(keys.length).toBeGreaterThan(30);
    const kinds = { VIDEO: ['视频会诊', 'Video consultation'] as [string, string] };
    const unnamed = keys.filter((k) => {
      const [zh, en] = measureLabel(k, kinds);
      return !/[\u4e00-\u9fff]/.test(zh) || en === k;
    });
    // A consultation kind's measure takes the kind's own label.
    expect(measureLabel('con.by_kind.VIDEO', kinds)).toEqual(['视频会诊量', 'Video consultations']);
    expect(unnamed.filter((k) => !k.startsWith('con.by_kind.'))).toEqual([]);
  });

  // The api's audit entries are typed by AUDIT_ENTITY_TYPES, so a new kind of object cannot reach
  // the trail without being listed there, nor the console's filter without a name.
  it("offers and names exactly the api's audit entity types", () => {
    expect(Object.keys(ENTITY_TYPE_LABELS).sort()).toEqual([...AUDIT_ENTITY_TYPES].sort());
    for (const [zh, en] of Object.values(ENTITY_TYPE_LABELS)) {
      expect(zh).toMatch(/[\u4e00-\u9fff]/);
      expect(en).toMatch(/^[A-Za-z]+$/);
    }
  });
});
