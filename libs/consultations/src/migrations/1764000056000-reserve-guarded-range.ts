import { MigrationInterface, QueryRunner } from 'typeorm';
import { ReserveExpertTime1764000008000 } from './1764000008000-reserve-expert-time';

/**
 * reserve_expert_time takes the range to keep free (the booking widened by the consortium's
 * buffer) instead of the buffer's minutes: the buffer rule is stated once, in the domain
 * (`guarded` in domain/slots.ts), and the function only locks, checks and inserts. The locking
 * stays: one transaction-scoped advisory lock per expert, in uuid order, so MDT bookings that
 * share experts queue instead of deadlocking; the exclusion constraint remains the last word.
 */
export class ReserveGuardedRange1764000056000 implements MigrationInterface {
  name = 'ReserveGuardedRange1764000056000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION reserve_expert_time(uuid, uuid, uuid[], timestamptz, timestamptz, int)`);
    await q.query(`
      CREATE FUNCTION reserve_expert_time(
        p_tenant uuid, p_consultation uuid, p_experts uuid[], p_during tstzrange, p_keep_free tstzrange)
      RETURNS uuid
      LANGUAGE plpgsql VOLATILE
      AS $fn$
      DECLARE
        e uuid;
        busy uuid;
      BEGIN
        FOR e IN SELECT DISTINCT x FROM unnest(p_experts) AS x ORDER BY x LOOP
          PERFORM pg_advisory_xact_lock(hashtextextended('expert-booking:' || e::text, 0));
        END LOOP;
        -- Each statement of a VOLATILE function takes a fresh snapshot (READ COMMITTED): this
        -- sees every booking committed by the lock's previous holders.
        SELECT b.practitioner_id INTO busy
          FROM consultation_booking b
         WHERE b.active AND b.practitioner_id = ANY(p_experts) AND b.during && p_keep_free
         ORDER BY b.practitioner_id
         LIMIT 1;
        IF busy IS NOT NULL THEN
          RETURN busy;
        END IF;
        INSERT INTO consultation_booking (tenant_id, consultation_id, practitioner_id, during)
        SELECT p_tenant, p_consultation, x, p_during
          FROM (SELECT DISTINCT x FROM unnest(p_experts) AS x) AS u
         ORDER BY x;
        RETURN NULL;
      END
      $fn$`);
    await q.query(
      `COMMENT ON FUNCTION reserve_expert_time(uuid, uuid, uuid[], tstzrange, tstzrange) IS
       'Locks the experts (uuid order); returns the first one with an active booking overlapping p_keep_free, or books them all for p_during and returns NULL'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION reserve_expert_time(uuid, uuid, uuid[], tstzrange, tstzrange)`);
    await new ReserveExpertTime1764000008000().up(q);
  }
}
