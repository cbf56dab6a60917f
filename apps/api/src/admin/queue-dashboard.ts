import { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { NextFunction, Request, Response } from 'express';
import { QUEUES, requestContext, requestIdFrom } from '@yg/core';
import { AuditService, PLATFORM_TENANT } from '@yg/audit';
import {
  OPERATOR_ROLE,
  OPERATOR_WRITE_ROLE,
  OperatorSession,
  PlatformOperator,
  SessionRegistry,
  TokenService,
} from '@yg/identity';

export const DASHBOARD_PATH = '/admin/queues';
export const OPERATOR_COOKIE = 'yg_admin_token';

const READ_METHODS = new Set(['GET', 'HEAD']);

function cookieToken(req: Request): string | undefined {
  const header = req.headers.cookie ?? '';
  const match = header.split(/;\s*/).find((c) => c.startsWith(`${OPERATOR_COOKIE}=`));
  return match ? decodeURIComponent(match.slice(OPERATOR_COOKIE.length + 1)) : undefined;
}

function refuse(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ code, message });
}

/** One board per access level: bull-board decides read-only per queue, when the board is made. */
function board(queues: Queue[], readOnlyMode: boolean): ExpressAdapter {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode })),
    serverAdapter: adapter,
  });
  return adapter;
}

/**
 * bull-board for platform operators only: the queues carry every consortium's jobs, so no
 * tenant's user (consortium admins included) may open it. Read-only unless the operator was
 * given write access; every write is in the platform's audit trail. Scripts send
 * `Authorization: Bearer <token>` (from `POST /admin/login`); a browser opens
 * `/admin/queues?token=<token>` once, which moves the token into an HttpOnly cookie. The session
 * is re-checked on every request, so a deactivated operator or withdrawn write access takes
 * effect at once.
 */
export function mountQueueDashboard(app: INestApplication): void {
  const tokens = app.get(TokenService);
  const sessions = app.get(SessionRegistry);
  const audit = app.get(AuditService);
  const queues = Object.values(QUEUES).map((name) => app.get<Queue>(getQueueToken(name), { strict: false }));
  const readOnly = board(queues, true).getRouter();
  const writable = board(queues, false).getRouter();

  const guard = async (req: Request, res: Response, next: NextFunction) => {
    const query = typeof req.query.token === 'string' ? req.query.token : undefined;
    const header = req.headers.authorization?.startsWith('Bearer ')
      ? req.headers.authorization.slice(7)
      : undefined;
    const token = header ?? query ?? cookieToken(req);
    const check = token ? tokens.checkOperator(token) : undefined;
    if (!check?.ok) {
      if (token && tokens.check(token).ok) {
        refuse(
          res,
          403,
          'FORBIDDEN',
          '队列看板仅供平台运维人员使用 (The queue dashboard is for platform operators only)',
        );
      } else {
        refuse(res, 401, 'UNAUTHENTICATED', '未登录或登录已过期 (Not authenticated or session expired)');
      }
      return;
    }
    const session: OperatorSession = await sessions.checkOperator(check.operatorId, check.sessionVersion);
    if (!session.ok) {
      if (session.reason === 'unavailable') {
        refuse(
          res,
          503,
          'SERVICE_UNAVAILABLE',
          '暂时无法核验登录状态,请稍后重试 (Session cannot be checked right now; retry shortly)',
        );
      } else {
        refuse(res, 401, 'UNAUTHENTICATED', '登录已失效,请重新登录 (Your session has ended; log in again)');
      }
      return;
    }
    const operator = session.operator;
    if (query) {
      res.cookie(OPERATOR_COOKIE, query, {
        httpOnly: true,
        sameSite: 'strict',
        secure: req.secure,
        path: DASHBOARD_PATH,
        maxAge: Math.max(0, check.expiresAt.getTime() - Date.now()),
      });
      // Out of the address bar (history, proxy logs) as soon as it is in the cookie.
      res.redirect(303, DASHBOARD_PATH);
      return;
    }
    if (READ_METHODS.has(req.method)) {
      (operator.canWrite ? writable : readOnly)(req, res, next);
      return;
    }
    if (!operator.canWrite) {
      refuse(
        res,
        403,
        'FORBIDDEN',
        '只读运维账户不能修改队列 (Read-only operator: changing jobs needs write access)',
      );
      return;
    }
    await recordWrite(audit, req, operator);
    writable(req, res, next);
  };
  app.use(DASHBOARD_PATH, (req: Request, res: Response, next: NextFunction) => {
    guard(req, res, next).catch(next);
  });
}

/** Retries, removals and the like, before they happen: who, which queue action, from where. */
async function recordWrite(audit: AuditService, req: Request, operator: PlatformOperator): Promise<void> {
  const ctx = { requestId: requestIdFrom(req.headers['x-request-id']), ip: req.ip ?? null };
  await requestContext.run(ctx, () =>
    audit.recordStandalone({
      action: 'queue.write',
      tenantId: PLATFORM_TENANT,
      actor: {
        id: operator.id,
        tenantId: PLATFORM_TENANT,
        institutionId: null,
        roles: [OPERATOR_ROLE, OPERATOR_WRITE_ROLE],
      },
      entityType: 'Queue',
      details: { method: req.method, path: req.path },
    }),
  );
  void audit.requestSeal(PLATFORM_TENANT);
}
