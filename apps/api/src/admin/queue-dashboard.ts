import { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import Fastify, { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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

function cookieToken(req: FastifyRequest): string | undefined {
  const header = req.headers.cookie ?? '';
  const match = header.split(/;\s*/).find((c) => c.startsWith(`${OPERATOR_COOKIE}=`));
  return match ? decodeURIComponent(match.slice(OPERATOR_COOKIE.length + 1)) : undefined;
}

function refuse(res: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return res.status(status).send({ code, message });
}

/** The cookie that carries a browser's token, for this path only, until the token expires. */
function operatorCookie(token: string, maxAgeMs: number, secure: boolean): string {
  const seconds = Math.floor(maxAgeMs / 1000);
  return [
    `${OPERATOR_COOKIE}=${encodeURIComponent(token)}`,
    `Max-Age=${seconds}`,
    `Path=${DASHBOARD_PATH}`,
    `Expires=${new Date(Date.now() + seconds * 1000).toUTCString()}`,
    'HttpOnly',
    ...(secure ? ['Secure'] : []),
    'SameSite=Strict',
  ].join('; ');
}

/**
 * One board per access level: bull-board decides read-only per queue, when the board is made.
 * Each is a Fastify instance of its own that never listens: the guard hands it the request
 * once it knows which board the operator may see (both serve the same paths).
 */
async function board(queues: Queue[], readOnlyMode: boolean): Promise<FastifyInstance> {
  const adapter = new FastifyAdapter();
  adapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode })),
    serverAdapter: adapter,
  });
  const instance = Fastify({ logger: false });
  await instance.register(adapter.registerPlugin(), { prefix: DASHBOARD_PATH });
  await instance.ready();
  return instance;
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
export async function mountQueueDashboard(app: INestApplication, fastify: FastifyInstance): Promise<void> {
  const tokens = app.get(TokenService);
  const sessions = app.get(SessionRegistry);
  const audit = app.get(AuditService);
  const queues = Object.values(QUEUES).map((name) => app.get<Queue>(getQueueToken(name), { strict: false }));
  const readOnly = await board(queues, true);
  const writable = await board(queues, false);
  /** The board answers on the raw request and response; Fastify here leaves both alone. */
  const handOver = (to: FastifyInstance, req: FastifyRequest, res: FastifyReply) => {
    res.hijack();
    to.routing(req.raw, res.raw);
  };

  const guard = async (req: FastifyRequest<{ Querystring: { token?: unknown } }>, res: FastifyReply) => {
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
      const maxAge = Math.max(0, check.expiresAt.getTime() - Date.now());
      res.header('set-cookie', operatorCookie(query, maxAge, req.protocol === 'https'));
      // Out of the address bar (history, proxy logs) as soon as it is in the cookie.
      return res.redirect(DASHBOARD_PATH, 303);
    }
    if (READ_METHODS.has(req.method)) {
      handOver(operator.canWrite ? writable : readOnly, req, res);
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
    handOver(writable, req, res);
  };
  void fastify.register(async (scope) => {
    // Bodies stay unread here: the board reads them itself.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null));
    scope.all(DASHBOARD_PATH, guard);
    scope.all(`${DASHBOARD_PATH}/*`, guard);
  });
}

/** Retries, removals and the like, before they happen: who, which queue action, from where. */
async function recordWrite(
  audit: AuditService,
  req: FastifyRequest,
  operator: PlatformOperator,
): Promise<void> {
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
      // The path within the dashboard, as bull-board names its actions.
      details: { method: req.method, path: req.url.split('?', 1)[0].slice(DASHBOARD_PATH.length) || '/' },
    }),
  );
  void audit.requestSeal(PLATFORM_TENANT);
}
