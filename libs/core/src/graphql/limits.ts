import {
  ASTNode,
  ASTVisitor,
  FragmentDefinitionNode,
  GraphQLError,
  Kind,
  SelectionSetNode,
  ValidationContext,
} from 'graphql';

export interface ShapeLimits {
  /** Deepest nesting of fields (fragments followed; introspection fields not counted). */
  maxDepth: number;
  /** Field selections of one operation once every fragment spread is expanded in place. */
  maxFields: number;
  /** Directives written in the document. */
  maxDirectives: number;
}

/** Counts the selections the rule reads, so tests can prove its work grows with the document. */
export interface WorkProbe {
  selections: number;
}

interface Shape {
  depth: number;
  fields: number;
}

// Expanded field counts double per level of a fragment bomb; past this they only need to be "too many".
const SATURATED = 2 ** 52;
const NOTHING: Shape = { depth: 0, fields: 0 };

const refusal = (message: string, node: ASTNode) =>
  new GraphQLError(message, { nodes: [node], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });

/**
 * Refuses operations nested deeper than `maxDepth` or selecting more than `maxFields` fields
 * with their fragments expanded, and documents with more than `maxDirectives` directives.
 *
 * Each fragment's shape is computed once per document: a chain of fragments each spreading
 * the next twice expands to 2^N fields, and walking it spread by spread cost as much as
 * executing it. Here the work is one pass over the document, and the expanded count (which
 * every later walk — cost estimate, execution — pays) is what gets refused.
 */
export function shapeLimitRule(limits: ShapeLimits, probe?: WorkProbe) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    const known = new Map<string, Shape>();
    // A cycle (refused by graphql's NoFragmentCycles) contributes nothing on its way back.
    const open = new Set<string>();

    const fragmentShape = (name: string): Shape => {
      const memo = known.get(name);
      if (memo) return memo;
      const frag = fragments.get(name);
      if (!frag || open.has(name)) return NOTHING;
      open.add(name);
      const shape = shapeOf(frag.selectionSet);
      open.delete(name);
      known.set(name, shape);
      return shape;
    };

    const shapeOf = (set: SelectionSetNode): Shape => {
      let depth = 0;
      let fields = 0;
      for (const sel of set.selections) {
        if (probe) probe.selections += 1;
        let inner: Shape;
        if (sel.kind === Kind.FIELD) {
          inner = sel.selectionSet ? shapeOf(sel.selectionSet) : NOTHING;
          fields += 1 + inner.fields;
          // Introspection (GraphiQL's schema query is deep) does not count towards depth.
          if (!sel.name.value.startsWith('__')) depth = Math.max(depth, 1 + inner.depth);
          continue;
        }
        inner = sel.kind === Kind.INLINE_FRAGMENT ? shapeOf(sel.selectionSet) : fragmentShape(sel.name.value);
        fields += inner.fields;
        depth = Math.max(depth, inner.depth);
      }
      return { depth, fields: Math.min(fields, SATURATED) };
    };

    let directives = 0;
    return {
      OperationDefinition(node) {
        const { depth, fields } = shapeOf(node.selectionSet);
        if (depth > limits.maxDepth) {
          context.reportError(
            refusal(`查询嵌套过深 (Query depth ${depth} exceeds the limit of ${limits.maxDepth})`, node),
          );
        }
        if (fields > limits.maxFields) {
          const count = fields >= SATURATED ? `more than ${SATURATED}` : String(fields);
          context.reportError(
            refusal(
              `查询字段过多 (Query selects ${count} fields with fragments expanded; the limit is ${limits.maxFields})`,
              node,
            ),
          );
        }
      },
      Directive(node) {
        directives += 1;
        if (directives === limits.maxDirectives + 1) {
          context.reportError(
            refusal(`指令过多 (More than ${limits.maxDirectives} directives in one request)`, node),
          );
        }
      },
    };
  };
}

/** Refuses documents with more than `max` aliased fields: aliases multiply work (and logins). */
export function aliasLimitRule(max: number) {
  return (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    let reported = false;
    return {
      Field(node) {
        if (!node.alias) return;
        aliases += 1;
        if (aliases > max && !reported) {
          reported = true;
          context.reportError(
            new GraphQLError(`别名过多 (More than ${max} aliases in one request)`, {
              nodes: [node],
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
            }),
          );
        }
      },
    };
  };
}

/**
 * graphql-js stops parsing at `maxTokens` (Apollo passes `parseOptions`) with a syntax error
 * (worded "more that N tokens" in graphql 16); this turns it into a refusal naming the limit.
 */
export function tokenLimitMessage(parseError: string): string | undefined {
  const max = /Document contains more th(?:at|an) (\d+) tokens/.exec(parseError)?.[1];
  return max ? `查询过长 (The document has more than ${max} tokens, the limit)` : undefined;
}
