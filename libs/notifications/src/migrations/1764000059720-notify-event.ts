import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An event's notification fan-out in one statement: the handler's claim on the event, the inbox
 * rows of each intent's audience, the outside deliveries of the recipients' chosen channels, and
 * an outbox row per delivery. One statement is atomic on its own, so no transaction is opened.
 *
 * The rules, each enforced by a key so a redelivered or concurrent event changes nothing twice:
 * - the claim (`claim_event`): a message already handled returns NULL and writes nothing;
 * - one inbox row per event, recipient and kind (`notification_once`; the first intent wins);
 *   an intent's `excludeUserIds` are never told;
 * - one delivery per notification and channel the recipient chose (`notification_delivery_once`),
 *   each with its outbox row, built from `p_delivery_job` (queue, job name, run time, attempts)
 *   with `{ "deliveryId": … }` as payload, so none is lost;
 * - the users each push's audience names, for the caller to push to after commit.
 *
 * Returns `{ created: [inbox rows], pushUsers: [[user ids] per push, in order] }`.
 */
export class NotifyEvent1764000059720 implements MigrationInterface {
  name = 'NotifyEvent1764000059720';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION notify_event(p_message_id bigint, p_handler text, p_event jsonb, p_delivery_job jsonb)
        RETURNS jsonb LANGUAGE plpgsql AS $$
      DECLARE
        v_tenant uuid := (p_event->>'tenantId')::uuid;
        -- What the inbox row keeps of the event: its identity, then its data.
        v_payload jsonb := jsonb_build_object('type', p_event->'type', 'aggregateType', p_event->'aggregateType',
                                              'aggregateId', p_event->'aggregateId')
                           || CASE WHEN jsonb_typeof(p_event->'data') = 'object' THEN p_event->'data' ELSE '{}' END;
        v_created jsonb;
        v_push_users jsonb;
      BEGIN
        IF NOT claim_event(p_message_id, p_handler) THEN
          RETURN NULL;
        END IF;
        WITH intent AS (
          SELECT i, n FROM jsonb_array_elements(CASE WHEN jsonb_typeof(p_event->'notify') = 'array' THEN p_event->'notify' ELSE '[]' END) WITH ORDINALITY AS x(i, n)
        ), recipient AS (
          SELECT intent.n, intent.i, m.user_id
            FROM intent CROSS JOIN LATERAL audience_members(v_tenant, intent.i->'audience') AS m(user_id)
           WHERE NOT coalesce(intent.i->'excludeUserIds', '[]') ? m.user_id::text
        ), created AS (
          INSERT INTO notification AS t (tenant_id, recipient_user_id, message_id, kind, title, body, link, payload)
          SELECT v_tenant, r.user_id, p_message_id, r.i->>'kind', r.i->>'title', r.i->>'body', r.i->>'link', v_payload
            FROM recipient r
           ORDER BY r.n
          ON CONFLICT ON CONSTRAINT notification_once DO NOTHING
          RETURNING t.id, t.recipient_user_id, t.kind, t.title, t.body, t.link, t.created_at
        ), delivery AS (
          INSERT INTO notification_delivery AS d (tenant_id, notification_id, channel)
          SELECT v_tenant, c.id, ch
            FROM created c
            JOIN notification_preference p ON p.user_id = c.recipient_user_id
            CROSS JOIN LATERAL unnest(p.channels) AS ch
          ON CONFLICT ON CONSTRAINT notification_delivery_once DO NOTHING
          RETURNING d.id
        ), queued AS (
          INSERT INTO outbox_message (tenant_id, queue, job_name, payload, run_at, attempts)
          SELECT o.tenant_id, o.queue, o.job_name, jsonb_build_object('deliveryId', d.id), o.run_at, o.attempts
            FROM delivery d CROSS JOIN jsonb_populate_record(NULL::outbox_message, p_delivery_job) AS o
        )
        SELECT coalesce(jsonb_agg(to_jsonb(c)), '[]') INTO v_created FROM created c;

        SELECT coalesce(jsonb_agg(
                 (SELECT coalesce(jsonb_agg(m.user_id), '[]')
                    FROM audience_members(v_tenant, x.p->'audience') AS m(user_id))
                 ORDER BY x.n), '[]')
          INTO v_push_users
          FROM jsonb_array_elements(CASE WHEN jsonb_typeof(p_event->'push') = 'array' THEN p_event->'push' ELSE '[]' END) WITH ORDINALITY AS x(p, n);

        RETURN jsonb_build_object('created', v_created, 'pushUsers', v_push_users);
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION notify_event(bigint, text, jsonb, jsonb)`);
  }
}
