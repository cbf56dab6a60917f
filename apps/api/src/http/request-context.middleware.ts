import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { AuthUser, InjectLogger, RequestContext, requestContext, requestIdFrom } from '@yg/core';
import { AuthFailure, SessionRegistry, TokenService, UserSession } from '@yg/identity';
import { ApiMetrics } from '../metrics/api-metrics';

type AuthedRequest = Request & { user?: AuthUser; authError?: AuthFailure; id?: string };

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
 * Everything downstream reads them from here.
 */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  private readonly log: Logger;

  constructor(
    private readonly tokens: TokenService,
    private readonly sessions: SessionRegistry,
    @InjectLogger() logger: Logger,
    private readonly metrics: ApiMetrics,
  ) {
    this.log = logger.child({ context: 'http' });
  }

  use(req: AuthedRequest, res: Response, next: NextFunction): void {
    const requestId = requestIdFrom(req.headers['x-request-id']);
    req.id = requestId;
    res.setHeader('x-request-id', requestId);
    const ctx: RequestContext = { requestId, ip: req.ip ?? null };
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      const check = this.tokens.check(header.slice(7).trim());
      if (check.ok) {
        const session = this.sessions.checkUser(check.user, check.sessionVersion);
        // A cached session answers at once; only a read from Postgres makes this asynchronous.
        if (session instanceof Promise) {
          session.then((s) => this.proceed(req, res, next, ctx, s)).catch(next);
          return;
        }
        this.proceed(req, res, next, ctx, session);
        return;
      }
      req.authError = check.reason;
    }
    this.proceed(req, res, next, ctx);
  }

  private proceed(
    req: AuthedRequest,
    res: Response,
    next: NextFunction,
    ctx: RequestContext,
    session?: UserSession,
  ): void {
    if (session?.ok) {
      req.user = session.user;
      ctx.user = session.user;
    } else if (session) {
      req.authError = session.reason;
    }
    this.metrics.observeHttp(req, res);
    requestContext.run(ctx, () => {
      if (!QUIET.test(req.url ?? '')) this.logWhenDone(req, res);
      next();
    });
  }

  /**
   * One access line per request when its response ends: the same line pino-http wrote, without
   * the child logger and serialisers it built for every request (a third of the api's CPU for
   * an empty query). The path only: a query string can carry anything (a mutation sent as GET
   * with an ID number in it, a dashboard token), and the access log is read far more widely
   * than the data.
   */
  private logWhenDone(req: Request, res: Response): void {
    const start = Date.now();
    // Taken now: mounted handlers rewrite req.url while they run.
    const line = { req: { method: req.method, url: pathOf(req.originalUrl ?? req.url) } };
    const done = () => {
      res.removeListener('finish', done);
      res.removeListener('close', done);
      const fields = { ...line, res: { statusCode: res.statusCode }, responseTime: Date.now() - start };
      if (res.statusCode >= 500) {
        this.log.error(
          { ...fields, err: new Error(`failed with status code ${res.statusCode}`) },
          'request errored',
        );
      } else {
        this.log.info(fields, 'request completed');
      }
    };
    res.on('finish', done);
    res.on('close', done);
  }
}
