import { MigrationInterface, QueryRunner } from 'typeorm';
import { TEMPLATES } from './1764000031000-indicator-templates';

const KINDS = `'RATIO','VALUE','GROWTH','CHANGE','QUALITATIVE'`;
const DIRECTIONS = `'HIGHER_BETTER','LOWER_BETTER','NEUTRAL'`;

/**
 * Indicators as data. Sets and definitions are platform-wide templates (tenant_id NULL) that
 * every consortium reads until it edits one: an edit inserts that consortium's own next
 * version, so existing and new consortia need no copy at creation. Versions are never changed.
 * Publishing a month pins, per indicator, the version that month is computed with.
 */
export class Indicators1764000031000 implements MigrationInterface {
  name = 'Indicators1764000031000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION indicator_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TABLE indicator_set (
        code text PRIMARY KEY CHECK (code ~ '^[A-Z0-9_]{1,40}$'),
        name text NOT NULL,
        edition text NOT NULL,
        position int NOT NULL,
        description text NOT NULL
      )`);
    await q.query(`
      INSERT INTO indicator_set (code, name, edition, position, description) VALUES
        ('NATIONAL_2024', '紧密型县域医疗卫生共同体监测指标', '国家监测指标 2024', 1,
         '《紧密型县域医疗卫生共同体监测指标体系（2024版）》5 个维度 14 项指标;指标说明原文未取得,公式为工作定义'),
        ('CONSORTIUM', '本医共体指标', '本医共体', 2, '医共体自定的运行指标')`);
    await q.query(`
      CREATE TABLE indicator_definition (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- NULL: the platform template; a consortium's id: its own version
        tenant_id uuid REFERENCES consortium(id),
        set_code text NOT NULL REFERENCES indicator_set(code),
        code text NOT NULL CHECK (code ~ '^[A-Z0-9_]{1,20}$'),
        version int NOT NULL CHECK (version > 0),
        position int NOT NULL,
        name_zh text NOT NULL CHECK (length(name_zh) BETWEEN 1 AND 100),
        name_en text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 200),
        dimension text NOT NULL CHECK (length(dimension) BETWEEN 1 AND 40),
        kind text NOT NULL CHECK (kind IN (${KINDS})),
        formula jsonb NOT NULL,
        unit text NOT NULL CHECK (length(unit) BETWEEN 1 AND 20),
        direction text NOT NULL CHECK (direction IN (${DIRECTIONS})),
        targets jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(targets) = 'array'),
        working_definition text NOT NULL CHECK (length(working_definition) BETWEEN 1 AND 2000),
        change_note text,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT indicator_definition_tenant_id UNIQUE (tenant_id, id),
        CONSTRAINT indicator_definition_edit_noted CHECK (tenant_id IS NULL OR change_note IS NOT NULL)
      )`);
    // Versions are numbered per code across the template and the consortium's own edits.
    await q.query(`CREATE UNIQUE INDEX indicator_definition_template_version
      ON indicator_definition (code, version) WHERE tenant_id IS NULL`);
    await q.query(`CREATE UNIQUE INDEX indicator_definition_tenant_version
      ON indicator_definition (tenant_id, code, version) WHERE tenant_id IS NOT NULL`);
    await q.query(`CREATE TRIGGER indicator_definition_append_only BEFORE UPDATE OR DELETE OR TRUNCATE
      ON indicator_definition FOR EACH STATEMENT EXECUTE FUNCTION indicator_history_append_only()`);

    await q.query(`
      CREATE TABLE indicator_publication (
        tenant_id uuid NOT NULL REFERENCES consortium(id),
        month text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        published_at timestamptz NOT NULL DEFAULT now(),
        published_by uuid NOT NULL,
        PRIMARY KEY (tenant_id, month)
      )`);
    await q.query(`
      CREATE TABLE indicator_publication_definition (
        tenant_id uuid NOT NULL,
        month text NOT NULL,
        code text NOT NULL,
        definition_id uuid NOT NULL REFERENCES indicator_definition(id),
        PRIMARY KEY (tenant_id, month, code),
        FOREIGN KEY (tenant_id, month) REFERENCES indicator_publication (tenant_id, month)
      )`);
    for (const table of ['indicator_publication', 'indicator_publication_definition']) {
      await q.query(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE
        ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION indicator_history_append_only()`);
    }

    for (const [i, d] of TEMPLATES.entries()) {
      await q.query(
        `INSERT INTO indicator_definition (tenant_id, set_code, code, version, position, name_zh, name_en, dimension,
           kind, formula, unit, direction, targets, working_definition)
         VALUES (NULL, $1, $2, 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          d.set,
          d.code,
          i + 1,
          d.nameZh,
          d.nameEn,
          d.dimension,
          d.kind,
          JSON.stringify(d.formula),
          d.unit,
          d.direction,
          JSON.stringify(d.targets),
          d.definition,
        ],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'indicator_publication_definition',
      'indicator_publication',
      'indicator_definition',
      'indicator_set',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
    await q.query(`DROP FUNCTION indicator_history_append_only()`);
  }
}
