import { GraphQLError, GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { BadInputError, DomainError, ServiceUnavailableError } from './domain-errors';
import { dataRuleViolation } from './pg-errors';
import { isDatabaseOutage } from './outage';
import { requestContext } from '../context/request-context';
import { tokenLimitMessage } from '../graphql/limits';

/** Codes produced by GraphQL/Apollo itself for malformed requests; safe to pass through. */
const PROTOCOL_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

/** The Chinese lead of a protocol error whose message (graphql-js's, Apollo's) is English only. */
const PROTOCOL_LEAD: Record<string, string> = {
  GRAPHQL_PARSE_FAILED: '查询语法有误 (syntax error)',
  GRAPHQL_VALIDATION_FAILED: '查询与接口定义不符 (the query does not fit the schema)',
  BAD_USER_INPUT: '输入有误 (invalid input)',
  BAD_REQUEST: '请求有误 (bad request)',
  PERSISTED_QUERY_NOT_FOUND: '不支持持久化查询 (persisted queries are not supported)',
  PERSISTED_QUERY_NOT_SUPPORTED: '不支持持久化查询 (persisted queries are not supported)',
  OPERATION_RESOLUTION_FAILURE: '无法确定要执行的操作 (cannot tell which operation to run)',
};

/** graphql-js gives up comparing a document's fields past a work budget, saying only this. */
const VALIDATION_ABORTED = 'Validation aborted.';
const ABORTED_MESSAGE =
  '查询中可合并比较的字段过多,校验已中止;请减少重复或别名字段 (too many fields to compare; validation was aborted: send fewer repeated or aliased fields)';

const CJK = /[\u4e00-\u9fff]/;

function bilingual(code: string, message: string): string {
  if (message === VALIDATION_ABORTED) return ABORTED_MESSAGE;
  return CJK.test(message) ? message : `${PROTOCOL_LEAD[code]}: ${message}`;
}

export const INTERNAL_MESSAGE = '服务器内部错误,请稍后重试 (Internal server error, please retry later)';

/**
 * One place where errors become what clients see: domain errors keep their code, message
 * and details; a database that cannot be reached answers SERVICE_UNAVAILABLE (retryable);
 * anything unexpected is logged with the request id and answered generically.
 */
export function createErrorFormatter(logger: Logger, exposeStack: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    let original = error instanceof GraphQLError ? error.originalError : error;
    const requestId = requestContext.requestId();
    if (!(original instanceof DomainError) && isDatabaseOutage(original)) {
      // A fault of the moment, not of the code: one line without a stack.
      logger.warn({ path: formatted.path, cause: (original as Error).message }, 'database unavailable');
      original = new ServiceUnavailableError();
    } else if (!(original instanceof DomainError)) {
      const broken = dataRuleViolation(original);
      if (broken) {
        // Warn: the service should have refused this input before it reached the database.
        logger.warn({ path: formatted.path, rule: broken.rule }, 'input refused by a database rule');
        original = new BadInputError(broken.message, { rule: broken.rule });
      }
    }
    if (original instanceof DomainError) {
      return {
        message: original.message,
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: original.code, ...original.details, requestId },
      };
    }
    const code = formatted.extensions?.code;
    const overLong = code === 'GRAPHQL_PARSE_FAILED' ? tokenLimitMessage(formatted.message) : undefined;
    if (overLong) {
      return { message: overLong, extensions: { code: 'GRAPHQL_VALIDATION_FAILED', requestId } };
    }
    if (typeof code === 'string' && PROTOCOL_CODES.has(code) && !isUnexpected(original)) {
      return { ...formatted, message: bilingual(code, formatted.message), extensions: { code, requestId } };
    }
    logger.error({ err: original ?? error, path: formatted.path }, 'unexpected error');
    return {
      message: INTERNAL_MESSAGE,
      path: formatted.path,
      locations: formatted.locations,
      extensions: {
        code: 'INTERNAL_SERVER_ERROR',
        requestId,
        ...(exposeStack && original instanceof Error ? { debug: original.message } : {}),
      },
    };
  };
}

function isUnexpected(original: unknown): boolean {
  // A resolver that threw a plain Error must not leak its message as a protocol error.
  return original instanceof Error && !(original instanceof GraphQLError);
}
