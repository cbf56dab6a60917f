import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A new full edition no longer rewrites every code it lists again unchanged. The newest full
 * edition loaded is the current one (at most one), and a code whose last-seen edition is empty
 * is listed by it: a new current edition then writes only the codes that change, come back,
 * or go (a retired code gets its last-seen edition written out). Existing rows keep theirs;
 * the next current edition empties them once.
 */
export class DrugDictionaryCurrentEdition1764000032200 implements MigrationInterface {
  name = 'DrugDictionaryCurrentEdition1764000032200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE drug_dictionary_edition ADD COLUMN current boolean NOT NULL DEFAULT false`);
    await q.query(
      `CREATE UNIQUE INDEX drug_dictionary_edition_current ON drug_dictionary_edition (current) WHERE current`,
    );
    await q.query(`ALTER TABLE drug_code ALTER COLUMN last_seen_edition_id DROP NOT NULL`);
    await q.query(`ALTER TABLE drug_code ADD CONSTRAINT drug_code_seen_while_active
      CHECK (last_seen_edition_id IS NOT NULL OR status = 'ACTIVE')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE drug_code SET last_seen_edition_id = (SELECT id FROM drug_dictionary_edition WHERE current)
      WHERE last_seen_edition_id IS NULL`);
    await q.query(`ALTER TABLE drug_code DROP CONSTRAINT drug_code_seen_while_active`);
    await q.query(`ALTER TABLE drug_code ALTER COLUMN last_seen_edition_id SET NOT NULL`);
    await q.query(`DROP INDEX drug_dictionary_edition_current`);
    await q.query(`ALTER TABLE drug_dictionary_edition DROP COLUMN current`);
  }
}
