import { MigrationInterface, QueryRunner } from 'typeorm';

export class Outbox1764000004000 implements MigrationInterface {
  name = 'Outbox1764000004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox_message (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id uuid,
        queue text NOT NULL,
        job_name text NOT NULL,
        payload jsonb NOT NULL,
        run_at timestamptz NOT NULL DEFAULT now(),
        attempts int CHECK (attempts > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    // The relay only ever scans what is still to publish.
    await q.query(`CREATE INDEX outbox_unpublished ON outbox_message (id) WHERE published_at IS NULL`);
    await q.query(
      `CREATE INDEX outbox_published_at ON outbox_message (published_at) WHERE published_at IS NOT NULL`,
    );
    // Wakes the relay at once instead of at its next poll.
    await q.query(`
      CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('outbox', '');
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER outbox_message_notify AFTER INSERT ON outbox_message
        FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()`);
    // Each event is handled at most once per handler, whatever BullMQ redelivers.
    await q.query(`
      CREATE TABLE processed_event (
        message_id bigint NOT NULL,
        handler text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (message_id, handler)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE processed_event`);
    await q.query(`DROP TABLE outbox_message`);
    await q.query(`DROP FUNCTION outbox_notify()`);
  }
}
