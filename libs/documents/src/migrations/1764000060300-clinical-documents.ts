import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Clinical documents a clinician uploads (scanned reports, ECG strips, images, DICOM) and
 * attaches to a referral or a consultation. The bytes live in Postgres, in chunks, like the
 * import files: backed up and replicated with the records that cite them, no shared directory
 * between api copies. A document is its uploader's alone until it is attached; from then on
 * whoever may read its subject may read it, and it cannot move to another subject.
 */
export class ClinicalDocuments1764000060300 implements MigrationInterface {
  name = 'ClinicalDocuments1764000060300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE clinical_document (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        institution_id uuid NOT NULL,
        uploaded_by uuid NOT NULL REFERENCES app_user(id),
        file_name text NOT NULL,
        media_type text,
        size_bytes bigint,
        sha256 text,
        status text NOT NULL CHECK (status IN ('UPLOADING','READY')),
        subject_kind text CHECK (subject_kind IN ('referral','consultation')),
        subject_id uuid,
        patient_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        attached_at timestamptz,
        CHECK ((subject_kind IS NULL) = (subject_id IS NULL)),
        CHECK ((subject_id IS NULL) = (attached_at IS NULL)),
        CHECK (subject_id IS NULL OR status = 'READY'),
        CHECK (status = 'UPLOADING' OR (media_type IS NOT NULL AND size_bytes > 0 AND sha256 IS NOT NULL))
      )`);
    await q.query(
      `CREATE INDEX clinical_document_subject ON clinical_document (tenant_id, subject_kind, subject_id)`,
    );
    await q.query(`CREATE INDEX clinical_document_uploader ON clinical_document (uploaded_by, created_at)`);
    // The sweep's path: documents never attached, oldest first.
    await q.query(
      `CREATE INDEX clinical_document_unattached ON clinical_document (created_at) WHERE subject_id IS NULL`,
    );
    await q.query(`
      CREATE TABLE clinical_document_chunk (
        document_id uuid NOT NULL REFERENCES clinical_document(id) ON DELETE CASCADE,
        seq int NOT NULL,
        tenant_id uuid NOT NULL,
        data bytea NOT NULL,
        PRIMARY KEY (document_id, seq)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE clinical_document_chunk`);
    await q.query(`DROP TABLE clinical_document`);
  }
}
