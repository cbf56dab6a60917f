import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { ConfigError, dataSourceOptions, loadConfig } from '@yg/core';
import { seedQianjiang } from '@yg/seed';
import { printSchemaOf } from './print-schema';
import { describeMigration, migrate } from './migrate';
import { AUDIT_VERIFY_USAGE, auditVerify, UsageError } from './audit-verify';

const USAGE = `usage: cli <command>
  migrate            as DB_MIGRATION_USER: create the database if missing, apply pending
                     migrations, make DB_USER an ordinary role with the apps' privileges
  seed               load the 黔江区医共体 demo consortium (idempotent)
  schema <file>      write the GraphQL schema (SDL) to <file>
  ${AUDIT_VERIFY_USAGE}`;

async function main(argv: string[]): Promise<number> {
  const [command, arg] = argv;
  const config = loadConfig();
  switch (command) {
    case 'migrate': {
      describeMigration(await migrate(config), config).forEach(log);
      return 0;
    }
    case 'audit:verify': {
      try {
        return await auditVerify(config, argv.slice(1), log);
      } catch (err) {
        if (err instanceof UsageError) throw new Error(`${err.message}\n${USAGE}`, { cause: err });
        throw err;
      }
    }
    case 'seed': {
      const ds = new DataSource(dataSourceOptions(config, { entities: [], migrations: [] }));
      await ds.initialize();
      try {
        const s = await seedQianjiang(ds, config);
        log(
          `seeded 黔江区医共体: ${s.institutions} institutions, ${s.practitioners} practitioners, ${s.patients} patients, ${s.users} demo users`,
        );
      } finally {
        await ds.destroy();
      }
      return 0;
    }
    case 'schema': {
      if (!arg) throw new Error(USAGE);
      writeFileSync(arg, await printSchemaOf(config));
      log(`wrote ${arg}`);
      return 0;
    }
    default:
      throw new Error(USAGE);
  }
}

function log(msg: string) {
  process.stdout.write(`${msg}\n`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err instanceof ConfigError ? err.message : (err as Error).message}\n`);
    process.exit(1);
  },
);
