import { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { NextFunction, Request, Response } from 'express';
import { QUEUES, Role } from '@yg/core';
import { TokenService } from '@yg/identity';

export const DASHBOARD_PATH = '/admin/queues';
const COOKIE = 'yg_admin_token';

function cookieToken(req: Request): string | undefined {
  const header = req.headers.cookie ?? '';
  const match = header.split(/;\s*/).find((c) => c.startsWith(`${COOKIE}=`));
  return match ? decodeURIComponent(match.slice(COOKIE.length + 1)) : undefined;
}

/**
 * bull-board for consortium admins. Scripts send `Authorization: Bearer <token>`; a browser
 * opens `/admin/queues?token=<token>` once, which moves the token into an HttpOnly cookie.
 */
export function mountQueueDashboard(app: INestApplication): void {
  const tokens = app.get(TokenService);
  const queues = Object.values(QUEUES).map((name) => app.get<Queue>(getQueueToken(name), { strict: false }));
  const adapter = new ExpressAdapter();
  adapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: false })),
    serverAdapter: adapter,
  });

  const guard = (req: Request, res: Response, next: NextFunction) => {
    const query = typeof req.query.token === 'string' ? req.query.token : undefined;
    const header = req.headers.authorization?.startsWith('Bearer ')
      ? req.headers.authorization.slice(7)
      : undefined;
    const token = header ?? query ?? cookieToken(req);
    const check = token ? tokens.check(token) : undefined;
    if (!check?.ok) {
      res.status(401).json({
        code: 'UNAUTHENTICATED',
        message: '未登录或登录已过期 (Not authenticated or session expired)',
      });
      return;
    }
    if (!check.user.roles.includes(Role.CONSORTIUM_ADMIN)) {
      res
        .status(403)
        .json({ code: 'FORBIDDEN', message: '仅医共体管理员可查看队列 (Consortium administrators only)' });
      return;
    }
    if (query) {
      res.cookie(COOKIE, query, {
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
    next();
  };
  app.use(DASHBOARD_PATH, guard, adapter.getRouter());
}
