import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_GROUP_ROLE } from '@yg/core/database/roles';

/**
 * The names other capabilities may show beside an action (who is in a session, who decided),
 * in SQL: no login name, roles, password hash or session state.
 */
export class UserDirectory1764000058010 implements MigrationInterface {
  name = 'UserDirectory1764000058010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE VIEW user_directory AS
        SELECT id, tenant_id, institution_id, practitioner_id, display_name, active FROM app_user`);
    await q.query(`REVOKE INSERT, UPDATE, DELETE ON user_directory FROM ${APP_GROUP_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW user_directory`);
  }
}
