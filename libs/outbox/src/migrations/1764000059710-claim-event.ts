import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The claim that makes a handler run at most once per event: true the first time a
 * (message, handler) pair is claimed, false ever after (and for a concurrent second claim, once
 * the first commits). Called inside the handler's own statement or transaction, so the claim
 * and the work commit together or not at all.
 */
export class ClaimEvent1764000059710 implements MigrationInterface {
  name = 'ClaimEvent1764000059710';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION claim_event(p_message_id bigint, p_handler text) RETURNS boolean
        LANGUAGE sql AS $$
      WITH claimed AS (
        INSERT INTO processed_event (message_id, handler) VALUES (p_message_id, p_handler)
        ON CONFLICT DO NOTHING
        RETURNING 1)
      SELECT EXISTS (SELECT 1 FROM claimed)
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION claim_event(bigint, text)`);
  }
}
