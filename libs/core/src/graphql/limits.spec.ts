import { buildSchema, parse, validate, specifiedRules } from 'graphql';
import { aliasLimitRule, depthLimitRule } from './limits';

const schema = buildSchema(`
  type Node { id: ID! child: Node name: String }
  type Query { node: Node }
  type Mutation { login(u: String): String }
`);

const check = (q: string, rules = [depthLimitRule(3), aliasLimitRule(2)]) =>
  validate(schema, parse(q), [...specifiedRules, ...rules]).map((e) => e.message);

describe('query limits', () => {
  it('accepts documents within the limits', () => {
    expect(check('{ node { child { id } } }')).toEqual([]);
  });

  it('refuses documents nested too deep, also through fragments', () => {
    expect(check('{ node { child { child { id } } } }')[0]).toMatch(/depth 4 exceeds the limit of 3/);
    expect(check('{ node { ...F } } fragment F on Node { child { child { id } } }')[0]).toMatch(/depth 4/);
  });

  it('survives a fragment cycle (reported by the standard rules)', () => {
    const errors = check(
      '{ node { ...A } } fragment A on Node { child { ...B } } fragment B on Node { ...A }',
    );
    expect(errors.length).toBeGreaterThan(0);
  });

  it('refuses more aliases than allowed', () => {
    expect(check('mutation { a: login(u: "x") b: login(u: "y") c: login(u: "z") }')[0]).toMatch(
      /More than 2 aliases/,
    );
  });
});
