import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { ConfigError, dataSourceOptions, loadConfig } from '@yg/core';
import { seedActivity, seedAssessment, seedQianjiang, seedVisits } from '@yg/seed';
import { FieldCipher } from '@yg/patients/domain/field-crypto';
import { reencryptPatients } from '@yg/patients/reencrypt';
import { importDictionaryFromCli } from '@yg/drugs/dictionary/dictionary-cli';
import { printSchemaOf } from './print-schema';
import { describeMigration, migrate } from './migrate';
import { AUDIT_VERIFY_USAGE, auditVerify, UsageError } from './audit-verify';
import { OPERATOR_USAGE, runOperatorCommand } from './operators';

const USAGE = `usage: cli <command>
  migrate            as DB_MIGRATION_USER: create the database if missing, apply pending
                     migrations, make DB_USER an ordinary role with the apps' privileges
  seed [--visit-scale <x>]
                     load the 黔江区医共体 demo consortium, its 24 months of visit data and its
                     recent activity (idempotent); --visit-scale (0, 1] shrinks the visit data
                     (default 1: the full county, a few minutes)
  schema <file>      write the GraphQL schema (SDL) to <file>
  patients:reencrypt [--batch <n>] [--after <patient id>]
                     rewrite patient ID numbers and phones under the writing key
                     (PATIENT_DATA_KEY_ID), checking every row; resumable, idempotent
  ${AUDIT_VERIFY_USAGE}
  drugs:import-dictionary <file.csv|file.xlsx> --edition <name> [--full] [--essential-edition <year>] [--queue]
                     load the national medical-insurance drug code list (医保药品分类与代码);
                     --full: codes absent from this (newest) edition are retired;
                     --essential-edition: the 基药 list a plain "是" refers to (2018, 2026);
                     --queue: leave it to a worker, which must see the same path
${OPERATOR_USAGE}`;

async function main(argv: string[]): Promise<number> {
  const [command, arg] = argv;
  const config = loadConfig();
  if (command?.startsWith('operator:')) {
    log(await runOperatorCommand(config, command, argv.slice(1)));
    return 0;
  }
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
        const v = await seedVisits(ds, {
          scale: visitScale(argv.slice(1)),
          onMonth: (m) =>
            log(
              `  visits ${m.month}: ${m.encounters} encounters, ${m.settlements} out-of-county settlements`,
            ),
        });
        log(
          v.months
            ? `seeded visit data: ${v.encounters} encounters, ${v.settlements} out-of-county settlements over ${v.months} months; ${v.statistics} statistics values, ${v.dispatches} dispatch records`
            : 'visit data already seeded',
        );
      } finally {
        await ds.destroy();
      }
      const a = await seedActivity(config);
      log(
        a.referrals + a.consultations + a.patients
          ? `seeded activity: ${a.patients} patients registered, ${a.referrals} referrals, ${a.consultations} consultations`
          : 'activity already seeded',
      );
      const m = await seedAssessment(config);
      log(
        m.tasks || m.published
          ? `seeded the key-task ledger (${m.tasks} tasks, ${m.matters} key matters) and the ${m.published ?? ''} assessment, published`
          : 'key-task ledger and assessment already seeded',
      );
      return 0;
    }
    case 'schema': {
      if (!arg) throw new Error(USAGE);
      writeFileSync(arg, await printSchemaOf(config));
      log(`wrote ${arg}`);
      return 0;
    }
    case 'patients:reencrypt': {
      const opts = reencryptOptions(argv.slice(1));
      const ds = new DataSource(dataSourceOptions(config, { entities: [], migrations: [] }));
      await ds.initialize();
      try {
        const cipher = new FieldCipher(config.patientKeys);
        log(`re-encrypting patient fields under key ${cipher.writeKeyId}`);
        const r = await reencryptPatients(ds, cipher, {
          ...opts,
          onBatch: (p) =>
            log(
              `${p.done}/${p.total} rows, ${p.rewritten} rewritten, ${p.unreadable} unreadable (last ${p.lastId})`,
            ),
        });
        log(`done: ${r.done}/${r.total} rows, ${r.rewritten} rewritten, ${r.unreadable} unreadable`);
        if (r.unreadable) {
          for (const f of r.failures) log(`unreadable: patient ${f.patientId} ${f.column} (${f.reason})`);
          throw new Error(
            `${r.unreadable} patient row(s) could not be read and were left as they are; restore them from a backup or re-register the identifiers`,
          );
        }
      } finally {
        await ds.destroy();
      }
      return 0;
    }
    case 'drugs:import-dictionary': {
      const opts = dictionaryOptions(argv.slice(1));
      const run = await importDictionaryFromCli(config, opts);
      if (run.status === 'QUEUED') {
        log(
          `queued dictionary import ${run.id} (edition ${opts.edition}); follow it with drugDictionaryImport(id)`,
        );
        return 0;
      }
      log(
        `${run.status} ${run.id}: ${run.rowsTotal} rows, ${run.rowsOk} ok, ${run.rowsBad} bad; ` +
          `${run.codesDistinct} distinct codes: ${run.inserted} new, ${run.updated} changed, ` +
          `${run.reactivated} reactivated, ${run.retired} retired`,
      );
      for (const e of run.errors.slice(0, 20))
        log(`  line ${e.line}${e.sheet ? ` (sheet ${e.sheet})` : ''}: ${e.code ?? ''} ${e.reason}`);
      if (run.rowsBad > 20)
        log(`  … ${run.rowsBad - 20} more bad rows (drugDictionaryImport(id).errors lists the first 1,000)`);
      if (run.status === 'SKIPPED') log(`same file as import ${run.duplicateOf}: nothing changed`);
      if (run.status === 'FAILED') throw new Error(run.failure ?? 'import failed');
      return 0;
    }
    default:
      throw new Error(USAGE);
  }
}

function dictionaryOptions(args: string[]): {
  file: string;
  edition: string;
  full: boolean;
  essentialEdition?: string;
  queue: boolean;
} {
  let file: string | undefined;
  let edition: string | undefined;
  let essentialEdition: string | undefined;
  let full = false;
  let queue = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--full') full = true;
    else if (a === '--queue') queue = true;
    else if (a === '--edition' && args[i + 1]) edition = args[++i];
    else if (a === '--essential-edition' && /^\d{4}$/.test(args[i + 1] ?? '')) essentialEdition = args[++i];
    else if (!a.startsWith('--') && !file) file = a;
    else throw new Error(USAGE);
  }
  if (!file || !edition) throw new Error(USAGE);
  return { file, edition, full, essentialEdition, queue };
}

function visitScale(args: string[]): number {
  if (!args.length) return 1;
  const [flag, value] = args;
  const scale = Number(value);
  if (flag !== '--visit-scale' || args.length !== 2 || !(scale > 0 && scale <= 1)) throw new Error(USAGE);
  return scale;
}

function reencryptOptions(args: string[]): { batchSize?: number; after?: string } {
  const opts: { batchSize?: number; after?: string } = {};
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (flag === '--batch' && /^\d{1,5}$/.test(value ?? '') && Number(value) > 0)
      opts.batchSize = Number(value);
    else if (
      flag === '--after' &&
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value ?? '')
    )
      opts.after = value.toLowerCase();
    else throw new Error(USAGE);
  }
  return opts;
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
