import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, createRootLogger, PinoNestLogger, ProcessOptions } from '@yg/core';
import { AuditJobsModule } from '@yg/audit';
import { WorkerModule } from './worker.module';

export async function createWorker(
  config: AppConfig,
  opts: ProcessOptions = {},
): Promise<INestApplicationContext> {
  AuditJobsModule.assertConfig(config);
  const logger = createRootLogger(config.logLevel, 'worker', config.logFile);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, opts), {
    logger: new PinoNestLogger(logger),
    bufferLogs: true,
  });
  app.enableShutdownHooks();
  return app;
}
