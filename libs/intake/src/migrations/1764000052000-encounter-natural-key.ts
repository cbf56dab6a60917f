import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Encounters are identified by their natural key: the primary key becomes (tenant, institution,
 * visit day, source system, source record id), which also serves the institution-month reads
 * the drill-down makes, so the random UUID primary key and `encounter_inst_month` go — one
 * B-tree insertion per loaded row instead of two. `id` stays as a plain column (the drill-down
 * shows it); nothing looks a row up by it.
 *
 * `encounter_key` stays: PostgreSQL has no unique index across partitions, and a corrected
 * record may move month, so the month a key lives in has to be found with one probe rather than
 * one per partition. It no longer carries the encounter's id: the month and the key name the
 * row.
 */
export class EncounterNaturalKey1764000052000 implements MigrationInterface {
  name = 'EncounterNaturalKey1764000052000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE encounter DROP CONSTRAINT encounter_pkey`);
    await q.query(`DROP INDEX encounter_inst_month`);
    await q.query(
      `ALTER TABLE encounter ADD CONSTRAINT encounter_pkey
         PRIMARY KEY (tenant_id, institution_id, occurred_on, source_system, source_record_id)`,
    );
    await q.query(`ALTER TABLE encounter_key DROP COLUMN encounter_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE encounter_key ADD COLUMN encounter_id uuid`);
    await q.query(`
      UPDATE encounter_key k SET encounter_id = e.id
        FROM encounter e
       WHERE e.tenant_id = k.tenant_id AND e.institution_id = k.institution_id AND e.occurred_on = k.occurred_on
         AND e.source_system = k.source_system AND e.source_record_id = k.source_record_id`);
    await q.query(`ALTER TABLE encounter_key ALTER COLUMN encounter_id SET NOT NULL`);
    await q.query(`ALTER TABLE encounter DROP CONSTRAINT encounter_pkey`);
    await q.query(`ALTER TABLE encounter ADD CONSTRAINT encounter_pkey PRIMARY KEY (id, occurred_on)`);
    await q.query(
      `CREATE INDEX encounter_inst_month ON encounter (tenant_id, institution_id, occurred_on DESC, id)`,
    );
  }
}
