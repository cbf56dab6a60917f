import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { ConfigError, dataSourceOptions, loadConfig } from '@yg/core';
import { ensureDatabase, runMigrations } from '@yg/schema';
import { seedQianjiang } from '@yg/seed';
import { printSchemaOf } from './print-schema';
import { OPERATOR_USAGE, runOperatorCommand } from './operators';

const USAGE = `usage: cli <command>
  migrate            create the database if missing and apply pending migrations
  seed               load the 黔江区医共体 demo consortium (idempotent)
  schema <file>      write the GraphQL schema (SDL) to <file>
${OPERATOR_USAGE}`;

async function main(argv: string[]) {
  const [command, arg] = argv;
  const config = loadConfig();
  if (command?.startsWith('operator:')) {
    log(await runOperatorCommand(config, command, argv.slice(1)));
    return;
  }
  switch (command) {
    case 'migrate': {
      await ensureDatabase(config);
      const applied = await runMigrations(config);
      log(
        applied.length
          ? `applied ${applied.length} migration(s): ${applied.join(', ')}`
          : 'database is up to date',
      );
      return;
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
      return;
    }
    case 'schema': {
      if (!arg) throw new Error(USAGE);
      writeFileSync(arg, await printSchemaOf(config));
      log(`wrote ${arg}`);
      return;
    }
    default:
      throw new Error(USAGE);
  }
}

function log(msg: string) {
  process.stdout.write(`${msg}\n`);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err instanceof ConfigError ? err.message : (err as Error).message}\n`);
    process.exit(1);
  },
);
