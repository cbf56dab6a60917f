import { MigrationInterface, QueryRunner } from 'typeorm';

const MONTH = `'^20[0-9]{2}-(0[1-9]|1[0-2])$'`;

/**
 * The key-task ledger (tasks with three target levels, key matters per quarter, reported
 * progress) and the monthly assessment (versioned schemes, months, scores per edition,
 * recognition ratings, editions with their reasons). A published month is locked in the
 * database too: its scores and ratings refuse changes, a correction adds a new edition.
 */
export class Assessment1764000041000 implements MigrationInterface {
  name = 'Assessment1764000041000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION assessment_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
      END $$`);
    const appendOnly = (table: string) =>
      q.query(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION assessment_append_only()`);

    // ---------- the key-task ledger ----------
    await q.query(`
      CREATE TABLE key_task (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES consortium(id),
        year int NOT NULL CHECK (year BETWEEN 2000 AND 2099),
        code text NOT NULL CHECK (code ~ '^[A-Za-z0-9_-]{1,30}$'),
        title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
        description text,
        kind text NOT NULL CHECK (kind IN ('INDICATOR','REPORTED')),
        indicator_code text,
        direction text NOT NULL CHECK (direction IN ('HIGHER_BETTER','LOWER_BETTER')),
        required_level numeric NOT NULL,
        effort_level numeric NOT NULL,
        challenge_level numeric NOT NULL,
        points numeric NOT NULL CHECK (points > 0 AND points <= 1000),
        -- the units assessed on it; empty: every member institution
        institution_ids uuid[] NOT NULL DEFAULT '{}',
        version int NOT NULL DEFAULT 1,
        created_by uuid REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT key_task_tenant_id UNIQUE (tenant_id, id),
        CONSTRAINT key_task_code UNIQUE (tenant_id, year, code),
        CONSTRAINT key_task_indicator CHECK ((kind = 'INDICATOR') = (indicator_code IS NOT NULL)),
        CONSTRAINT key_task_levels CHECK (
          (direction = 'HIGHER_BETTER' AND required_level < effort_level AND effort_level < challenge_level) OR
          (direction = 'LOWER_BETTER' AND required_level > effort_level AND effort_level > challenge_level))
      )`);
    await q.query(`
      CREATE TABLE key_task_progress (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        task_id uuid NOT NULL,
        institution_id uuid NOT NULL,
        month text NOT NULL CHECK (month ~ ${MONTH}),
        value numeric NOT NULL,
        evidence text NOT NULL CHECK (length(evidence) BETWEEN 1 AND 2000),
        evidence_sha256 text CHECK (evidence_sha256 ~ '^[0-9a-f]{64}$'),
        reported_by uuid NOT NULL REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (tenant_id, task_id) REFERENCES key_task (tenant_id, id),
        FOREIGN KEY (tenant_id, institution_id) REFERENCES institution (tenant_id, id)
      )`);
    await q.query(
      `CREATE INDEX key_task_progress_latest ON key_task_progress (task_id, institution_id, month DESC, created_at DESC)`,
    );
    await appendOnly('key_task_progress');
    await q.query(`
      CREATE TABLE key_matter (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        task_id uuid NOT NULL,
        quarter int NOT NULL CHECK (quarter BETWEEN 1 AND 4),
        title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
        responsible_institution_id uuid,
        department text CHECK (length(department) BETWEEN 1 AND 100),
        due_at timestamptz NOT NULL,
        done_at timestamptz,
        -- when the reminder and the overdue notice went out: a job run twice sends one
        reminded_at timestamptz,
        overdue_at timestamptz,
        created_by uuid REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (tenant_id, task_id) REFERENCES key_task (tenant_id, id),
        FOREIGN KEY (tenant_id, responsible_institution_id) REFERENCES institution (tenant_id, id),
        CONSTRAINT key_matter_responsible CHECK (responsible_institution_id IS NOT NULL OR department IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX key_matter_task ON key_matter (task_id, quarter, due_at)`);
    await q.query(`CREATE INDEX key_matter_open ON key_matter (tenant_id, due_at) WHERE done_at IS NULL`);

    // ---------- the monthly assessment ----------
    await q.query(`
      CREATE TABLE assessment_scheme (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES consortium(id),
        version int NOT NULL CHECK (version >= 1),
        completion_weight numeric NOT NULL CHECK (completion_weight >= 0),
        recognition_weight numeric NOT NULL CHECK (recognition_weight >= 0),
        analysis_weight numeric NOT NULL CHECK (analysis_weight >= 0),
        credit_below_required boolean NOT NULL,
        groups jsonb NOT NULL,
        change_note text NOT NULL,
        created_by uuid NOT NULL REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT assessment_scheme_version UNIQUE (tenant_id, version),
        CONSTRAINT assessment_scheme_weights CHECK (completion_weight + recognition_weight + analysis_weight = 100)
      )`);
    await appendOnly('assessment_scheme');
    await q.query(`
      CREATE TABLE assessment_month (
        tenant_id uuid NOT NULL REFERENCES consortium(id),
        month text NOT NULL CHECK (month ~ ${MONTH}),
        state text NOT NULL CHECK (state IN ('OPEN','PUBLISHED')),
        scheme jsonb NOT NULL,
        edition int NOT NULL DEFAULT 1,
        -- bumped by every change to the month: a writer holding an older one gets a conflict
        version int NOT NULL DEFAULT 1,
        rater_ids uuid[] NOT NULL DEFAULT '{}',
        draw_seed text,
        draw_units uuid[],
        drawn_ids uuid[],
        drawn_by uuid REFERENCES app_user(id),
        drawn_at timestamptz,
        good_case jsonb,
        bad_case jsonb,
        opened_by uuid NOT NULL REFERENCES app_user(id),
        opened_at timestamptz NOT NULL DEFAULT now(),
        published_by uuid REFERENCES app_user(id),
        published_at timestamptz,
        PRIMARY KEY (tenant_id, month),
        CONSTRAINT assessment_month_published CHECK ((state = 'PUBLISHED') = (published_at IS NOT NULL))
      )`);
    await q.query(`
      CREATE TABLE assessment_score (
        tenant_id uuid NOT NULL,
        month text NOT NULL,
        edition int NOT NULL,
        institution_id uuid NOT NULL,
        group_code text NOT NULL,
        completion numeric NOT NULL,
        completion_detail jsonb NOT NULL,
        recognition numeric,
        analysis numeric,
        total numeric,
        rank int,
        top boolean NOT NULL DEFAULT false,
        bottom boolean NOT NULL DEFAULT false,
        PRIMARY KEY (tenant_id, month, edition, institution_id),
        FOREIGN KEY (tenant_id, month) REFERENCES assessment_month (tenant_id, month),
        FOREIGN KEY (tenant_id, institution_id) REFERENCES institution (tenant_id, id)
      )`);
    await q.query(`CREATE INDEX assessment_score_institution ON assessment_score (institution_id, month)`);
    await q.query(`
      CREATE TABLE assessment_rating (
        tenant_id uuid NOT NULL,
        month text NOT NULL,
        rater_id uuid NOT NULL REFERENCES app_user(id),
        institution_id uuid NOT NULL,
        score numeric NOT NULL CHECK (score >= 0 AND score <= 100),
        created_at timestamptz NOT NULL DEFAULT now(),
        -- each rater once per unit and month
        PRIMARY KEY (tenant_id, month, rater_id, institution_id),
        FOREIGN KEY (tenant_id, month) REFERENCES assessment_month (tenant_id, month),
        FOREIGN KEY (tenant_id, institution_id) REFERENCES institution (tenant_id, id)
      )`);
    await q.query(`
      CREATE TABLE assessment_edition (
        tenant_id uuid NOT NULL,
        month text NOT NULL,
        edition int NOT NULL,
        reason text NOT NULL,
        created_by uuid NOT NULL REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, month, edition),
        FOREIGN KEY (tenant_id, month) REFERENCES assessment_month (tenant_id, month)
      )`);
    await appendOnly('assessment_edition');

    // A published month's scores and ratings stay as published; a correction only inserts the
    // rows of the next edition.
    await q.query(`
      CREATE FUNCTION assessment_score_locked() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE r assessment_score;
      BEGIN
        r := CASE WHEN TG_OP = 'INSERT' THEN NEW ELSE OLD END;
        IF EXISTS (SELECT 1 FROM assessment_month m
                    WHERE m.tenant_id = r.tenant_id AND m.month = r.month AND m.state = 'PUBLISHED'
                      AND (TG_OP <> 'INSERT' OR r.edition <= m.edition)) THEN
          RAISE EXCEPTION 'assessment month % is published', r.month USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END $$`);
    await q.query(`
      CREATE FUNCTION assessment_rating_locked() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE r assessment_rating;
      BEGIN
        r := CASE WHEN TG_OP = 'INSERT' THEN NEW ELSE OLD END;
        IF EXISTS (SELECT 1 FROM assessment_month m
                    WHERE m.tenant_id = r.tenant_id AND m.month = r.month AND m.state = 'PUBLISHED') THEN
          RAISE EXCEPTION 'assessment month % is published', r.month USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END $$`);
    await q.query(`CREATE TRIGGER assessment_score_locked BEFORE INSERT OR UPDATE OR DELETE ON assessment_score
      FOR EACH ROW EXECUTE FUNCTION assessment_score_locked()`);
    await q.query(`CREATE TRIGGER assessment_rating_locked BEFORE INSERT OR UPDATE OR DELETE ON assessment_rating
      FOR EACH ROW EXECUTE FUNCTION assessment_rating_locked()`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'assessment_edition',
      'assessment_rating',
      'assessment_score',
      'assessment_month',
      'assessment_scheme',
      'key_matter',
      'key_task_progress',
      'key_task',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
    await q.query(`DROP FUNCTION assessment_rating_locked()`);
    await q.query(`DROP FUNCTION assessment_score_locked()`);
    await q.query(`DROP FUNCTION assessment_append_only()`);
  }
}
