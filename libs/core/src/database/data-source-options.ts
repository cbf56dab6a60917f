import type { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';
import type { AppConfig } from '../config/app-config';

type EntityList = MixedList<string | (new (...args: never[]) => unknown) | EntitySchema>;
type MigrationList = MixedList<string | (new (...args: never[]) => unknown)>;

export interface SchemaParts {
  /** Empty when entities come from each module's forFeature (autoLoadEntities). */
  entities: EntityList;
  migrations: MigrationList;
}

/** One definition of the Postgres connection for the app, the worker and the migration CLI. */
export function dataSourceOptions(config: AppConfig, parts: SchemaParts): DataSourceOptions {
  return {
    type: 'postgres',
    host: config.db.host,
    port: config.db.port,
    username: config.db.user,
    password: config.db.password,
    database: config.db.name,
    ssl: config.db.ssl ? { rejectUnauthorized: true } : false,
    entities: parts.entities as DataSourceOptions['entities'],
    migrations: parts.migrations as DataSourceOptions['migrations'],
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    // Unexpected query failures reach the JSON log through the error formatter, with the request id.
    logging: false,
    extra: {
      max: config.db.poolSize,
      application_name: process.env.YG_PROCESS_NAME ?? 'yigongti',
      // Waiting for a pool slot or a new connection ends, and answers SERVICE_UNAVAILABLE, rather
      // than holding the request while the database is unreachable (a black hole, not a refusal).
      connectionTimeoutMillis: 10_000,
      // A stuck statement must not hold a pool slot for ever.
      statement_timeout: 30_000,
      idle_in_transaction_session_timeout: 60_000,
    },
  };
}

/** The same database as the schema owner, who runs migrations and creates or drops databases. */
export function ownerConfig(config: AppConfig): AppConfig {
  return {
    ...config,
    db: { ...config.db, user: config.db.migrationUser, password: config.db.migrationPassword },
  };
}
