import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { DynamicModule, Global, INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import {
  AppConfig,
  ClockModule,
  ConfigModule,
  createRootLogger,
  DatabaseModule,
  LoggingModule,
  PinoNestLogger,
  QUEUES,
} from '@yg/core';
import { OutboxModule } from '@yg/outbox';
import { DrugDictionaryModule } from '../drugs.module';
import { DrugDictionaryImportEntity } from '../entities/dictionary.entities';
import { DrugDictionaryImporter } from './dictionary-import.service';

/** The audit service's seal producer is for the api; the worker's periodic sealer seals CLI events. */
@Global()
@Module({
  providers: [{ provide: getQueueToken(QUEUES.AUDIT), useValue: {} }],
  exports: [getQueueToken(QUEUES.AUDIT)],
})
class NoQueuesModule {}

@Module({})
class DictionaryCliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: DictionaryCliModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        ClockModule.forRoot(),
        DatabaseModule.forRoot({ entities: [], migrations: [] }),
        NoQueuesModule,
        OutboxModule,
        DrugDictionaryModule,
      ],
    };
  }
}

/** The importer without api or worker (the command line, benchmarks): Postgres only. */
export function createDictionaryContext(config: AppConfig): Promise<INestApplicationContext> {
  const quiet = { ...config, logLevel: config.logLevel === 'silent' ? 'silent' : 'warn' } as AppConfig;
  return NestFactory.createApplicationContext(DictionaryCliModule.forRoot(quiet), {
    logger: new PinoNestLogger(createRootLogger(quiet.logLevel, 'cli')),
  });
}

export interface DictionaryCliOptions {
  file: string;
  edition: string;
  full: boolean;
  essentialEdition?: string | null;
  /** Leave the work to a worker (through the outbox) instead of doing it here. */
  queue?: boolean;
}

/**
 * `drugs:import-dictionary`: records the run and either does it in this process or queues it for
 * a worker (which must see the file at the same path). No Redis is needed here either way.
 */
export async function importDictionaryFromCli(
  config: AppConfig,
  opts: DictionaryCliOptions,
): Promise<DrugDictionaryImportEntity> {
  const app = await createDictionaryContext(config);
  try {
    const importer = app.get(DrugDictionaryImporter);
    const run = await importer.request(
      {
        path: resolve(opts.file),
        edition: opts.edition,
        full: opts.full,
        essentialEdition: opts.essentialEdition ?? null,
        requestedBy: `cli:${userInfo().username}`,
      },
      { enqueue: !!opts.queue },
    );
    return opts.queue ? run : await importer.run(run.id, { finalAttempt: true });
  } finally {
    await app.close();
  }
}
