import { buildSchema, graphql, GraphQLScalarType } from 'graphql';
import { refuseMalformedInput, textProblem } from './input-rule';

const ID = '5f0c6f0e-8a53-4c7a-9c2e-3d1f2b4a6c8e';

function api() {
  const schema = buildSchema(`
    scalar JSON
    scalar DateTime
    input Tag { label: String, count: Int }
    input Tree { id: ID, note: String, children: [Tree!] }
    input Filter { ids: [ID!], tags: [Tag!], tree: Tree, level: Int, extra: JSON }
    type Query {
      one(id: ID!): String
      search(name: String, filter: Filter): String
      count(n: Int, flag: Boolean): String
      since(at: DateTime): String
      nested: Nested
    }
    type Nested { field(id: ID): String }
  `);
  const calls: string[] = [];
  const fields = schema.getQueryType()!.getFields();
  for (const name of ['one', 'search', 'count', 'since'])
    fields[name].resolve = () => {
      calls.push(name);
      return 'ok';
    };
  fields.nested.resolve = () => ({ field: 'ok' });
  (schema.getType('JSON') as GraphQLScalarType).parseValue = (v) => v;
  // As the api's DateTime scalar (from @nestjs/graphql) coerces.
  (schema.getType('DateTime') as GraphQLScalarType).parseValue = (v) => new Date(v as string);
  refuseMalformedInput(schema);
  const run = async (source: string, variableValues?: Record<string, unknown>) => {
    const res = await graphql({ schema, source, variableValues });
    const error = res.errors?.[0];
    return {
      data: res.data,
      code: error?.originalError ? (error.originalError as { code?: string }).code : undefined,
      field: (error?.originalError as { details?: { fields: { field: string }[] } })?.details?.fields[0]
        .field,
      message: error?.message,
    };
  };
  return { run, calls };
}

describe('the input rule', () => {
  it('lets well-formed input through to the resolver', async () => {
    const { run, calls } = api();
    expect((await run(`{ one(id: "${ID}") }`)).data).toEqual({ one: 'ok' });
    const filter = {
      ids: [ID.toUpperCase()],
      tags: [{ label: '高血压\t随访\r\n第二行', count: 2 }],
      tree: { id: ID, children: [{ note: '😀 emoji (a surrogate pair)' }] },
      extra: { a: ['x'] },
    };
    expect((await run(`query($f: Filter) { search(name: "冉", filter: $f) }`, { f: filter })).data).toEqual({
      search: 'ok',
    });
    expect((await run(`{ count(n: 2147483647, flag: true) }`)).data).toEqual({ count: 'ok' });
    expect(calls).toEqual(['one', 'search', 'count']);
  });

  it('refuses an ID that is not a UUID, naming the argument, before the resolver runs', async () => {
    const { run, calls } = api();
    for (const bad of ['x', '', `${ID}x`, ID.replace(/-/g, ''), `{${ID}}`]) {
      const res = await run(`query($id: ID!) { one(id: $id) }`, { id: bad });
      expect(res).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id', data: { one: null } });
      expect(res.message).toMatch(/无效的编号 \(invalid id\)/);
    }
    // An ID written as a number is coerced to a string by graphql, and is still no UUID.
    expect(await run(`{ one(id: 12) }`)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(await run(`{ nested { field(id: "no") } }`)).toMatchObject({ field: 'id' });
    expect(calls).toEqual([]);
  });

  it('looks inside inputs and lists, from literals and variables alike', async () => {
    const { run } = api();
    expect(await run(`{ search(filter: { ids: ["${ID}", "bad"] }) }`)).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'filter.ids[1]',
    });
    expect(
      await run(`query($f: Filter) { search(filter: $f) }`, {
        f: { tree: { children: [{ note: 'ok' }, { children: [{ id: 'nope' }] }] } },
      }),
    ).toMatchObject({ field: 'filter.tree.children[1].children[0].id' });
    expect(
      await run(`query($f: Filter) { search(filter: $f) }`, { f: { tags: [{ label: 'a\u0000b' }] } }),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.tags[0].label' });
    expect(
      await run(`query($f: Filter) { search(filter: $f) }`, { f: { extra: { deep: ['\u0007'] } } }),
    ).toMatchObject({ field: 'filter.extra.deep[0]' });
    expect(
      await run(`query($f: Filter) { search(filter: $f) }`, { f: { extra: { 'k\u0000': 1 } } }),
    ).toMatchObject({ field: 'filter.extra' });
  });

  it.each([
    ['NUL', 'a\u0000b', 'U+0000'],
    ['bell', '\u0007', 'U+0007'],
    ['escape', 'x\u001b[31m', 'U+001B'],
    ['DEL', '\u007f', 'U+007F'],
    ['a C1 control', '\u0085', 'U+0085'],
    ['a lone high surrogate', 'a\ud800', 'U+D800'],
    ['a lone low surrogate', '\udc00b', 'U+DC00'],
  ])('refuses a string with %s, naming the character and the argument', async (_, text, code) => {
    const { run } = api();
    const res = await run(`query($n: String) { search(name: $n) }`, { n: text });
    expect(res).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    expect(res.message).toContain(code);
  });

  it('refuses a DateTime that is no instant or lies outside years 0001–9999 (Postgres failed mid-query)', async () => {
    const { run, calls } = api();
    const q = `query($at: DateTime) { since(at: $at) }`;
    for (const ok of ['2026-11-24T09:00:00Z', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z'])
      expect((await run(q, { at: ok })).data).toEqual({ since: 'ok' });
    for (const bad of [
      '-271821-04-20T00:00:00.000Z',
      '+275760-09-13T00:00:00.000Z',
      'not a date',
      '0000-12-31T23:59:59Z',
    ]) {
      const res = await run(q, { at: bad });
      expect(res).toMatchObject({ code: 'BAD_USER_INPUT', field: 'at' });
      expect(res.message).toMatch(/无效的时间 \(invalid date-time/);
    }
    expect(calls).toEqual(['since', 'since', 'since']);
  });

  it('allows tab, line breaks and any printable text', () => {
    expect(textProblem('第一行\n第二行\r\n\t缩进 😀 \u202e')).toBeUndefined();
    expect(textProblem('')).toBeUndefined();
  });
});
