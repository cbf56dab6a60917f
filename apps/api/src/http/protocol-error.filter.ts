import { ArgumentsHost, Catch, HttpException, NotFoundException } from '@nestjs/common';
import type { HttpServer } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { pathOf, type ContextRequest } from './request-context.hook';

type Refusal = { code: string; message: string };

/**
 * What a status the HTTP layer answers on its own says, for a refusal that brings no code of
 * ours: `send` (behind @fastify/static) refuses a path that climbs out of its folder with a bare
 * 403, @fastify/static a non-canonical one with FST_STATIC_FORBIDDEN_PATH.
 */
function byStatus(status: number, route: string, detail?: string): Refusal {
  switch (status) {
    case 403:
      return { code: 'FORBIDDEN', message: `不允许访问这个地址 (this path is not allowed): ${route}` };
    case 404:
      return { code: 'NOT_FOUND', message: `没有这个地址 (no such route): ${route}` };
    default:
      return { code: 'BAD_REQUEST', message: `请求有误 (bad request): ${detail ?? route}` };
  }
}

/** Fastify's refusals of a request, by its error code (`FST_…`): our code and message. */
function fastifyRefusal(
  fastifyCode: string,
  message: string,
  bodyLimit: number,
  status: number,
  route: string,
): Refusal {
  switch (fastifyCode) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        code: 'PAYLOAD_TOO_LARGE',
        message: `请求体超过 ${Math.round(bodyLimit / 1024)} KB 上限 (the request body is larger than the ${bodyLimit}-byte limit)`,
      };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { code: 'BAD_REQUEST', message: '请求体不是有效的 JSON (the body is not valid JSON)' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: '不支持的内容类型,请用 application/json (unsupported content type; send application/json)',
      };
    default:
      return byStatus(status, route, message);
  }
}

/** An error of the HTTP layer itself (Fastify's, or http-errors' as `send` throws), which Nest wraps. */
function isHttpLayerError(cause: unknown): boolean {
  const c = cause as { statusCode?: unknown; status?: unknown } | null | undefined;
  return cause instanceof Error && (typeof c?.statusCode === 'number' || typeof c?.status === 'number');
}

/**
 * What the HTTP layer refuses before or outside any handler of ours (a body over the limit or not
 * JSON, a path no route serves, a file path the static files refuse) answered like every other
 * refusal: a code and a message in Chinese and English, in GraphQL's shape on the GraphQL path.
 * Any other exception is left to Nest as before.
 */
@Catch(HttpException)
export class ProtocolErrorFilter extends BaseExceptionFilter {
  constructor(
    httpAdapter: HttpServer,
    private readonly bodyLimit: number,
    private readonly graphqlPath = '/graphql',
  ) {
    super(httpAdapter);
  }

  override catch(exception: HttpException, host: ArgumentsHost): void {
    // GraphQL resolvers' exceptions stay with the GraphQL error formatter.
    if (host.getType() !== 'http') return undefined;
    const req = host.switchToHttp().getRequest<ContextRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const path = pathOf(req.url);
    const route = `${req.method} ${path}`;
    const status = exception.getStatus();
    const cause = exception.cause as { code?: unknown } | undefined;
    const answer =
      typeof cause?.code === 'string' && cause.code.startsWith('FST_')
        ? fastifyRefusal(cause.code, exception.message, this.bodyLimit, status, route)
        : exception instanceof NotFoundException && /^Cannot [A-Z]+ /.test(exception.message)
          ? byStatus(404, route)
          : isHttpLayerError(cause) && status < 500
            ? byStatus(status, route, exception.message)
            : null;
    if (!answer || reply.sent) return super.catch(exception, host);
    const requestId = req.requestContext?.requestId;
    const body =
      path === this.graphqlPath
        ? { errors: [{ message: answer.message, extensions: { code: answer.code, requestId } }] }
        : { ...answer, requestId };
    void reply.status(status).send(body);
  }
}
