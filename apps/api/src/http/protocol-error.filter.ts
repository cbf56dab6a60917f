import { ArgumentsHost, Catch, HttpException, NotFoundException } from '@nestjs/common';
import type { HttpServer } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { pathOf, type ContextRequest } from './request-context.hook';

/** Fastify's refusals of a request, by its error code (`FST_…`): our code and message. */
function fastifyRefusal(
  fastifyCode: string,
  message: string,
  bodyLimit: number,
): { code: string; message: string } | null {
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
      return fastifyCode.startsWith('FST_')
        ? { code: 'BAD_REQUEST', message: `请求有误 (bad request): ${message}` }
        : null;
  }
}

/**
 * What the HTTP layer refuses before any handler runs (a body over the limit or not JSON, a path
 * no route serves) answered like every other refusal: a code and a message in Chinese and
 * English, in GraphQL's shape on the GraphQL path. Any other exception is left to Nest as before.
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
    const cause = exception.cause as { code?: unknown } | undefined;
    const answer =
      typeof cause?.code === 'string'
        ? fastifyRefusal(cause.code, exception.message, this.bodyLimit)
        : exception instanceof NotFoundException && /^Cannot [A-Z]+ /.test(exception.message)
          ? { code: 'NOT_FOUND', message: `没有这个地址 (no such route): ${req.method} ${path}` }
          : null;
    if (!answer || reply.sent) return super.catch(exception, host);
    const requestId = req.requestContext?.requestId;
    const body =
      path === this.graphqlPath
        ? { errors: [{ message: answer.message, extensions: { code: answer.code, requestId } }] }
        : { ...answer, requestId };
    void reply.status(exception.getStatus()).send(body);
  }
}
