import { MigrationInterface, QueryRunner } from 'typeorm';

const SHA256 = `'^[0-9a-f]{64}$'`;
const TIERS = `ARRAY['COUNTY','TOWNSHIP','VILLAGE']::text[]`;

/**
 * Drug-list alignment: the national dictionary (platform-wide), the consortium's unified list,
 * member catalogues and their mappings, stock, medication continuity on down-referral and
 * supply requests. Everything below the dictionary is per tenant, with composite keys
 * (tenant_id, id) so no row can point into another consortium.
 */
export class Drugs1764000020100 implements MigrationInterface {
  name = 'Drugs1764000020100';

  async up(q: QueryRunner): Promise<void> {
    // Substring search over generic names (Chinese included: trigrams are per character).
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    // History tables are append-only for every role but a superuser.
    await q.query(`
      CREATE FUNCTION drug_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
      END $$`);
    const appendOnly = async (table: string) =>
      q.query(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION drug_history_append_only()`);

    // ---------- national dictionary: one for the platform ----------
    await q.query(`
      CREATE TABLE essential_drug_edition (
        code text PRIMARY KEY CHECK (code ~ '^[0-9]{4}$'),
        title text NOT NULL,
        document_no text,
        published_on date,
        effective_on date,
        entries int CHECK (entries > 0),
        note text
      )`);
    await q.query(`
      INSERT INTO essential_drug_edition (code, title, document_no, published_on, effective_on, entries, note) VALUES
        ('2018', '国家基本药物目录（2018年版）', '国卫药政发〔2018〕31号', '2018-09-30', '2018-11-01', 685,
         '685 个品种: 化学药品和生物制品 417, 中成药 268'),
        ('2026', '国家基本药物目录（2026年版）', '国卫药政发〔2026〕17号', '2026-07-09', '2026-09-01', 794,
         '794 个条目')`);
    await q.query(`
      CREATE TABLE drug_dictionary_edition (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- import order: a later edition is a higher number
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE drug_dictionary_import (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        edition_id uuid NOT NULL REFERENCES drug_dictionary_edition(id),
        full_edition boolean NOT NULL,
        essential_edition text REFERENCES essential_drug_edition(code),
        file_name text NOT NULL,
        source_path text,
        format text NOT NULL CHECK (format IN ('CSV','XLSX')),
        file_sha256 text CHECK (file_sha256 ~ ${SHA256}),
        status text NOT NULL CHECK (status IN ('QUEUED','RUNNING','DONE','SKIPPED','FAILED')),
        duplicate_of uuid REFERENCES drug_dictionary_import(id),
        rows_total int NOT NULL DEFAULT 0,
        rows_ok int NOT NULL DEFAULT 0,
        rows_bad int NOT NULL DEFAULT 0,
        codes_distinct int NOT NULL DEFAULT 0,
        inserted int NOT NULL DEFAULT 0,
        updated int NOT NULL DEFAULT 0,
        retired int NOT NULL DEFAULT 0,
        reactivated int NOT NULL DEFAULT 0,
        errors jsonb NOT NULL DEFAULT '[]',
        failure text,
        requested_by text NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        CONSTRAINT drug_dictionary_import_skipped CHECK (status <> 'SKIPPED' OR duplicate_of IS NOT NULL),
        CONSTRAINT drug_dictionary_import_failed CHECK (status <> 'FAILED' OR failure IS NOT NULL)
      )`);
    await q.query(
      `CREATE INDEX drug_dictionary_import_done ON drug_dictionary_import (file_sha256, edition_id) WHERE status = 'DONE'`,
    );
    await q.query(
      `CREATE INDEX drug_dictionary_import_recent ON drug_dictionary_import (created_at DESC, id DESC)`,
    );
    // Rows are never deleted: old prescriptions and catalogues point at retired codes. Loaded
    // 280k at a time by the importer, its only writer: the code's full pattern and the edition
    // references are checked there (as foreign keys they tripled the load time), the cheap
    // shape checks here. Codes of one product share its key as their prefix, so the primary
    // key's range answers product look-ups too.
    await q.query(`
      CREATE TABLE drug_code (
        code text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('X','Z')),
        class_code text NOT NULL,
        product_key text NOT NULL,
        spec_no text NOT NULL,
        pack_no text NOT NULL,
        maker_code text NOT NULL,
        generic_name text NOT NULL,
        dosage_form text,
        spec text,
        maker text,
        trade_name text,
        approval_no text,
        insurance_class text CHECK (insurance_class IN ('A','B')),
        essential boolean NOT NULL DEFAULT false,
        essential_edition text,
        status text NOT NULL CHECK (status IN ('ACTIVE','RETIRED')),
        first_seen_edition_id uuid NOT NULL,
        last_seen_edition_id uuid NOT NULL,
        retired_in_edition_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT drug_code_shape CHECK (left(code, 1) = kind AND length(code) = CASE kind WHEN 'X' THEN 23 ELSE 20 END
          AND left(code, length(product_key)) = product_key),
        CONSTRAINT drug_code_retired_in CHECK ((status = 'RETIRED') = (retired_in_edition_id IS NOT NULL)),
        CONSTRAINT drug_code_essential_edition CHECK (NOT essential OR essential_edition IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX drug_code_name_trgm ON drug_code USING gin (generic_name gin_trgm_ops)`);
    // Editions and essential-list editions are referenced without foreign keys: never delete them.
    await q.query(`
      CREATE FUNCTION drug_reference_kept() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% rows are referenced by drug codes and are kept', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['drug_dictionary_edition', 'essential_drug_edition']) {
      await q.query(`CREATE TRIGGER ${table}_kept BEFORE DELETE OR TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION drug_reference_kept()`);
    }

    // ---------- the consortium's unified list (统一药品目录) ----------
    await q.query(`
      CREATE TABLE formulary_item (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES consortium(id),
        national_code text REFERENCES drug_code(code),
        product_key text NOT NULL,
        generic_name text NOT NULL,
        dosage_form text,
        spec text,
        spec_key text NOT NULL,
        tiers text[] NOT NULL CHECK (cardinality(tiers) > 0 AND tiers <@ ${TIERS}),
        substitution_group text,
        substitution_key text GENERATED ALWAYS AS (coalesce(substitution_group, product_key)) STORED,
        status text NOT NULL CHECK (status IN ('ACTIVE','RETIRED')),
        version int NOT NULL DEFAULT 1 CHECK (version > 0),
        note text,
        retire_reason text,
        created_by uuid REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        retired_at timestamptz,
        CONSTRAINT formulary_item_tenant_id UNIQUE (tenant_id, id),
        CONSTRAINT formulary_item_retired CHECK (status <> 'RETIRED' OR (retired_at IS NOT NULL AND retire_reason IS NOT NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX formulary_item_code ON formulary_item (tenant_id, national_code)
      WHERE status = 'ACTIVE' AND national_code IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX formulary_item_product_spec ON formulary_item (tenant_id, product_key, spec_key)
      WHERE status = 'ACTIVE' AND national_code IS NULL`);
    await q.query(`CREATE INDEX formulary_item_list ON formulary_item (tenant_id, generic_name, id)`);
    await q.query(`CREATE INDEX formulary_item_product ON formulary_item (tenant_id, product_key)`);
    await q.query(
      `CREATE INDEX formulary_item_substitution ON formulary_item (tenant_id, substitution_key) WHERE status = 'ACTIVE'`,
    );
    await q.query(`
      CREATE TABLE formulary_item_version (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id uuid NOT NULL,
        formulary_item_id uuid NOT NULL,
        version int NOT NULL,
        action text NOT NULL CHECK (action IN ('CREATE','UPDATE','RETIRE')),
        changed text[] NOT NULL DEFAULT '{}',
        snapshot jsonb NOT NULL,
        note text,
        actor_user_id uuid,
        at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (tenant_id, formulary_item_id) REFERENCES formulary_item (tenant_id, id),
        CONSTRAINT formulary_item_version_once UNIQUE (formulary_item_id, version)
      )`);
    await appendOnly('formulary_item_version');

    // ---------- member catalogues (机构药品目录) ----------
    await q.query(`
      CREATE TABLE drug_catalogue_import (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        institution_id uuid NOT NULL,
        file_name text NOT NULL,
        storage_path text,
        format text NOT NULL CHECK (format IN ('CSV','XLSX')),
        file_sha256 text CHECK (file_sha256 ~ ${SHA256}),
        status text NOT NULL CHECK (status IN ('QUEUED','RUNNING','DONE','SKIPPED','FAILED')),
        duplicate_of uuid,
        rows_total int,
        rows_done int NOT NULL DEFAULT 0,
        rows_ok int NOT NULL DEFAULT 0,
        rows_bad int NOT NULL DEFAULT 0,
        inserted int NOT NULL DEFAULT 0,
        updated int NOT NULL DEFAULT 0,
        unchanged int NOT NULL DEFAULT 0,
        deactivated int NOT NULL DEFAULT 0,
        errors jsonb NOT NULL DEFAULT '[]',
        failure text,
        requested_by uuid REFERENCES app_user(id),
        attempts int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (tenant_id, institution_id) REFERENCES institution (tenant_id, id),
        CONSTRAINT drug_catalogue_import_tenant_id UNIQUE (tenant_id, id),
        FOREIGN KEY (tenant_id, duplicate_of) REFERENCES drug_catalogue_import (tenant_id, id),
        CONSTRAINT drug_catalogue_import_failed CHECK (status <> 'FAILED' OR failure IS NOT NULL)
      )`);
    await q.query(
      `CREATE INDEX drug_catalogue_import_institution ON drug_catalogue_import (institution_id, created_at DESC, id DESC)`,
    );
    // One import at a time per institution: two would fight over the same rows.
    await q.query(`CREATE UNIQUE INDEX drug_catalogue_import_one_open ON drug_catalogue_import (institution_id)
      WHERE status IN ('QUEUED','RUNNING')`);
    await q.query(`CREATE INDEX drug_catalogue_import_done ON drug_catalogue_import (institution_id, file_sha256)
      WHERE status = 'DONE'`);
    await q.query(`
      CREATE TABLE drug_catalogue_item (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        institution_id uuid NOT NULL,
        local_code text NOT NULL CHECK (length(local_code) BETWEEN 1 AND 64),
        brand_name text,
        generic_name text NOT NULL,
        dosage_form text,
        spec text,
        maker text,
        pack_factor numeric(12,3) CHECK (pack_factor > 0),
        unit text,
        national_code text,
        active boolean NOT NULL DEFAULT true,
        version int NOT NULL DEFAULT 1 CHECK (version > 0),
        content_hash text NOT NULL,
        last_import_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deactivated_at timestamptz,
        FOREIGN KEY (tenant_id, institution_id) REFERENCES institution (tenant_id, id),
        FOREIGN KEY (tenant_id, last_import_id) REFERENCES drug_catalogue_import (tenant_id, id),
        CONSTRAINT drug_catalogue_item_local_code UNIQUE (institution_id, local_code),
        CONSTRAINT drug_catalogue_item_tenant_id UNIQUE (tenant_id, id),
        -- lets mappings and stock pin the institution as well
        CONSTRAINT drug_catalogue_item_tenant_institution_id UNIQUE (tenant_id, institution_id, id),
        CONSTRAINT drug_catalogue_item_deactivated CHECK (active OR deactivated_at IS NOT NULL)
      )`);
    await q.query(
      `CREATE INDEX drug_catalogue_item_list ON drug_catalogue_item (institution_id, generic_name, id)`,
    );
    await q.query(`CREATE INDEX drug_catalogue_item_national_code ON drug_catalogue_item (tenant_id, national_code)
      WHERE national_code IS NOT NULL`);
    await q.query(`
      CREATE TABLE drug_catalogue_item_version (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id uuid NOT NULL,
        catalogue_item_id uuid NOT NULL,
        version int NOT NULL,
        change text NOT NULL CHECK (change IN ('CREATE','UPDATE','DEACTIVATE','REACTIVATE')),
        snapshot jsonb NOT NULL,
        import_id uuid,
        at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (tenant_id, catalogue_item_id) REFERENCES drug_catalogue_item (tenant_id, id),
        FOREIGN KEY (tenant_id, import_id) REFERENCES drug_catalogue_import (tenant_id, id),
        CONSTRAINT drug_catalogue_item_version_once UNIQUE (catalogue_item_id, version)
      )`);
    await appendOnly('drug_catalogue_item_version');

    // ---------- mappings: catalogue item → unified-list item ----------
    await q.query(`
      CREATE TABLE drug_mapping (
        catalogue_item_id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        institution_id uuid NOT NULL,
        formulary_item_id uuid,
        status text NOT NULL CHECK (status IN ('AUTO_CONFIRMED','PROPOSED','CONFIRMED','REJECTED','UNMAPPED','INVALID')),
        tier text,
        score numeric(5,4) CHECK (score BETWEEN 0 AND 1),
        reasons jsonb NOT NULL DEFAULT '[]',
        candidates jsonb NOT NULL DEFAULT '[]',
        decided_by uuid REFERENCES app_user(id),
        decided_at timestamptz,
        version int NOT NULL DEFAULT 1 CHECK (version > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (tenant_id, institution_id, catalogue_item_id)
          REFERENCES drug_catalogue_item (tenant_id, institution_id, id),
        FOREIGN KEY (tenant_id, formulary_item_id) REFERENCES formulary_item (tenant_id, id),
        CONSTRAINT drug_mapping_target CHECK (
          (status IN ('AUTO_CONFIRMED','PROPOSED','CONFIRMED') AND formulary_item_id IS NOT NULL)
          OR (status IN ('UNMAPPED','INVALID') AND formulary_item_id IS NULL)
          OR status = 'REJECTED'),
        CONSTRAINT drug_mapping_decided CHECK (status NOT IN ('CONFIRMED','REJECTED') OR decided_at IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX drug_mapping_institution_status ON drug_mapping (institution_id, status)`);
    await q.query(`CREATE INDEX drug_mapping_tenant_status ON drug_mapping (tenant_id, status)`);
    await q.query(`CREATE INDEX drug_mapping_formulary ON drug_mapping (tenant_id, formulary_item_id, institution_id)
      WHERE status IN ('AUTO_CONFIRMED','CONFIRMED')`);
    await q.query(`
      CREATE TABLE drug_mapping_history (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id uuid NOT NULL,
        catalogue_item_id uuid NOT NULL,
        version int NOT NULL,
        action text NOT NULL,
        formulary_item_id uuid,
        status text NOT NULL,
        tier text,
        score numeric(5,4),
        reasons jsonb NOT NULL DEFAULT '[]',
        decided_by uuid,
        note text,
        at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (tenant_id, catalogue_item_id) REFERENCES drug_catalogue_item (tenant_id, id),
        FOREIGN KEY (tenant_id, formulary_item_id) REFERENCES formulary_item (tenant_id, id),
        CONSTRAINT drug_mapping_history_once UNIQUE (catalogue_item_id, version)
      )`);
    await appendOnly('drug_mapping_history');

    // ---------- stock ----------
    await q.query(`
      CREATE TABLE drug_stock (
        catalogue_item_id uuid PRIMARY KEY,
        tenant_id uuid NOT NULL,
        institution_id uuid NOT NULL,
        on_hand numeric(14,3) NOT NULL CHECK (on_hand >= 0),
        source text NOT NULL CHECK (source IN ('IMPORT','MANUAL','SUPPLY')),
        updated_by uuid REFERENCES app_user(id),
        version int NOT NULL DEFAULT 1 CHECK (version > 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (tenant_id, institution_id, catalogue_item_id)
          REFERENCES drug_catalogue_item (tenant_id, institution_id, id)
      )`);
    await q.query(`CREATE INDEX drug_stock_institution ON drug_stock (institution_id, updated_at)`);

    // ---------- medication continuity on down-referral (用药衔接) ----------
    // Keyed by referral id without a foreign key: referrals own their tables, and this
    // capability reaches them only through the referrals package (referrals are never deleted).
    await q.query(`
      CREATE TABLE medication_plan_item (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES consortium(id),
        referral_id uuid NOT NULL,
        position smallint NOT NULL CHECK (position >= 0),
        drug_text text NOT NULL,
        national_code text REFERENCES drug_code(code),
        formulary_item_id uuid,
        dose text,
        route text,
        frequency text,
        duration text,
        created_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (tenant_id, formulary_item_id) REFERENCES formulary_item (tenant_id, id),
        CONSTRAINT medication_plan_item_position UNIQUE (referral_id, position),
        CONSTRAINT medication_plan_item_tenant_id UNIQUE (tenant_id, id)
      )`);
    await q.query(`
      CREATE TABLE medication_continuity_check (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        referral_id uuid NOT NULL,
        receiving_institution_id uuid NOT NULL,
        trigger text NOT NULL CHECK (trigger IN ('SUBMISSION','STOCK_CHANGE','MAPPING_CHANGE','SUPPLY','MANUAL')),
        referral_submitted_at timestamptz NOT NULL,
        checked_at timestamptz NOT NULL,
        current boolean NOT NULL DEFAULT true,
        items_total int NOT NULL DEFAULT 0,
        available int NOT NULL DEFAULT 0,
        substitute int NOT NULL DEFAULT 0,
        out_of_stock int NOT NULL DEFAULT 0,
        not_listed int NOT NULL DEFAULT 0,
        unknown int NOT NULL DEFAULT 0,
        snapshot jsonb NOT NULL DEFAULT '{}',
        FOREIGN KEY (tenant_id, receiving_institution_id) REFERENCES institution (tenant_id, id),
        CONSTRAINT medication_continuity_check_tenant_id UNIQUE (tenant_id, id),
        CONSTRAINT medication_continuity_check_counts CHECK (
          items_total = available + substitute + out_of_stock + not_listed + unknown)
      )`);
    // The check at submission is the one the rate counts: exactly one per referral.
    await q.query(`CREATE UNIQUE INDEX medication_continuity_at_submission ON medication_continuity_check (referral_id)
      WHERE trigger = 'SUBMISSION'`);
    await q.query(
      `CREATE UNIQUE INDEX medication_continuity_current ON medication_continuity_check (referral_id) WHERE current`,
    );
    await q.query(`CREATE INDEX medication_continuity_month ON medication_continuity_check
      (tenant_id, referral_submitted_at, receiving_institution_id) WHERE trigger = 'SUBMISSION'`);
    await q.query(`CREATE INDEX medication_continuity_receiving ON medication_continuity_check
      (receiving_institution_id, checked_at) WHERE current`);
    await q.query(`
      CREATE TABLE medication_continuity_result (
        check_id uuid NOT NULL,
        plan_item_id uuid NOT NULL,
        tenant_id uuid NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('AVAILABLE','SUBSTITUTE','OUT_OF_STOCK','NOT_LISTED','UNKNOWN')),
        formulary_item_id uuid,
        catalogue_item_id uuid,
        on_hand numeric(14,3),
        note text,
        PRIMARY KEY (check_id, plan_item_id),
        FOREIGN KEY (tenant_id, check_id) REFERENCES medication_continuity_check (tenant_id, id),
        FOREIGN KEY (tenant_id, plan_item_id) REFERENCES medication_plan_item (tenant_id, id),
        FOREIGN KEY (tenant_id, formulary_item_id) REFERENCES formulary_item (tenant_id, id),
        FOREIGN KEY (tenant_id, catalogue_item_id) REFERENCES drug_catalogue_item (tenant_id, id)
      )`);
    await appendOnly('medication_continuity_result');

    // ---------- supply requests (基层缺药登记) ----------
    await q.query(`
      CREATE TABLE supply_request (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        number text NOT NULL,
        requesting_institution_id uuid NOT NULL,
        supplying_institution_id uuid NOT NULL,
        formulary_item_id uuid NOT NULL,
        catalogue_item_id uuid,
        quantity numeric(14,3) NOT NULL CHECK (quantity > 0),
        unit text,
        referral_id uuid,
        plan_item_id uuid,
        state text NOT NULL CHECK (state IN ('REQUESTED','APPROVED','DISPATCHED','RECEIVED','REJECTED')),
        reason text NOT NULL,
        reject_reason text,
        needed_by timestamptz,
        decide_due_at timestamptz,
        deliver_due_at timestamptz,
        quantity_dispatched numeric(14,3) CHECK (quantity_dispatched > 0),
        quantity_received numeric(14,3) CHECK (quantity_received >= 0),
        idempotency_key text,
        version int NOT NULL DEFAULT 1 CHECK (version > 0),
        requested_by uuid NOT NULL REFERENCES app_user(id),
        decided_by uuid REFERENCES app_user(id),
        decided_at timestamptz,
        dispatched_at timestamptz,
        received_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (tenant_id, requesting_institution_id) REFERENCES institution (tenant_id, id),
        FOREIGN KEY (tenant_id, supplying_institution_id) REFERENCES institution (tenant_id, id),
        FOREIGN KEY (tenant_id, formulary_item_id) REFERENCES formulary_item (tenant_id, id),
        FOREIGN KEY (tenant_id, requesting_institution_id, catalogue_item_id)
          REFERENCES drug_catalogue_item (tenant_id, institution_id, id),
        FOREIGN KEY (tenant_id, plan_item_id) REFERENCES medication_plan_item (tenant_id, id),
        CONSTRAINT supply_request_tenant_id UNIQUE (tenant_id, id),
        CONSTRAINT supply_request_tenant_number UNIQUE (tenant_id, number),
        CONSTRAINT supply_request_idempotency UNIQUE (tenant_id, requesting_institution_id, idempotency_key),
        CONSTRAINT supply_request_not_to_self CHECK (requesting_institution_id <> supplying_institution_id),
        CONSTRAINT supply_request_rejection CHECK (state <> 'REJECTED' OR (reject_reason IS NOT NULL AND decided_at IS NOT NULL)),
        CONSTRAINT supply_request_decided CHECK (state IN ('REQUESTED','REJECTED') OR decided_at IS NOT NULL),
        CONSTRAINT supply_request_dispatched CHECK (state NOT IN ('DISPATCHED','RECEIVED') OR dispatched_at IS NOT NULL),
        CONSTRAINT supply_request_received CHECK (state <> 'RECEIVED' OR received_at IS NOT NULL)
      )`);
    await q.query(
      `CREATE INDEX supply_request_supplying ON supply_request (supplying_institution_id, state, created_at, id)`,
    );
    await q.query(
      `CREATE INDEX supply_request_requesting ON supply_request (requesting_institution_id, created_at DESC, id)`,
    );
    await q.query(`CREATE INDEX supply_request_tenant ON supply_request (tenant_id, created_at DESC, id)`);
    await q.query(
      `CREATE INDEX supply_request_referral ON supply_request (referral_id) WHERE referral_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX supply_request_awaiting_decision ON supply_request (decide_due_at) WHERE state = 'REQUESTED'`,
    );
    await q.query(
      `CREATE INDEX supply_request_awaiting_delivery ON supply_request (deliver_due_at) WHERE state IN ('APPROVED','DISPATCHED')`,
    );
    await q.query(`
      CREATE TABLE supply_request_step (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id uuid NOT NULL,
        supply_request_id uuid NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        actor_user_id uuid,
        action text NOT NULL,
        from_state text,
        to_state text NOT NULL,
        note text,
        details jsonb NOT NULL DEFAULT '{}',
        FOREIGN KEY (tenant_id, supply_request_id) REFERENCES supply_request (tenant_id, id)
      )`);
    await q.query(`CREATE INDEX supply_request_step_request ON supply_request_step (supply_request_id, id)`);
    await appendOnly('supply_request_step');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'supply_request_step',
      'supply_request',
      'medication_continuity_result',
      'medication_continuity_check',
      'medication_plan_item',
      'drug_stock',
      'drug_mapping_history',
      'drug_mapping',
      'drug_catalogue_item_version',
      'drug_catalogue_item',
      'drug_catalogue_import',
      'formulary_item_version',
      'formulary_item',
      'drug_code',
      'drug_dictionary_import',
      'drug_dictionary_edition',
      'essential_drug_edition',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
    await q.query(`DROP FUNCTION drug_history_append_only()`);
    await q.query(`DROP FUNCTION drug_reference_kept()`);
  }
}
