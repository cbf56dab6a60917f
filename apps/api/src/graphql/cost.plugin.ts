import type { ApolloServerPlugin } from '@apollo/server';
import { DocumentNode, GraphQLError, ValueNode, visit } from 'graphql';
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

/** Whether a value is or holds a variable reference. */
function holdsVariable(value: ValueNode): boolean {
  if (value.kind === 'Variable') return true;
  if (value.kind === 'ListValue') return value.values.some(holdsVariable);
  if (value.kind === 'ObjectValue') return value.fields.some((f) => holdsVariable(f.value));
  return false;
}

/**
 * Whether an operation's cost can change with its variables: only page sizes (`first`,
 * `after`) and @include/@skip conditions enter the estimate. Every other document costs the
 * same each time it is sent.
 */
export function costDependsOnVariables(document: DocumentNode): boolean {
  let depends = false;
  visit(document, {
    Argument(node) {
      if ((node.name.value === 'first' || node.name.value === 'after') && holdsVariable(node.value))
        depends = true;
    },
    Directive(node) {
      if (node.arguments?.some((a) => holdsVariable(a.value))) depends = true;
    },
  });
  return depends;
}

/** Refuses operations whose estimated cost exceeds `max` before they run. */
export function costLimitPlugin(max: number): ApolloServerPlugin {
  // Per parsed document (Apollo reuses the parsed document of a repeated query) and operation
  // name: the estimate walks the whole document against the schema, ~3 % of a small mutation's CPU.
  const known = new WeakMap<DocumentNode, Map<string, number>>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema }) {
          const operationName = request.operationName ?? '';
          let cost = known.get(document)?.get(operationName);
          if (cost === undefined) {
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
            if (!costDependsOnVariables(document)) {
              const byName = known.get(document) ?? new Map<string, number>();
              byName.set(operationName, cost);
              known.set(document, byName);
            }
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
