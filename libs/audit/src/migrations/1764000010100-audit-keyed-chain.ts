import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_GROUP_ROLE } from '@yg/core/database/roles';

/**
 * Keys for the chain, and a trail the apps can only add to.
 *
 * Links now name the HMAC key they were sealed with. Links sealed before keep a null key id
 * (unkeyed SHA-256); the constraint is NOT VALID so they stay, while every new link, from any
 * process still running the old code too, must name its key. `migrate` then seals a keyed
 * link over each chain whose head is unkeyed, which anchors the unkeyed part.
 *
 * The apps' role may insert and read events and links, and clear the sealer's work list;
 * never change or remove a sealed record, whatever the triggers do.
 */
export class AuditKeyedChain1764000010100 implements MigrationInterface {
  name = 'AuditKeyedChain1764000010100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_seal ADD COLUMN key_id text`);
    await q.query(
      `ALTER TABLE audit_seal ADD CONSTRAINT audit_seal_keyed CHECK (key_id IS NOT NULL) NOT VALID`,
    );
    await q.query(
      `COMMENT ON COLUMN audit_seal.key_id IS 'HMAC key of the link (AUDIT_CHAIN_KEYS); null: unkeyed SHA-256, sealed before keys'`,
    );
    await q.query(`REVOKE ALL ON audit_event, audit_seal, audit_pending FROM ${APP_GROUP_ROLE}`);
    await q.query(`GRANT SELECT, INSERT ON audit_event, audit_seal TO ${APP_GROUP_ROLE}`);
    await q.query(`GRANT SELECT, INSERT, DELETE ON audit_pending TO ${APP_GROUP_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON audit_event, audit_seal, audit_pending TO ${APP_GROUP_ROLE}`,
    );
    await q.query(`ALTER TABLE audit_seal DROP CONSTRAINT audit_seal_keyed`);
    await q.query(`ALTER TABLE audit_seal DROP COLUMN key_id`);
  }
}
