import { MigrationInterface, QueryRunner } from 'typeorm';

const ROLES = (extra: string[]) =>
  [
    'CLINICIAN',
    'REFERRAL_COORDINATOR',
    'EXPERT',
    'INSTITUTION_ADMIN',
    'CONSORTIUM_ADMIN',
    'AUDITOR',
    'PHARMACIST',
    ...extra,
  ]
    .map((r) => `'${r}'`)
    .join(',');

/** A member system's (HIS, the 医保 bureau's) integration account becomes a role users can hold. */
export class IntegrationRole1764000030000 implements MigrationInterface {
  name = 'IntegrationRole1764000030000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user DROP CONSTRAINT app_user_roles_check`);
    await q.query(`ALTER TABLE app_user ADD CONSTRAINT app_user_roles_check
      CHECK (cardinality(roles) > 0 AND roles <@ ARRAY[${ROLES(['DATA_INTEGRATION'])}]::text[])`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user DROP CONSTRAINT app_user_roles_check`);
    await q.query(`ALTER TABLE app_user ADD CONSTRAINT app_user_roles_check
      CHECK (cardinality(roles) > 0 AND roles <@ ARRAY[${ROLES([])}]::text[])`);
  }
}
