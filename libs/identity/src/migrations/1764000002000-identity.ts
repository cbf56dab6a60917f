import { MigrationInterface, QueryRunner } from 'typeorm';

export class Identity1764000002000 implements MigrationInterface {
  name = 'Identity1764000002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE app_user (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        institution_id uuid NOT NULL,
        practitioner_id uuid,
        username text NOT NULL CHECK (username ~ '^[a-z0-9][a-z0-9._-]{2,39}$'),
        display_name text NOT NULL,
        password_hash text NOT NULL,
        roles text[] NOT NULL CHECK (cardinality(roles) > 0 AND roles <@ ARRAY['CLINICIAN','REFERRAL_COORDINATOR',
          'EXPERT','INSTITUTION_ADMIN','CONSORTIUM_ADMIN','AUDITOR']::text[]),
        phone text,
        active boolean NOT NULL DEFAULT true,
        failed_attempts int NOT NULL DEFAULT 0,
        locked_until timestamptz,
        last_login_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (tenant_id, institution_id) REFERENCES institution (tenant_id, id),
        FOREIGN KEY (tenant_id, practitioner_id) REFERENCES practitioner (tenant_id, id),
        -- user names are global: login takes no tenant
        CONSTRAINT app_user_username UNIQUE (username)
      )`);
    await q.query(`CREATE INDEX app_user_institution ON app_user (tenant_id, institution_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE app_user`);
  }
}
