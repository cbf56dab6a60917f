import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';
import { requestContext } from '../context/request-context';

let stdout: pino.DestinationStream | undefined;
const files = new Map<string, pino.DestinationStream>();

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

/** A file, appended to (several processes may share it: each write is whole lines). */
function fileDestination(path: string): pino.DestinationStream {
  let d = files.get(path);
  if (!d) {
    d = pino.destination({ dest: path, sync: false, append: true, mkdir: true });
    files.set(path, d);
  }
  return d;
}

/**
 * Resident ID numbers (18 characters) and mainland mobile numbers standing alone, i.e. not
 * part of a longer run of letters or digits (so UUIDs, hashes and timestamps are left alone).
 */
const PERSONAL_NUMBER = /(?<![0-9A-Za-z])(?:\d{17}[\dXx]|1[3-9]\d{9})(?![0-9A-Za-z])/g;

/**
 * The last line of defence: no log line leaves the process with an ID or phone number in it,
 * whatever a message or an error quoted. The sources avoid them in the first place (access
 * lines carry the path only, error serialisation drops query parameters and row details);
 * this catches what a future message might quote.
 */
export function scrubPersonalNumbers(line: string): string {
  return line.replace(PERSONAL_NUMBER, (m) => (m.length === 18 ? '[id-redacted]' : '[phone-redacted]'));
}

type SerializedError = Record<string, unknown> & { driverError?: unknown; cause?: unknown };

/**
 * Errors without the values of the statement that failed: TypeORM's QueryFailedError carries
 * `parameters` (the row being written) and Postgres' `detail` quotes the offending key values.
 */
export function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const out = pino.stdSerializers.err(err) as SerializedError;
  delete out.parameters;
  if ('detail' in out) out.detail = '[redacted]';
  if (out.driverError && typeof out.driverError === 'object') {
    const { detail: _detail, parameters: _parameters, ...rest } = out.driverError as Record<string, unknown>;
    out.driverError = rest;
  }
  return out;
}

/** JSON logs to standard output (or `file`); every line inside a request carries its request id. */
export function createRootLogger(level: string, name: string, file?: string): Logger {
  return pino(
    {
      name,
      level,
      base: { pid: process.pid },
      timestamp: () => `,"time":"${isoNow()}"`,
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
      serializers: { err: serializeError },
      hooks: { streamWrite: scrubPersonalNumbers },
    },
    file ? fileDestination(file) : stdoutDestination(),
  );
}

/** What an access line says of an answered request. */
export interface AccessLine {
  requestId: string;
  userId?: string;
  method: string;
  /** The path, already without its query string and bounded. */
  url: string;
  statusCode: number;
  responseTime: number;
}

let isoMs = -1;
let isoText = '';

/** The ISO time of now, formatted once per millisecond however many lines share it. */
function isoNow(): string {
  const ms = Date.now();
  if (ms !== isoMs) {
    isoMs = ms;
    isoText = new Date(ms).toISOString();
  }
  return isoText;
}

/**
 * Access lines at `info`, written straight to the logger's destination in the shape pino gives
 * them (level, time, the logger's bindings, the request's ids, the fields, msg): pino's general
 * path (mixin, merge, a serialiser walking the object, hooks) was a tenth of the CPU of an empty
 * query, for a line whose fields never change. Scrubbed as a whole like every other line. Null
 * when `info` is off.
 */
export function accessLineWriter(logger: Logger): ((line: AccessLine) => void) | null {
  if (!logger.isLevelEnabled('info')) return null;
  const stream = (logger as unknown as Record<symbol, pino.DestinationStream>)[pino.symbols.streamSym];
  const bindings = (logger as unknown as Record<symbol, string>)[pino.symbols.chindingsSym];
  const level = logger.levels.values.info;
  return (l) => {
    const line =
      `{"level":${level},"time":"${isoNow()}"${bindings},"requestId":${JSON.stringify(l.requestId)}` +
      (l.userId ? `,"userId":${JSON.stringify(l.userId)}` : '') +
      `,"req":{"method":${JSON.stringify(l.method)},"url":${JSON.stringify(l.url)}},"res":{"statusCode":${l.statusCode}}` +
      `,"responseTime":${l.responseTime},"msg":"request completed"}\n`;
    stream.write(scrubPersonalNumbers(line));
  };
}

/** Lets Nest's own Logger calls go through pino. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string) {
    this.logger.info({ context }, stringify(message));
  }
  /**
   * Nest's exception handlers hand over the Error itself: it goes through the error serialiser
   * (which drops a failed statement's parameters), never JSON.stringify (which keeps them).
   */
  error(message: unknown, trace?: string, context?: string) {
    if (message instanceof Error) this.logger.error({ context, err: message }, message.message);
    else this.logger.error({ context, trace }, stringify(message));
  }
  warn(message: unknown, context?: string) {
    if (message instanceof Error) this.logger.warn({ context, err: message }, message.message);
    else this.logger.warn({ context }, stringify(message));
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
