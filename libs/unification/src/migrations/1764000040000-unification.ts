import { MigrationInterface, QueryRunner } from 'typeorm';
import { ITEM_TEMPLATES } from './unification-templates';

const DIMENSIONS = `'ADMINISTRATION','PERSONNEL','FINANCE','BUSINESS','DRUGS','INFORMATION','PERFORMANCE'`;

/**
 * The seven-unification scorecard. Items are platform templates (tenant_id NULL) every
 * consortium reads until it edits one; an edit inserts the consortium's next version and
 * versions are never changed, so a past period is judged with the version then in force.
 * Evidence records are written once; only their review is filled in, once.
 */
export class Unification1764000040000 implements MigrationInterface {
  name = 'Unification1764000040000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION unification_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TABLE unification_item (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- NULL: the platform template; a consortium's id: its own version
        tenant_id uuid REFERENCES consortium(id),
        code text NOT NULL CHECK (code ~ '^[A-Z][A-Z0-9_]{1,39}$'),
        version int NOT NULL CHECK (version > 0),
        dimension text NOT NULL CHECK (dimension IN (${DIMENSIONS})),
        position int NOT NULL,
        name_zh text NOT NULL CHECK (length(name_zh) BETWEEN 1 AND 100),
        name_en text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 200),
        kind text NOT NULL CHECK (kind IN ('DATA','EVIDENCE')),
        tiers text[] NOT NULL CHECK (cardinality(tiers) > 0 AND tiers <@ ARRAY['COUNTY','TOWNSHIP','VILLAGE']),
        data_check jsonb,
        evidence_kind text CHECK (evidence_kind ~ '^[A-Z][A-Z0-9_]{1,39}$'),
        valid_months int CHECK (valid_months BETWEEN 1 AND 120),
        active boolean NOT NULL DEFAULT true,
        change_note text,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT unification_item_data CHECK ((kind = 'DATA') = (data_check IS NOT NULL)),
        CONSTRAINT unification_item_evidence CHECK ((kind = 'EVIDENCE') = (evidence_kind IS NOT NULL)),
        CONSTRAINT unification_item_edit_noted CHECK (tenant_id IS NULL OR change_note IS NOT NULL)
      )`);
    // Versions are numbered per code across the template and the consortium's own edits.
    await q.query(`CREATE UNIQUE INDEX unification_item_template_version
      ON unification_item (code, version) WHERE tenant_id IS NULL`);
    await q.query(`CREATE UNIQUE INDEX unification_item_tenant_version
      ON unification_item (tenant_id, code, version) WHERE tenant_id IS NOT NULL`);
    await q.query(`CREATE TRIGGER unification_item_append_only BEFORE UPDATE OR DELETE OR TRUNCATE
      ON unification_item FOR EACH STATEMENT EXECUTE FUNCTION unification_append_only()`);

    await q.query(`
      CREATE TABLE unification_evidence (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        institution_id uuid NOT NULL,
        evidence_kind text NOT NULL CHECK (evidence_kind ~ '^[A-Z][A-Z0-9_]{1,39}$'),
        title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
        document_date date NOT NULL,
        sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        -- a path or URL of the file kept elsewhere
        location text NOT NULL CHECK (length(location) BETWEEN 1 AND 1000),
        recorded_by uuid NOT NULL REFERENCES app_user(id),
        recorded_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING','ACCEPTED','REJECTED')),
        reviewed_by uuid REFERENCES app_user(id),
        reviewed_at timestamptz,
        review_reason text CHECK (length(review_reason) BETWEEN 1 AND 500),
        FOREIGN KEY (tenant_id, institution_id) REFERENCES institution (tenant_id, id),
        CONSTRAINT unification_evidence_reviewed CHECK ((status = 'PENDING') = (reviewed_by IS NULL AND reviewed_at IS NULL)),
        CONSTRAINT unification_evidence_reject_reason CHECK (status <> 'REJECTED' OR review_reason IS NOT NULL),
        CONSTRAINT unification_evidence_not_own CHECK (reviewed_by IS NULL OR reviewed_by <> recorded_by)
      )`);
    await q.query(`CREATE INDEX unification_evidence_lookup
      ON unification_evidence (tenant_id, evidence_kind, institution_id, document_date)`);
    await q.query(`CREATE INDEX unification_evidence_pending
      ON unification_evidence (tenant_id, recorded_at) WHERE status = 'PENDING'`);
    // A record is written once; its review is filled in once, and nothing else ever changes.
    await q.query(`
      CREATE FUNCTION unification_evidence_review_once() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.status <> 'PENDING'
           OR (NEW.tenant_id, NEW.institution_id, NEW.evidence_kind, NEW.title, NEW.document_date, NEW.sha256,
               NEW.location, NEW.recorded_by, NEW.recorded_at)
              IS DISTINCT FROM
              (OLD.tenant_id, OLD.institution_id, OLD.evidence_kind, OLD.title, OLD.document_date, OLD.sha256,
               OLD.location, OLD.recorded_by, OLD.recorded_at) THEN
          RAISE EXCEPTION 'unification_evidence: only a pending record''s review may be set'
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER unification_evidence_review_once BEFORE UPDATE ON unification_evidence
      FOR EACH ROW EXECUTE FUNCTION unification_evidence_review_once()`);
    await q.query(`CREATE TRIGGER unification_evidence_no_delete BEFORE DELETE OR TRUNCATE
      ON unification_evidence FOR EACH STATEMENT EXECUTE FUNCTION unification_append_only()`);

    for (const [i, t] of ITEM_TEMPLATES.entries()) {
      await q.query(
        `INSERT INTO unification_item (tenant_id, code, version, dimension, position, name_zh, name_en, kind, tiers,
           data_check, evidence_kind, valid_months)
         VALUES (NULL, $1, 1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          t.code,
          t.dimension,
          i + 1,
          t.nameZh,
          t.nameEn,
          t.kind,
          t.tiers,
          t.data ? JSON.stringify(t.data) : null,
          t.evidence?.evidenceKind ?? null,
          t.evidence?.validMonths ?? null,
        ],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE unification_evidence`);
    await q.query(`DROP TABLE unification_item`);
    await q.query(`DROP FUNCTION unification_evidence_review_once()`);
    await q.query(`DROP FUNCTION unification_append_only()`);
  }
}
