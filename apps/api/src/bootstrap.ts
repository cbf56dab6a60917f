import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig, createRootLogger, PinoNestLogger, ProcessOptions } from '@yg/core';
import { RedisIoAdapter } from '@yg/realtime';
import { mountQueueDashboard } from './admin/queue-dashboard';
import { AppModule } from './app.module';
import { ApiMetrics } from './metrics/api-metrics';
import { mountConsole, mountGraphiqlAssets } from './web/static-assets';

/** Request bodies (JSON) up to this size: a full intake push, with room to spare. */
const JSON_BODY_LIMIT = '1mb';

/** Builds the api application; used by main and by end-to-end tests alike. */
export async function createApiApp(config: AppConfig, opts: ProcessOptions = {}): Promise<INestApplication> {
  const logger = createRootLogger(config.logLevel, 'api', config.logFile);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, opts), {
    logger: new PinoNestLogger(logger),
    bufferLogs: true,
    // Registered below with a larger JSON limit than express's 100 kB default.
    bodyParser: false,
  });
  // A member system's push of 1,000 encounters (reportEncounters) is ~250–400 kB of JSON.
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT });
  app.useBodyParser('urlencoded', { extended: true });
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  // Every answer here is per user and never revalidated; hashing each body for an ETag was
  // pure cost. The console's static files keep theirs (serve-static makes its own).
  app.set('etag', false);
  app.enableShutdownHooks();
  const io = new RedisIoAdapter(app, config);
  app.useWebSocketAdapter(io);
  app.get(ApiMetrics).watchSockets(() => io.server);
  mountQueueDashboard(app);
  mountConsole(app, config.consoleDir);
  if (!config.isProduction) mountGraphiqlAssets(app);
  return app;
}
