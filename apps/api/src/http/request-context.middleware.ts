import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import pinoHttp from 'pino-http';
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

/**
 * Opens the request's context: request id (echoed back), client address and, when a valid
 * bearer token of a live session is present, the caller as they are now (current roles).
 * Everything downstream reads them from here.
 */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  private readonly httpLogger: (req: Request, res: Response) => void;

  constructor(
    private readonly tokens: TokenService,
    private readonly sessions: SessionRegistry,
    @InjectLogger() logger: Logger,
    private readonly metrics: ApiMetrics,
  ) {
    this.httpLogger = pinoHttp<Request, Response>({
      logger: logger.child({ context: 'http' }),
      genReqId: (req) => (req as AuthedRequest).id ?? 'unknown',
      // Probes and scrapes every few seconds would drown the requests people make.
      autoLogging: { ignore: (req) => /^\/(health|metrics)(\/|\?|$)/.test(req.url ?? '') },
      serializers: {
        // The path only: a query string can carry anything (a mutation sent as GET with an ID
        // number in it, a dashboard token), and the access log is read far more widely than the data.
        req: (r: { method: string; url: string }) => ({ method: r.method, url: pathOf(r.url) }),
        res: (r: { statusCode: number }) => ({ statusCode: r.statusCode }),
      },
    });
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
      this.httpLogger(req, res);
      next();
    });
  }
}
