import { MigrationInterface, QueryRunner } from 'typeorm';

export class Audit1764000001000 implements MigrationInterface {
  name = 'Audit1764000001000';

  async up(q: QueryRunner): Promise<void> {
    // No foreign keys: the trail must outlive whatever it talks about.
    await q.query(`
      CREATE TABLE audit_event (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id uuid NOT NULL,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        actor_user_id uuid,
        actor_roles text[] NOT NULL DEFAULT '{}',
        actor_institution_id uuid,
        action text NOT NULL,
        entity_type text,
        entity_id text,
        outcome text NOT NULL CHECK (outcome IN ('SUCCESS','FAILURE','DENIED')),
        error_code text,
        request_id text,
        client_ip text,
        details jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(
      `CREATE INDEX audit_event_tenant_time ON audit_event (tenant_id, occurred_at DESC, id DESC)`,
    );
    await q.query(`CREATE INDEX audit_event_entity ON audit_event (tenant_id, entity_type, entity_id)`);
    await q.query(
      `CREATE INDEX audit_event_actor ON audit_event (tenant_id, actor_user_id, occurred_at DESC)`,
    );
    await q.query(`
      CREATE TABLE audit_seal (
        tenant_id uuid NOT NULL,
        seq bigint NOT NULL,
        event_id bigint NOT NULL UNIQUE REFERENCES audit_event(id),
        prev_hash text NOT NULL,
        hash text NOT NULL,
        sealed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, seq)
      )`);
    // Work list for the sealer, filled in the writer's own transaction so nothing is missed.
    await q.query(`
      CREATE TABLE audit_pending (
        event_id bigint PRIMARY KEY,
        tenant_id uuid NOT NULL
      )`);
    await q.query(`CREATE INDEX audit_pending_tenant ON audit_pending (tenant_id, event_id)`);
    await q.query(`
      CREATE FUNCTION audit_enqueue_seal() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO audit_pending (event_id, tenant_id) VALUES (NEW.id, NEW.tenant_id);
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_event_pending AFTER INSERT ON audit_event
        FOR EACH ROW EXECUTE FUNCTION audit_enqueue_seal()`);
    // Append-only, whatever role connects: rows may be inserted, never changed or removed.
    await q.query(`
      CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '审计记录只能追加 (audit records are append-only: % on %)', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['audit_event', 'audit_seal']) {
      await q.query(`
        CREATE TRIGGER ${table}_no_update_delete BEFORE UPDATE OR DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION audit_append_only()`);
      await q.query(`
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_pending`);
    await q.query(`DROP TABLE audit_seal`);
    await q.query(`DROP TABLE audit_event`);
    await q.query(`DROP FUNCTION audit_append_only()`);
    await q.query(`DROP FUNCTION audit_enqueue_seal()`);
  }
}
