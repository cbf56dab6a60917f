import { pgCode } from './pg-errors';

/**
 * SQLSTATEs of a database that is away or cannot take the session now, rather than refusing
 * this statement: class 08 (connection exception), 57P01 admin shutdown, 57P02 crash
 * shutdown, 57P03 cannot connect now (starting up, shutting down, recovering), 53300 too many
 * connections. Not 57014 (statement timeout or cancel): a statement that ran 30 s is more
 * likely to time out again than to succeed on a retry, and is worth a look as a fault.
 */
const OUTAGE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** Socket-level failures reaching the database. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
]);

/**
 * What node-postgres and its pool say, without a code, when a connection is lost or none can
 * be had in time (pg-pool's connectionTimeoutMillis).
 */
const DRIVER_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
];

/** Whether `err` means the database could not be reached or used just now (retryable). */
export function isDatabaseOutage(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 3) return false;
  const code = pgCode(err);
  if (code && (code.startsWith('08') || OUTAGE_SQLSTATES.has(code) || NETWORK_CODES.has(code))) return true;
  const e = err as {
    message?: unknown;
    driverError?: unknown;
    errors?: unknown;
    cause?: unknown;
    thrownValue?: unknown;
  };
  const messages = [e.message, (e.driverError as { message?: unknown } | undefined)?.message];
  if (messages.some((m) => typeof m === 'string' && DRIVER_MESSAGES.some((re) => re.test(m)))) return true;
  // Connecting to a name with several addresses fails with an AggregateError of each attempt.
  if (Array.isArray(e.errors) && e.errors.length && e.errors.every((x) => isDatabaseOutage(x, depth + 1)))
    return true;
  // graphql-js wraps what is not `instanceof Error` here (an error of another realm, e.g. a test VM).
  return isDatabaseOutage(e.cause, depth + 1) || isDatabaseOutage(e.thrownValue, depth + 1);
}
