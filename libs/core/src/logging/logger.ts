import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';
import { requestContext } from '../context/request-context';

let stdout: pino.DestinationStream | undefined;

/**
 * Standard output, written asynchronously and shared by every logger of the process (one
 * writer keeps lines whole). A synchronous write per line cost the api a system call per
 * request, about 4 % of its CPU under load on this kind of machine; lines still leave at once
 * when idle, and pino flushes what is pending when the process exits.
 */
function stdoutDestination(): pino.DestinationStream {
  stdout ??= pino.destination({ dest: 1, sync: false });
  return stdout;
}

/** JSON logs; every line inside a request carries its request id. */
export function createRootLogger(level: string, name: string): Logger {
  return pino(
    {
      name,
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin() {
        const ctx = requestContext.get();
        return ctx ? { requestId: ctx.requestId, userId: ctx.user?.id } : {};
      },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          '*.password',
          '*.idNumber',
          '*.phone',
          'variables.*',
        ],
        censor: '[redacted]',
      },
    },
    stdoutDestination(),
  );
}

/** Lets Nest's own Logger calls go through pino. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string) {
    this.logger.info({ context }, stringify(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, stringify(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, stringify(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, stringify(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, stringify(message));
  }
}

function stringify(message: unknown): string {
  return typeof message === 'string' ? message : JSON.stringify(message);
}
