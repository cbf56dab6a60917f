import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { DomainError } from '@yg/core';
import type { ApiMetrics } from './api-metrics';

/** Codes the api answers with; anything else is counted as "OTHER". */
const CODES = new Set([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'INVALID_TRANSITION',
  'ACCOUNT_LOCKED',
  'PASSWORD_CHANGE_REQUIRED',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

function codeOf(err: GraphQLError): string {
  const original = err.originalError;
  if (original instanceof DomainError) return original.code;
  const code = err.extensions?.code;
  if (typeof code === 'string') return CODES.has(code) ? code : 'OTHER';
  // A resolver's own throw: what the error formatter answers as internal.
  return 'INTERNAL_SERVER_ERROR';
}

/** Latency of each operation and the codes of the errors it answered with. */
export function graphqlMetricsPlugin(metrics: ApiMetrics): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const start = performance.now();
      let operation = 'invalid';
      let type = 'unknown';
      return {
        async didResolveOperation(ctx) {
          operation = metrics.operationNames.of(ctx.operationName);
          type = ctx.operation?.operation ?? 'unknown';
        },
        async didEncounterErrors(ctx) {
          for (const err of ctx.errors) metrics.graphqlErrors.inc({ operation, type, code: codeOf(err) });
        },
        async willSendResponse() {
          metrics.operationDuration.observe({ operation, type }, (performance.now() - start) / 1000);
        },
      };
    },
  };
}
