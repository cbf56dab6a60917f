import { DataSource } from 'typeorm';
import type { AppConfig } from '@yg/core/config/app-config';
import { dataSourceOptions, ownerConfig } from '@yg/core/database/data-source-options';
import { APP_GROUP_ROLE } from '@yg/core/database/roles';

export type AppLoginOutcome = 'owner' | 'created' | 'granted' | 'ready';

const PG_DUPLICATE_OBJECT = '42710';
const PG_UNIQUE_VIOLATION = '23505';

function isDuplicate(err: unknown): boolean {
  const code = (err as { code?: string; driverError?: { code?: string } }).code;
  return code === PG_DUPLICATE_OBJECT || code === PG_UNIQUE_VIOLATION;
}

/**
 * Makes DB_USER an ordinary login role in APP_GROUP_ROLE, as the owner (DB_MIGRATION_USER),
 * after migrations. Creates the role (with DB_PASSWORD) when it does not exist; refuses one
 * that could bypass the database's rules. Nothing to do when the apps connect as the owner
 * (a developer machine that sets neither). Safe to run concurrently: roles are cluster-wide,
 * and parallel runs against one server race to create them.
 */
export async function ensureAppLogin(config: AppConfig): Promise<AppLoginOutcome> {
  const login = config.db.user;
  if (login === config.db.migrationUser) return 'owner';
  const ds = new DataSource(dataSourceOptions(ownerConfig(config), { entities: [], migrations: [] }));
  await ds.initialize();
  try {
    const role = async () =>
      (
        (await ds.query(
          `SELECT rolsuper AS superuser, rolbypassrls AS "bypassRls", rolinherit AS inherit
             FROM pg_roles WHERE rolname = $1`,
          [login],
        )) as { superuser: boolean; bypassRls: boolean; inherit: boolean }[]
      )[0];
    let outcome: AppLoginOutcome = 'ready';
    let found = await role();
    if (!found) {
      const [{ sql }] = await ds.query(
        `SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS INHERIT PASSWORD %L',
                       $1::text, $2::text) AS sql`,
        [login, config.db.password || null],
      );
      try {
        await ds.query(sql);
        outcome = 'created';
      } catch (err) {
        if (!isDuplicate(err)) throw err;
      }
      found = (await role())!;
    }
    if (found.superuser || found.bypassRls) {
      throw new Error(
        `DB_USER ${login} is a superuser or bypasses row security; the apps must connect as an ordinary role`,
      );
    }
    if (!found.inherit) {
      throw new Error(
        `DB_USER ${login} is NOINHERIT, so it would not use the privileges of ${APP_GROUP_ROLE}`,
      );
    }
    const [{ member }] = await ds.query(`SELECT pg_has_role($1, $2, 'MEMBER') AS member`, [
      login,
      APP_GROUP_ROLE,
    ]);
    if (!member) {
      const [{ sql }] = await ds.query(`SELECT format('GRANT %I TO %I', $1::text, $2::text) AS sql`, [
        APP_GROUP_ROLE,
        login,
      ]);
      try {
        await ds.query(sql);
      } catch (err) {
        if (!isDuplicate(err)) throw err;
      }
      if (outcome === 'ready') outcome = 'granted';
    }
    return outcome;
  } finally {
    await ds.destroy();
  }
}
