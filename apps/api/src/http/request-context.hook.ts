import { Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { Logger } from 'pino';
import {
  AccessLine,
  accessLineWriter,
  AuthUser,
  InjectLogger,
  RequestContext,
  requestContext,
  requestIdFrom,
} from '@yg/core';
import { AuthFailure, SessionRegistry, TokenService, UserSession } from '@yg/identity';
import { ApiMetrics } from '../metrics/api-metrics';

/** What the hook leaves on every request: the caller (or why not) and the context to run in. */
export type ContextRequest = FastifyRequest & {
  user?: AuthUser;
  authError?: AuthFailure;
  requestContext?: RequestContext;
};

const MAX_LOGGED_PATH = 200;

/** The request target without its query string, bounded in length. */
export function pathOf(url: string | undefined): string {
  const path = (url ?? '').split('?', 1)[0].split('#', 1)[0];
  return path.length > MAX_LOGGED_PATH ? `${path.slice(0, MAX_LOGGED_PATH)}…` : path;
}

/** Probes and scrapes every few seconds would drown the requests people make. */
const QUIET = /^\/(health|metrics)(\/|\?|$)/;

/**
 * Opens the request's context: request id (echoed back), client address and, when a valid
 * bearer token of a live session is present, the caller as they are now (current roles).
 * Everything downstream reads them from here. Two Fastify hooks on every route: `onRequest`
 * settles who is calling; `preHandler` runs the rest of the request inside its context (after
 * the body is read: the body's stream events would not carry it).
 */
@Injectable()
export class RequestContextHook {
  private readonly log: Logger;
  private readonly accessLine: ((line: AccessLine) => void) | null;

  constructor(
    private readonly tokens: TokenService,
    private readonly sessions: SessionRegistry,
    @InjectLogger() logger: Logger,
    private readonly metrics: ApiMetrics,
  ) {
    // Access lines hold the method, path, status, timing and ids, nothing the root logger's
    // redaction paths could match: their logger skips that pass over every line.
    this.log = logger.child({ context: 'http' }, { redact: [] });
    this.accessLine = accessLineWriter(this.log);
  }

  /** Adds both hooks to the root instance, so that every route (Nest's, Apollo's, plugins') has them. */
  install(fastify: FastifyInstance): void {
    // Declared up front: Fastify keeps one object shape for every request.
    fastify.decorateRequest('user', undefined);
    fastify.decorateRequest('authError', undefined);
    fastify.decorateRequest('requestContext', undefined);
    fastify.addHook('onRequest', (req, reply, done) => this.onRequest(req, reply, done));
    fastify.addHook('preHandler', (req, reply, done) => this.preHandler(req, reply, done));
  }

  onRequest(req: ContextRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    const requestId = requestIdFrom(req.headers['x-request-id']);
    // On the raw response: also there for the handlers that take the response over (the queue dashboard).
    reply.raw.setHeader('x-request-id', requestId);
    const ctx: RequestContext = { requestId, ip: req.ip ?? null };
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      const check = this.tokens.check(header.slice(7).trim());
      if (check.ok) {
        const session = this.sessions.checkUser(check.user, check.sessionVersion);
        // A cached session answers at once; only a read from Postgres makes this asynchronous.
        if (session instanceof Promise) {
          session.then((s) => this.proceed(req, reply, done, ctx, s)).catch(done);
          return;
        }
        this.proceed(req, reply, done, ctx, session);
        return;
      }
      req.authError = check.reason;
    }
    this.proceed(req, reply, done, ctx);
  }

  preHandler(req: ContextRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
    const ctx = req.requestContext;
    if (ctx) requestContext.run(ctx, done);
    else done();
  }

  private proceed(
    req: ContextRequest,
    reply: FastifyReply,
    done: HookHandlerDoneFunction,
    ctx: RequestContext,
    session?: UserSession,
  ): void {
    if (session?.ok) {
      req.user = session.user;
      ctx.user = session.user;
    } else if (session) {
      req.authError = session.reason;
    }
    req.requestContext = ctx;
    this.whenDone(req, reply, ctx);
    done();
  }

  /**
   * When the response ends: its latency to the metrics (answered responses only) and one access
   * line (but for probes and scrapes): the line pino-http wrote, without the child logger and
   * serialisers it built for every request (a third of the api's CPU for an empty query), and
   * since then without pino's general path either (`accessLineWriter`).
   * One pair of listeners for both: each listener on a response is work on every request. The
   * path only: a query string can carry anything (a mutation sent as GET with an ID number in
   * it, a dashboard token), and the access log is read far more widely than the data.
   */
  private whenDone(req: FastifyRequest, reply: FastifyReply, ctx: RequestContext): void {
    const t0 = performance.now();
    const res = reply.raw;
    const url = req.url ?? '';
    const quiet = QUIET.test(url);
    const end = (answered: boolean) => {
      res.removeListener('finish', onFinish);
      res.removeListener('close', onClose);
      const statusCode = res.statusCode;
      const ms = performance.now() - t0;
      if (answered) this.metrics.observeHttp(req, statusCode, ms / 1000);
      if (quiet) return;
      const responseTime = Math.round(ms);
      const path = pathOf(url);
      if (statusCode < 500) {
        this.accessLine?.({
          requestId: ctx.requestId,
          userId: ctx.user?.id,
          method: req.method,
          url: path,
          statusCode,
          responseTime,
        });
        return;
      }
      // In the request's context (its id on the line) even when the answer came before the handler.
      requestContext.run(ctx, () => {
        this.log.error(
          {
            req: { method: req.method, url: path },
            res: { statusCode },
            responseTime,
            err: new Error(`failed with status code ${statusCode}`),
          },
          'request errored',
        );
      });
    };
    const onFinish = () => end(true);
    const onClose = () => end(false);
    res.on('finish', onFinish);
    res.on('close', onClose);
  }
}
