import { DataSource } from 'typeorm';
// Narrow imports: the tests' global set-up runs this outside jest's module registry, where
// loading the GraphQL models would clash with the suites' own copies.
import type { AppConfig } from '@yg/core/config/app-config';
import { Clock } from '@yg/core/clock/clock';
import { dataSourceOptions, ownerConfig } from '@yg/core/database/data-source-options';
import { ensureDatabase, runMigrations } from '@yg/schema/migrate';
import { AppLoginOutcome, ensureAppLogin } from '@yg/schema/roles/app-role';
import { AuditChainService } from '@yg/audit/audit-chain.service';

export interface MigrateResult {
  applied: string[];
  appLogin: AppLoginOutcome;
  /** Tenants whose unkeyed chain head got a keyed link over it. */
  anchored: string[];
}

/**
 * Everything `cli migrate` does, as the schema owner: the database, pending migrations, the
 * apps' ordinary login role, and a keyed link over every chain sealed before the chain had
 * keys. Idempotent.
 */
export async function migrate(config: AppConfig): Promise<MigrateResult> {
  await ensureDatabase(config);
  const applied = await runMigrations(config);
  const appLogin = await ensureAppLogin(config);
  const owner = ownerConfig(config);
  const ds = new DataSource(dataSourceOptions(owner, { entities: [], migrations: [] }));
  await ds.initialize();
  try {
    const anchored = await new AuditChainService(ds, new Clock(), owner).anchorUnkeyedChains();
    return { applied, appLogin, anchored };
  } finally {
    await ds.destroy();
  }
}

export function describeMigration(r: MigrateResult, config: AppConfig): string[] {
  const lines = [
    r.applied.length
      ? `applied ${r.applied.length} migration(s): ${r.applied.join(', ')}`
      : 'database is up to date',
  ];
  if (r.appLogin === 'owner') {
    lines.push(
      `the apps connect as the owner (${config.db.user}); set DB_MIGRATION_USER to the owner and DB_USER to an ordinary role`,
    );
  } else {
    lines.push(
      `the apps connect as ${config.db.user} (${r.appLogin === 'ready' ? 'ordinary role' : `ordinary role, ${r.appLogin}`})`,
    );
  }
  if (r.anchored.length) lines.push(`sealed a keyed link over ${r.anchored.length} unkeyed audit chain(s)`);
  return lines;
}
