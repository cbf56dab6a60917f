import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ErrorCode, ServiceUnavailableError } from '../errors/domain-errors';
import { INTERNAL_MESSAGE } from '../errors/format-error';
import { isDatabaseOutage } from '../errors/outage';
import { requestContext } from '../context/request-context';

const STATUS: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_TRANSITION: 409,
  ACCOUNT_LOCKED: 423,
  PASSWORD_CHANGE_REQUIRED: 403,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  SERVICE_UNAVAILABLE: 503,
  DATA_INTEGRITY: 500,
};

/** How long, and how much, a refused upload's remaining body is read and dropped before the socket is closed. */
const LINGER_MS = 2000;
const LINGER_BYTES = 1024 * 1024;

/**
 * Domain errors over plain HTTP, as GraphQL shows them: `{ code, message, …details, requestId }`
 * with the matching status. A request whose body was not read to the end (a refused upload) is
 * answered with `Connection: close`; what the client still sends is read and dropped for a
 * moment, so it sees the answer instead of a reset, then the socket is closed.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const req = request.raw;
    const res = reply.raw;
    const requestId = requestContext.requestId();
    let err = error;
    if (!(err instanceof DomainError) && isDatabaseOutage(err)) err = new ServiceUnavailableError();
    let status: number;
    let body: Record<string, unknown>;
    if (err instanceof DomainError) {
      status = STATUS[err.code] ?? 400;
      body = { code: err.code, message: err.message, ...err.details, requestId };
    } else if (err instanceof HttpException) {
      status = err.getStatus();
      body = { code: status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', message: err.message, requestId };
    } else {
      this.logger.error(
        `unexpected error on ${req.method} ${(req.url ?? '').split('?', 1)[0]}: ${(err as Error)?.stack ?? String(err)}`,
      );
      status = 500;
      body = { code: 'INTERNAL_SERVER_ERROR', message: INTERNAL_MESSAGE, requestId };
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (!req.complete) {
      reply.header('connection', 'close');
      res.once('finish', () => lingerAndClose(req));
    }
    void reply.status(status).send(body);
  }
}

function lingerAndClose(req: IncomingMessage): void {
  const socket = req.socket;
  if (req.complete || socket.destroyed) return;
  let dropped = 0;
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > LINGER_BYTES) socket.destroy();
  });
  req.once('end', () => clearTimeout(timer));
  req.resume();
}
