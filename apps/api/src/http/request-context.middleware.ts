import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import pinoHttp from 'pino-http';
import { AuthUser, InjectLogger, RequestContext, requestContext, requestIdFrom } from '@yg/core';
import { TokenService } from '@yg/identity';
import { ApiMetrics } from '../metrics/api-metrics';

type AuthedRequest = Request & { user?: AuthUser; authError?: string; id?: string };

const MAX_LOGGED_PATH = 200;

/** The request target without its query string, bounded in length. */
export function pathOf(url: string | undefined): string {
  const path = (url ?? '').split('?', 1)[0].split('#', 1)[0];
  return path.length > MAX_LOGGED_PATH ? `${path.slice(0, MAX_LOGGED_PATH)}…` : path;
}

/**
 * Opens the request's context: request id (echoed back), client address and, when a valid
 * bearer token is present, the caller. Everything downstream reads them from here.
 */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  private readonly httpLogger: (req: Request, res: Response) => void;

  constructor(
    private readonly tokens: TokenService,
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
        req.user = check.user;
        ctx.user = check.user;
      } else {
        req.authError = check.reason;
      }
    }
    this.metrics.observeHttp(req, res);
    requestContext.run(ctx, () => {
      this.httpLogger(req, res);
      next();
    });
  }
}
