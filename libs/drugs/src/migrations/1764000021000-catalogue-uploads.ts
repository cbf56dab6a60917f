import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Member catalogue uploads: the uploaded file is kept in Postgres, in chunks, until its import
 * ends, so the api that receives it and the worker that reads it share no directory. An import
 * is UPLOADING while its bytes arrive (then QUEUED); one at a time per institution, the upload
 * included. The import records what it did beyond the first migration's counts.
 */
export class CatalogueUploads1764000021000 implements MigrationInterface {
  name = 'CatalogueUploads1764000021000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE drug_catalogue_import
        ADD COLUMN full_import boolean NOT NULL DEFAULT true,
        ADD COLUMN size_bytes bigint CHECK (size_bytes >= 0),
        ADD COLUMN reactivated int NOT NULL DEFAULT 0,
        ADD COLUMN stock_updated int NOT NULL DEFAULT 0,
        ADD COLUMN match_counts jsonb NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE drug_catalogue_import DROP CONSTRAINT drug_catalogue_import_status_check`);
    await q.query(`ALTER TABLE drug_catalogue_import ADD CONSTRAINT drug_catalogue_import_status_check
      CHECK (status IN ('UPLOADING','QUEUED','RUNNING','DONE','SKIPPED','FAILED'))`);
    await q.query(`ALTER TABLE drug_catalogue_import ADD CONSTRAINT drug_catalogue_import_skipped
      CHECK (status <> 'SKIPPED' OR duplicate_of IS NOT NULL)`);
    await q.query(`DROP INDEX drug_catalogue_import_one_open`);
    await q.query(`CREATE UNIQUE INDEX drug_catalogue_import_one_open ON drug_catalogue_import (institution_id)
      WHERE status IN ('UPLOADING','QUEUED','RUNNING')`);
    await q.query(`
      CREATE TABLE drug_catalogue_upload_chunk (
        import_id uuid NOT NULL,
        seq int NOT NULL CHECK (seq >= 0),
        tenant_id uuid NOT NULL,
        data bytea NOT NULL,
        PRIMARY KEY (import_id, seq),
        FOREIGN KEY (tenant_id, import_id) REFERENCES drug_catalogue_import (tenant_id, id) ON DELETE CASCADE
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE drug_catalogue_upload_chunk`);
    await q.query(`DELETE FROM drug_catalogue_import WHERE status = 'UPLOADING'`);
    await q.query(`DROP INDEX drug_catalogue_import_one_open`);
    await q.query(`CREATE UNIQUE INDEX drug_catalogue_import_one_open ON drug_catalogue_import (institution_id)
      WHERE status IN ('QUEUED','RUNNING')`);
    await q.query(`ALTER TABLE drug_catalogue_import DROP CONSTRAINT drug_catalogue_import_skipped`);
    await q.query(`ALTER TABLE drug_catalogue_import DROP CONSTRAINT drug_catalogue_import_status_check`);
    await q.query(`ALTER TABLE drug_catalogue_import ADD CONSTRAINT drug_catalogue_import_status_check
      CHECK (status IN ('QUEUED','RUNNING','DONE','SKIPPED','FAILED'))`);
    await q.query(`
      ALTER TABLE drug_catalogue_import
        DROP COLUMN full_import, DROP COLUMN size_bytes, DROP COLUMN reactivated,
        DROP COLUMN stock_updated, DROP COLUMN match_counts`);
  }
}
