import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { getComplexity, ComplexityEstimator, simpleEstimator } from 'graphql-query-complexity';
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from '@yg/core';

/** A list field costs its page size times what each item costs. */
const pageSizeEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  if (typeof args.first === 'number' || 'after' in args) {
    // Out-of-range sizes are refused by input validation with a clearer message; cost them at the cap.
    const first =
      typeof args.first === 'number' ? Math.min(Math.max(args.first, 1), PAGE_SIZE_MAX) : PAGE_SIZE_DEFAULT;
    return 1 + first * Math.max(childComplexity, 1);
  }
  return undefined;
};

/** Refuses operations whose estimated cost exceeds `max` before they run. */
export function costLimitPlugin(max: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema }) {
          let cost: number;
          try {
            cost = getComplexity({
              schema,
              query: document,
              operationName: request.operationName ?? undefined,
              variables: request.variables ?? {},
              estimators: [pageSizeEstimator, simpleEstimator({ defaultComplexity: 1 })],
            });
          } catch {
            // Variables that do not fit the schema: execution refuses them next, as BAD_USER_INPUT.
            return;
          }
          if (cost > max) {
            throw new GraphQLError(`查询代价过高 (Query cost ${cost} exceeds the limit of ${max})`, {
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
