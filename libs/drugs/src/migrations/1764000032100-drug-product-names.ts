import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Name search over the national dictionary through its distinct (product key, name) pairs
 * instead of a trigram index on every code: the full list has ~280k codes but a few thousand
 * names, and keeping a trigram index on 280k rows up to date was most of an import's time.
 * A search finds the pairs by trigram, then their codes by the primary key's range (a
 * product's codes start with its key). The importer keeps every code's pair here.
 */
export class DrugProductNames1764000032100 implements MigrationInterface {
  name = 'DrugProductNames1764000032100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE drug_product_name (
        product_key text NOT NULL,
        generic_name text NOT NULL,
        PRIMARY KEY (product_key, generic_name)
      )`);
    await q.query(
      `INSERT INTO drug_product_name (product_key, generic_name)
       SELECT DISTINCT product_key, generic_name FROM drug_code`,
    );
    await q.query(
      `CREATE INDEX drug_product_name_trgm ON drug_product_name USING gin (generic_name gin_trgm_ops)`,
    );
    await q.query(`DROP INDEX drug_code_name_trgm`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX drug_code_name_trgm ON drug_code USING gin (generic_name gin_trgm_ops)`);
    await q.query(`DROP TABLE drug_product_name`);
  }
}
