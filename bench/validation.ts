/**
 * What the worst small documents cost to validate against the api's schema, before and after
 * the shape rule: graphql's standard rules plus the api's limit rules, as Apollo runs them.
 * No server, no database: validation is pure CPU and runs before authentication.
 *
 *   npm run bench:validation                       # N = 10..24, about 5 minutes
 *   BENCH_MAX_OLD_N=18 npm run bench:validation    # the old rule only up to N = 18
 *
 * The old depth rule is copied below as the baseline (each step of N doubles its time).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  ASTVisitor,
  buildSchema,
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLError,
  Kind,
  parse,
  SelectionSetNode,
  specifiedRules,
  validate,
  ValidationContext,
  ValidationRule,
} from 'graphql';
import { aliasLimitRule, shapeLimitRule } from '../libs/core/src/graphql/limits';
import { loadConfig } from '../libs/core/src/config/app-config';
import { median, ROOT } from './common';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MAX_OLD_N = Number(process.env.BENCH_MAX_OLD_N ?? 24);
const SIZES = [10, 12, 14, 16, 18, 20, 22, 24];

const schema = buildSchema(readFileSync(resolve(ROOT, 'apps/api/schema.gql'), 'utf8'));
const limits = loadConfig({}).graphql;

/** The depth rule as it was: every fragment spread walked again, 2^N for a fragment bomb. */
function oldDepthLimitRule(max: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    const depthOf = (set: SelectionSetNode | undefined, seen: Set<string>): number => {
      if (!set) return 0;
      let deepest = 0;
      for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) {
          if (sel.name.value.startsWith('__')) continue;
          deepest = Math.max(deepest, sel.selectionSet ? 1 + depthOf(sel.selectionSet, seen) : 1);
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          deepest = Math.max(deepest, depthOf(sel.selectionSet, seen));
        } else {
          const name = sel.name.value;
          const frag = fragments.get(name);
          if (!frag || seen.has(name)) continue;
          deepest = Math.max(deepest, depthOf(frag.selectionSet, new Set(seen).add(name)));
        }
      }
      return deepest;
    };
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, new Set());
        if (depth > max) context.reportError(new GraphQLError(`depth ${depth}`, { nodes: [node] }));
      },
    };
  };
}

/** The document: on `consortium`, no token needed to send it. */
function fragmentBomb(n: number): string {
  const defs = Array.from({ length: n }, (_, i) => `fragment F${i} on Consortium{...F${i + 1} ...F${i + 1}}`);
  return `{consortium{...F0}}${defs.join('')}fragment F${n} on Consortium{id}`;
}

const OLD: ValidationRule[] = [
  ...specifiedRules,
  oldDepthLimitRule(limits.maxDepth),
  aliasLimitRule(limits.maxAliases),
];
const NEW: ValidationRule[] = [...specifiedRules, shapeLimitRule(limits), aliasLimitRule(limits.maxAliases)];

/** Median of RUNS runs; of 3 when one run takes over a second (the old rule at N ≥ 20). */
function time(doc: DocumentNode, rules: ValidationRule[]): number {
  const runs: number[] = [];
  while (runs.length < (runs[0] > 1000 ? Math.min(3, RUNS) : RUNS)) {
    const t0 = process.hrtime.bigint();
    validate(schema, doc, rules);
    runs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(runs);
}

// Warm-up, so the first row does not carry the compilation of graphql's rules.
for (let i = 0; i < 200; i++) {
  const doc = parse(fragmentBomb(6));
  validate(schema, doc, OLD);
  validate(schema, doc, NEW);
}

const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(0));

console.log(`validation of a fragment bomb, median of ${RUNS} runs, ms`);
console.log('| N | bytes | before | after |');
console.log('|---:|---:|---:|---:|');
for (const n of SIZES) {
  const source = fragmentBomb(n);
  const doc = parse(source, { maxTokens: limits.maxTokens });
  const before = n <= MAX_OLD_N ? fmt(time(doc, OLD)) : '—';
  console.log(`| ${n} | ${source.length} | ${before} | ${fmt(time(doc, NEW))} |`);
}

// The largest documents the token limit still lets through, for the standard rules' own costs.
function largest(build: (k: number) => string): string {
  let lo = 1;
  let hi = limits.maxTokens;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    try {
      parse(build(mid), { maxTokens: limits.maxTokens });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return build(lo);
}
const atLimit: [string, string][] = [
  ['one leaf field repeated', largest((k) => `{consortium{${'id '.repeat(k)}}}`)],
  [
    'one field with a selection repeated (field merging compares every pair)',
    largest((k) => `{${'consortium{id} '.repeat(k)}}`),
  ],
  [
    'one field with arguments and a selection repeated',
    largest((k) => `{${'institutions(first:1){nodes{id}} '.repeat(k)}}`),
  ],
  [
    'one fragment spread repeated',
    largest((k) => `{consortium{${'...F '.repeat(k)}}} fragment F on Consortium{id name}`),
  ],
  ['directives on one field', largest((k) => `{consortium{id${'@include(if:true)'.repeat(k)}}}`)],
  [
    'aliases of one field (refused past the alias limit)',
    largest((k) => `{${Array.from({ length: k }, (_, i) => `a${i}:consortium{id}`).join(' ')}}`),
  ],
];
console.log(`\nlargest documents within GRAPHQL_MAX_TOKENS=${limits.maxTokens}, after, ms`);
console.log('| document | bytes | validation |');
console.log('|---|---:|---:|');
for (const [label, source] of atLimit) {
  const doc = parse(source, { maxTokens: limits.maxTokens });
  console.log(`| ${label} | ${source.length} | ${fmt(time(doc, NEW))} |`);
}
