import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Writers of the outbox no longer send NOTIFY. PostgreSQL serialises the commits of notifying
 * transactions on one cluster-wide lock held until their WAL is flushed (the notification
 * queue keeps commit order), so every transaction that wrote an outbox row — each referral,
 * booking and answer, in every consortium's database on the server — committed one at a time.
 * The relay polls an index of unpublished rows instead.
 */
export class OutboxWithoutNotify1764000059800 implements MigrationInterface {
  name = 'OutboxWithoutNotify1764000059800';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER outbox_message_notify ON outbox_message`);
    await q.query(`DROP FUNCTION outbox_notify()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('outbox', '');
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER outbox_message_notify AFTER INSERT ON outbox_message
        FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()`);
  }
}
