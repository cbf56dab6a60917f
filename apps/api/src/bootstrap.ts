import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, createRootLogger, PinoNestLogger, ProcessOptions } from '@yg/core';
import { RedisIoAdapter } from '@yg/realtime';
import { mountQueueDashboard } from './admin/queue-dashboard';
import { AppModule } from './app.module';
import { ProtocolErrorFilter } from './http/protocol-error.filter';
import { RequestContextHook } from './http/request-context.hook';
import { ApiMetrics } from './metrics/api-metrics';
import { mountConsole, mountGraphiqlAssets } from './web/static-assets';

/**
 * Request bodies (JSON, form) up to this size: a full intake push, with room to spare. A member
 * system's push of 1,000 encounters (reportEncounters) is ~250–400 kB of JSON. Multipart uploads
 * are streamed by their endpoints under their own limits.
 */
const BODY_LIMIT = 1024 * 1024;

/**
 * A connection with nothing passing either way for this long is closed. Node's header timeout
 * starts at a request's first byte, so without it a connection that sends nothing was held for
 * ever: 20,000 opened by an unauthenticated script took every file descriptor of the api.
 * Longer than any answer takes to compute; websockets are exempt (ws clears it on upgrade), and
 * long polls answer within socket.io's 25 s ping interval.
 */
export const HTTP_IDLE_TIMEOUT_MS = 120_000;

/**
 * Headers must arrive within this long of their first byte. Above the idle timeout: Node (20)
 * never fires a socket's idle timeout longer than the header timeout on a connection that has
 * sent nothing (measured: 62 s idle under the default 60 s header timeout, still open at 115 s).
 */
const HTTP_HEADERS_TIMEOUT_MS = HTTP_IDLE_TIMEOUT_MS + 5_000;

/**
 * Builds the api application; used by main and by end-to-end tests alike. Fastify rather than
 * express: express's own routing and response layers cost about as much CPU per request as an
 * empty GraphQL query through Apollo (bench/README.md, issue 13).
 */
export async function createApiApp(config: AppConfig, opts: ProcessOptions = {}): Promise<INestApplication> {
  const logger = createRootLogger(config.logLevel, 'api', config.logFile);
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT,
    connectionTimeout: HTTP_IDLE_TIMEOUT_MS,
    http: { headersTimeout: HTTP_HEADERS_TIMEOUT_MS },
    trustProxy: config.trustProxy,
    // Our own access line (RequestContextHook) replaces Fastify's request logging.
    logger: false,
  });
  const fastify = adapter.getInstance();
  // Left unread: the upload endpoints stream the raw request through busboy.
  fastify.addContentTypeParser('multipart/form-data', (_req, _payload, done) => done(null));
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, opts), adapter, {
    logger: new PinoNestLogger(logger),
    bufferLogs: true,
  });
  app.get(RequestContextHook).install(fastify);
  app.useGlobalFilters(new ProtocolErrorFilter(app.getHttpAdapter(), BODY_LIMIT));
  app.enableShutdownHooks();
  const io = new RedisIoAdapter(app, config);
  app.useWebSocketAdapter(io);
  app.get(ApiMetrics).watchSockets(() => io.server);
  await mountQueueDashboard(app, fastify);
  mountConsole(fastify, config.consoleDir);
  if (!config.isProduction) mountGraphiqlAssets(fastify);
  return app;
}
