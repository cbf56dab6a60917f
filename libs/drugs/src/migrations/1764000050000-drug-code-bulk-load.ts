import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_GROUP_ROLE } from '@yg/core/database/roles';

/**
 * A first import into an empty dictionary loads drug_code without its key and checks and adds
 * them at the end: one sorted build of the key instead of a B-tree insertion per row (that
 * insertion was half of Postgres's time for a full list). The app's role may not alter tables,
 * so two functions of the owner do it, inside the import's transaction: `begin` (only on an
 * empty drug_code, locked) drops the key, the checks and the foreign keys that reference the
 * key, keeping their definitions; `end` adds them back. A crash rolls all of it back with the
 * rows; a transaction that ran `begin` cannot commit without `end` (a deferred trigger refuses).
 */
export class DrugCodeBulkLoad1764000050000 implements MigrationInterface {
  name = 'DrugCodeBulkLoad1764000050000';

  async up(q: QueryRunner): Promise<void> {
    // One row per open bulk load: the constraints to add back. Only the functions write it.
    await q.query(`
      CREATE TABLE drug_code_bulk_load (
        txid bigint PRIMARY KEY,
        constraints jsonb NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`REVOKE ALL ON drug_code_bulk_load FROM ${APP_GROUP_ROLE}`);
    await q.query(`
      CREATE FUNCTION drug_code_bulk_load_unfinished() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM drug_code_bulk_load WHERE txid = NEW.txid) THEN
          RAISE EXCEPTION 'drug_code bulk load not finished: its key and checks are missing'
            USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER drug_code_bulk_load_finished AFTER INSERT ON drug_code_bulk_load
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION drug_code_bulk_load_unfinished()`);
    await q.query(`
      CREATE FUNCTION drug_code_bulk_load_begin() RETURNS boolean
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      DECLARE
        c record;
      BEGIN
        LOCK TABLE drug_code IN ACCESS EXCLUSIVE MODE;
        IF EXISTS (SELECT 1 FROM drug_code) OR EXISTS (SELECT 1 FROM drug_code_bulk_load WHERE txid = txid_current()) THEN
          RETURN false;
        END IF;
        INSERT INTO drug_code_bulk_load (txid, constraints)
        SELECT txid_current(), coalesce(jsonb_agg(jsonb_build_object(
                 'table', k.conrelid::regclass::text, 'name', k.conname, 'def', pg_get_constraintdef(k.oid))
                 ORDER BY k.contype DESC, k.conname), '[]'::jsonb)
          FROM pg_constraint k
         WHERE (k.conrelid = 'drug_code'::regclass AND k.contype IN ('p', 'c'))
            OR (k.confrelid = 'drug_code'::regclass AND k.contype = 'f');
        -- The foreign keys first: they depend on the key's index.
        FOR c IN SELECT conrelid::regclass::text AS tbl, conname FROM pg_constraint
                  WHERE confrelid = 'drug_code'::regclass AND contype = 'f' LOOP
          EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', c.tbl, c.conname);
        END LOOP;
        FOR c IN SELECT conname FROM pg_constraint
                  WHERE conrelid = 'drug_code'::regclass AND contype IN ('p', 'c') LOOP
          EXECUTE format('ALTER TABLE drug_code DROP CONSTRAINT %I', c.conname);
        END LOOP;
        RETURN true;
      END $$`);
    await q.query(`
      CREATE FUNCTION drug_code_bulk_load_end() RETURNS void
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      DECLARE
        kept jsonb;
        own text;
        c jsonb;
      BEGIN
        SELECT constraints INTO kept FROM drug_code_bulk_load WHERE txid = txid_current();
        IF NOT FOUND THEN
          RAISE EXCEPTION 'no bulk load of drug_code in this transaction';
        END IF;
        -- drug_code's own in one statement: the key by one sort, the checks in one scan.
        SELECT string_agg(format('ADD CONSTRAINT %I %s', x->>'name', x->>'def'), ', ') INTO own
          FROM jsonb_array_elements(kept) x WHERE x->>'table' = 'drug_code';
        IF own IS NOT NULL THEN
          EXECUTE 'ALTER TABLE drug_code ' || own;
        END IF;
        FOR c IN SELECT x FROM jsonb_array_elements(kept) x WHERE x->>'table' <> 'drug_code' LOOP
          EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', c->>'table', c->>'name', c->>'def');
        END LOOP;
        DELETE FROM drug_code_bulk_load WHERE txid = txid_current();
      END $$`);
    for (const fn of ['drug_code_bulk_load_begin()', 'drug_code_bulk_load_end()']) {
      await q.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await q.query(`GRANT EXECUTE ON FUNCTION ${fn} TO ${APP_GROUP_ROLE}`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION drug_code_bulk_load_end()`);
    await q.query(`DROP FUNCTION drug_code_bulk_load_begin()`);
    await q.query(`DROP TABLE drug_code_bulk_load`);
    await q.query(`DROP FUNCTION drug_code_bulk_load_unfinished()`);
  }
}
