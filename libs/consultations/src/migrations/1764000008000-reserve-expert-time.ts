import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * reserve_expert_time: lock, check and insert an expert booking in one round trip. The api
 * used to send each step as its own statement; on a booking storm the api's CPU per statement,
 * not Postgres, set the pace. The rule stays the same: one transaction-scoped advisory lock per
 * expert, taken in uuid order (so MDT bookings sharing experts queue instead of deadlocking),
 * then the buffer-aware check, then the insert; the exclusion constraint remains the last word.
 */
export class ReserveExpertTime1764000008000 implements MigrationInterface {
  name = 'ReserveExpertTime1764000008000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION reserve_expert_time(
        p_tenant uuid, p_consultation uuid, p_experts uuid[],
        p_start timestamptz, p_end timestamptz, p_buffer_minutes int)
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
         WHERE b.active AND b.practitioner_id = ANY(p_experts)
           AND b.during && tstzrange(p_start - make_interval(mins => p_buffer_minutes),
                                     p_end + make_interval(mins => p_buffer_minutes))
         ORDER BY b.practitioner_id
         LIMIT 1;
        IF busy IS NOT NULL THEN
          RETURN busy;
        END IF;
        INSERT INTO consultation_booking (tenant_id, consultation_id, practitioner_id, during)
        SELECT p_tenant, p_consultation, x, tstzrange(p_start, p_end)
          FROM (SELECT DISTINCT x FROM unnest(p_experts) AS x) AS u
         ORDER BY x;
        RETURN NULL;
      END
      $fn$`);
    await q.query(
      `COMMENT ON FUNCTION reserve_expert_time(uuid, uuid, uuid[], timestamptz, timestamptz, int) IS
       'Locks the experts (uuid order); returns the first one busy within the buffer, or books them all and returns NULL'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION reserve_expert_time(uuid, uuid, uuid[], timestamptz, timestamptz, int)`);
  }
}
