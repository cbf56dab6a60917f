import { MigrationInterface, QueryRunner } from 'typeorm';

const ROLES = (extra: string[]) =>
  [
    'CLINICIAN',
    'REFERRAL_COORDINATOR',
    'EXPERT',
    'INSTITUTION_ADMIN',
    'CONSORTIUM_ADMIN',
    'AUDITOR',
    ...extra,
  ]
    .map((r) => `'${r}'`)
    .join(',');

/** The pharmacist (the consortium's 总药师, an institution's pharmacy head) becomes a role users can hold. */
export class PharmacistRole1764000020000 implements MigrationInterface {
  name = 'PharmacistRole1764000020000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user DROP CONSTRAINT app_user_roles_check`);
    await q.query(`ALTER TABLE app_user ADD CONSTRAINT app_user_roles_check
      CHECK (cardinality(roles) > 0 AND roles <@ ARRAY[${ROLES(['PHARMACIST'])}]::text[])`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user DROP CONSTRAINT app_user_roles_check`);
    await q.query(`ALTER TABLE app_user ADD CONSTRAINT app_user_roles_check
      CHECK (cardinality(roles) > 0 AND roles <@ ARRAY[${ROLES([])}]::text[])`);
  }
}
