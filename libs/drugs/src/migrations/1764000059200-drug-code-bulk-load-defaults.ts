import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_GROUP_ROLE } from '@yg/core/database/roles';

/**
 * A first import sends neither the status nor the editions in its COPY lines: within the bulk
 * load they are the columns' defaults (about a third of each line's bytes, and three of its
 * columns for Postgres to parse, were the same values on every row). The app's role may not
 * alter tables, so `drug_code_bulk_load_defaults` (the owner's, like `begin` and `end`) sets
 * them, only inside a bulk load of this transaction, which holds drug_code locked; `end`
 * puts the columns' own defaults back before the key and checks, so nothing outside the load
 * ever sees them.
 */
export class DrugCodeBulkLoadDefaults1764000059200 implements MigrationInterface {
  name = 'DrugCodeBulkLoadDefaults1764000059200';

  async up(q: QueryRunner): Promise<void> {
    // The columns' own defaults while a load has replaced them (column → expression or null).
    await q.query(`ALTER TABLE drug_code_bulk_load ADD COLUMN defaults jsonb`);
    await q.query(`
      CREATE FUNCTION drug_code_bulk_load_defaults(first_seen uuid, last_seen uuid) RETURNS void
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        IF first_seen IS NULL THEN
          RAISE EXCEPTION 'a bulk load of drug_code needs the edition that first saw its codes';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM drug_code_bulk_load WHERE txid = txid_current()) THEN
          RAISE EXCEPTION 'no bulk load of drug_code in this transaction';
        END IF;
        -- The columns' own defaults, kept once (a second call must not keep the load's).
        UPDATE drug_code_bulk_load SET defaults = (
            SELECT jsonb_object_agg(a.attname, pg_get_expr(d.adbin, d.adrelid))
              FROM pg_attribute a
              LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
             WHERE a.attrelid = 'drug_code'::regclass
               AND a.attname IN ('status', 'first_seen_edition_id', 'last_seen_edition_id'))
         WHERE txid = txid_current() AND defaults IS NULL;
        EXECUTE format(
          'ALTER TABLE drug_code ALTER COLUMN status SET DEFAULT %L, '
          'ALTER COLUMN first_seen_edition_id SET DEFAULT %L::uuid, '
          'ALTER COLUMN last_seen_edition_id SET DEFAULT %L::uuid',
          'ACTIVE', first_seen, last_seen);
      END $$`);
    await q.query(`REVOKE ALL ON FUNCTION drug_code_bulk_load_defaults(uuid, uuid) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION drug_code_bulk_load_defaults(uuid, uuid) TO ${APP_GROUP_ROLE}`);
    await q.query(endFunction(true));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(endFunction(false));
    await q.query(`DROP FUNCTION drug_code_bulk_load_defaults(uuid, uuid)`);
    await q.query(`ALTER TABLE drug_code_bulk_load DROP COLUMN defaults`);
  }
}

/** `drug_code_bulk_load_end` as 1764000050000 made it, and (`defaults`) putting the columns' defaults back. */
function endFunction(defaults: boolean): string {
  const restore = defaults
    ? `
        -- The columns' own defaults back first: the key and checks come back on the table as it was.
        FOR d IN SELECT key, value FROM jsonb_each(coalesce(kept_defaults, '{}'::jsonb)) LOOP
          IF jsonb_typeof(d.value) = 'null' THEN
            EXECUTE format('ALTER TABLE drug_code ALTER COLUMN %I DROP DEFAULT', d.key);
          ELSE
            EXECUTE format('ALTER TABLE drug_code ALTER COLUMN %I SET DEFAULT %s', d.key, d.value #>> '{}');
          END IF;
        END LOOP;`
    : '';
  return `
      CREATE OR REPLACE FUNCTION drug_code_bulk_load_end() RETURNS void
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      DECLARE
        kept jsonb;
        ${defaults ? 'kept_defaults jsonb;\n        d record;' : ''}
        own text;
        c jsonb;
      BEGIN
        SELECT constraints${defaults ? ', defaults' : ''} INTO kept${defaults ? ', kept_defaults' : ''}
          FROM drug_code_bulk_load WHERE txid = txid_current();
        IF NOT FOUND THEN
          RAISE EXCEPTION 'no bulk load of drug_code in this transaction';
        END IF;${restore}
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
      END $$`;
}
