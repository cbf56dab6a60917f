import { MigrationInterface, QueryRunner } from 'typeorm';

export class Notifications1764000005000 implements MigrationInterface {
  name = 'Notifications1764000005000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notification (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        recipient_user_id uuid NOT NULL REFERENCES app_user(id),
        message_id bigint NOT NULL,
        kind text NOT NULL,
        title text NOT NULL,
        body text,
        link text,
        payload jsonb NOT NULL DEFAULT '{}',
        -- millisecond precision, so a cursor made from a JS Date points exactly at its row
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        read_at timestamptz,
        -- a redelivered event cannot reach the same person twice
        CONSTRAINT notification_once UNIQUE (message_id, recipient_user_id, kind)
      )`);
    await q.query(
      `CREATE INDEX notification_inbox ON notification (recipient_user_id, created_at DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX notification_unread ON notification (recipient_user_id) WHERE read_at IS NULL`,
    );
    await q.query(`
      CREATE TABLE notification_preference (
        user_id uuid PRIMARY KEY REFERENCES app_user(id),
        tenant_id uuid NOT NULL,
        channels text[] NOT NULL DEFAULT '{}' CHECK (channels <@ ARRAY['SMS','WEBHOOK']::text[]),
        webhook_url text,
        webhook_secret text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT notification_preference_webhook CHECK (NOT ('WEBHOOK' = ANY(channels)) OR webhook_url IS NOT NULL)
      )`);
    await q.query(`
      CREATE TABLE notification_delivery (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        notification_id uuid NOT NULL REFERENCES notification(id),
        channel text NOT NULL CHECK (channel IN ('SMS','WEBHOOK')),
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING','SENT','FAILED')),
        attempts int NOT NULL DEFAULT 0,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        CONSTRAINT notification_delivery_once UNIQUE (notification_id, channel)
      )`);
    await q.query(`CREATE INDEX notification_delivery_status ON notification_delivery (status, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notification_delivery`);
    await q.query(`DROP TABLE notification_preference`);
    await q.query(`DROP TABLE notification`);
  }
}
