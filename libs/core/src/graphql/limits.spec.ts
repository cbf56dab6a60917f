import { buildSchema, DocumentNode, parse, specifiedRules, validate } from 'graphql';
import { aliasLimitRule, shapeLimitRule, tokenLimitMessage, WorkProbe } from './limits';

const schema = buildSchema(`
  type Node { id: ID! child: Node name: String }
  type Query { node: Node }
  type Mutation { login(u: String): String }
`);

const LIMITS = { maxDepth: 3, maxFields: 20, maxDirectives: 3 };

const check = (q: string, rules = [shapeLimitRule(LIMITS), aliasLimitRule(2)]) =>
  validate(schema, parse(q), [...specifiedRules, ...rules]).map((e) => e.message);

/** N fragments, each spreading the next twice: 2^N fields once expanded, in a few hundred bytes. */
function fragmentBomb(n: number): string {
  const defs = Array.from({ length: n }, (_, i) => `fragment F${i} on Node { ...F${i + 1} ...F${i + 1} }`);
  return `{ node { ...F0 } } ${defs.join(' ')} fragment F${n} on Node { id }`;
}

/**
 * The document with every selection set behind a proxy counting reads of its selections: the
 * work of every rule that walks selections (graphql's own included), whatever it does.
 */
function counted(doc: DocumentNode): { doc: DocumentNode; reads: () => number } {
  let reads = 0;
  const wrap = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(wrap);
    if (!node || typeof node !== 'object') return node;
    const copy = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === 'loc' ? v : wrap(v)]));
    if ((node as { kind?: string }).kind !== 'SelectionSet') return copy;
    return new Proxy(copy, {
      get(target, key, receiver) {
        if (key === 'selections') reads += 1;
        return Reflect.get(target, key, receiver);
      },
    });
  };
  return { doc: wrap(doc) as DocumentNode, reads: () => reads };
}

describe('query limits', () => {
  it('accepts documents within the limits', () => {
    expect(check('{ node { child { id } } }')).toEqual([]);
    expect(check('{ node { ...F ...F } } fragment F on Node { id name child { id } }')).toEqual([]);
  });

  it('refuses documents nested too deep, also through fragments', () => {
    expect(check('{ node { child { child { id } } } }')[0]).toMatch(/depth 4 exceeds the limit of 3/);
    expect(check('{ node { ...F } } fragment F on Node { child { child { id } } }')[0]).toMatch(/depth 4/);
  });

  it('does not count introspection towards depth', () => {
    expect(check('{ __schema { types { fields { type { ofType { name } } } } } }')).toEqual([]);
  });

  it('survives a fragment cycle (reported by the standard rules)', () => {
    const errors = check(
      '{ node { ...A } } fragment A on Node { child { ...B } } fragment B on Node { ...A }',
    );
    expect(errors.length).toBeGreaterThan(0);
    expect(check('{ node { ...A } } fragment A on Node { ...A ...A }').join()).toMatch(/cannot spread/i);
  });

  it('refuses more fields than allowed once fragments are expanded, naming the limit', () => {
    expect(check(fragmentBomb(5))).toEqual([
      expect.stringMatching(/selects 33 fields with fragments expanded; the limit is 20/),
    ]);
    expect(check(fragmentBomb(4))).toEqual([]);
  });

  it('refuses more directives than allowed', () => {
    const q = (n: number) => `{ node { ${'id @include(if: true) '.repeat(n)} } }`;
    expect(check(q(3))).toEqual([]);
    expect(check(q(4))).toEqual([expect.stringMatching(/More than 3 directives/)]);
  });

  it('refuses more aliases than allowed', () => {
    expect(check('mutation { a: login(u: "x") b: login(u: "y") c: login(u: "z") }')[0]).toMatch(
      /More than 2 aliases/,
    );
  });

  it('names the token limit of a document the parser gave up on', () => {
    const error = (() => {
      try {
        parse('{ node { id name } }', { maxTokens: 4 });
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(tokenLimitMessage(error!)).toBe('查询过长 (The document has more than 4 tokens, the limit)');
    expect(tokenLimitMessage('Syntax Error: Expected Name, found "}".')).toBeUndefined();
  });

  describe('fragment bombs', () => {
    const sizes = [10, 16, 20, 24];

    it('the shape rule reads each selection once, whatever the expanded size', () => {
      for (const n of sizes) {
        const probe: WorkProbe = { selections: 0 };
        const doc = parse(fragmentBomb(n));
        const errors = validate(schema, doc, [shapeLimitRule(LIMITS, probe)]);
        expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/fragments expanded/)]);
        // One field under `node`, two spreads per fragment, one field in the last.
        expect(probe.selections).toBe(1 + 1 + 2 * n + 1);
      }
    });

    it('the whole validation (standard rules and ours) grows linearly with N, not as 2^N', () => {
      const work = sizes.map((n) => {
        const { doc, reads } = counted(parse(fragmentBomb(n)));
        const errors = validate(schema, doc, [...specifiedRules, shapeLimitRule(LIMITS), aliasLimitRule(2)]);
        // Asserted as it goes, so the quadratic or exponential case fails before it takes long.
        expect(reads()).toBeLessThanOrEqual(40 * (n + 2));
        expect(errors.length).toBeGreaterThan(0);
        return reads();
      });
      const perFragment = (work[3] - work[0]) / (sizes[3] - sizes[0]);
      expect(perFragment).toBeLessThanOrEqual(40);
    });
  });
});
