import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * drug_code's key compared bytewise (COLLATE "C"). A national code is 20 or 23 ASCII capitals
 * and digits, whose order is the same under any collation, so every read (equality, the key
 * ranges of name search, ORDER BY code) gives what it gave; but a locale's comparison goes
 * through strcoll and cannot use abbreviated keys, so the key's build after a first bulk load
 * (one sort of every code) and each look-up cost more than a byte comparison. The foreign keys
 * that reference it keep working (equality is the same under both).
 */
export class DrugCodeCollateC1764000057400 implements MigrationInterface {
  name = 'DrugCodeCollateC1764000057400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE drug_code ALTER COLUMN code TYPE text COLLATE "C"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE drug_code ALTER COLUMN code TYPE text COLLATE "default"`);
  }
}
