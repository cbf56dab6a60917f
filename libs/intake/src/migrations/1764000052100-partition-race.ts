import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_GROUP_ROLE } from '@yg/core/database/roles';

/**
 * Two loads needing the same new month at once: the second, once it had waited for the first,
 * still found no partition through `to_regclass` (answered from a catalogue cache taken before
 * its lock) and failed creating it again. It now looks in `pg_class` after the lock.
 */
export class PartitionRace1764000052100 implements MigrationInterface {
  name = 'PartitionRace1764000052100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION intake_ensure_partitions(from_day date, to_day date) RETURNS void
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      DECLARE
        m date := date_trunc('month', from_day)::date;
        part text;
      BEGIN
        IF to_day < from_day OR to_day - from_day > 3660 THEN
          RAISE EXCEPTION 'partition range % .. % refused', from_day, to_day;
        END IF;
        WHILE m <= to_day LOOP
          part := 'encounter_' || to_char(m, 'YYYYMM');
          IF to_regclass(part) IS NULL THEN
            PERFORM pg_advisory_xact_lock(hashtextextended('intake-partition:' || part, 0));
            -- Read from pg_class with this statement's snapshot: to_regclass may answer from a
            -- catalogue cache taken before the lock, and a twin call that just made the month
            -- would be made again ("already exists").
            IF NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.relname = part
                             AND c.relnamespace = 'public'::regnamespace) THEN
              -- Created apart, then attached: ATTACH takes a lock that lets loads and reads
              -- of other months go on, where CREATE … PARTITION OF would wait for every open
              -- transaction on the table and block everyone queued behind it.
              EXECUTE format('CREATE TABLE %I (LIKE encounter INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
              EXECUTE format('ALTER TABLE encounter ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                part, m, (m + interval '1 month')::date);
              EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO ${APP_GROUP_ROLE}', part);
            END IF;
          END IF;
          m := (m + interval '1 month')::date;
        END LOOP;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION intake_ensure_partitions(from_day date, to_day date) RETURNS void
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      DECLARE
        m date := date_trunc('month', from_day)::date;
        part text;
      BEGIN
        IF to_day < from_day OR to_day - from_day > 3660 THEN
          RAISE EXCEPTION 'partition range % .. % refused', from_day, to_day;
        END IF;
        WHILE m <= to_day LOOP
          part := 'encounter_' || to_char(m, 'YYYYMM');
          IF to_regclass(part) IS NULL THEN
            PERFORM pg_advisory_xact_lock(hashtextextended('intake-partition:' || part, 0));
            IF to_regclass(part) IS NULL THEN
              -- Created apart, then attached: ATTACH takes a lock that lets loads and reads
              -- of other months go on, where CREATE … PARTITION OF would wait for every open
              -- transaction on the table and block everyone queued behind it.
              EXECUTE format('CREATE TABLE %I (LIKE encounter INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
              EXECUTE format('ALTER TABLE encounter ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                part, m, (m + interval '1 month')::date);
              EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO ${APP_GROUP_ROLE}', part);
            END IF;
          END IF;
          m := (m + interval '1 month')::date;
        END LOOP;
      END $$`);
  }
}
