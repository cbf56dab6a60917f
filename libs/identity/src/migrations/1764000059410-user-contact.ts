import { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_GROUP_ROLE } from '@yg/core/database/roles';

/**
 * Where a user can be reached outside the app (the SMS number), for the notification delivery
 * job alone; kept out of user_directory so lists of users never carry phone numbers.
 */
export class UserContact1764000059410 implements MigrationInterface {
  name = 'UserContact1764000059410';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE VIEW user_contact AS SELECT id, tenant_id, phone, active FROM app_user`);
    await q.query(`REVOKE INSERT, UPDATE, DELETE ON user_contact FROM ${APP_GROUP_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW user_contact`);
  }
}
