import { buildSchema, graphql, GraphQLObjectType, GraphQLResolveInfo } from 'graphql';
import { preloadedValue, preloadSelected, selectedFields, servePreloadedFields } from './preload';

interface Row {
  id: string;
  ownerId: string;
}

const sdl = `
  type Owner { name: String! }
  type Row { id: ID! owner: Owner tag: String }
  type Page { nodes: [Row!]! total: Int! }
  type Query { page: Page! }
`;

/** A schema whose `Row.owner` resolver counts its calls, as Nest's field resolvers would run. */
function setUp(preload: boolean) {
  const schema = buildSchema(sdl);
  const calls = { owner: 0, loads: [] as string[][] };
  const rowType = schema.getType('Row') as GraphQLObjectType;
  rowType.getFields().owner.resolve = async (row: Row) => {
    calls.owner++;
    return { name: `slow ${row.ownerId}` };
  };
  rowType.getFields().tag.resolve = () => 'tag';
  const queryType = schema.getType('Query') as GraphQLObjectType;
  queryType.getFields().page.resolve = async (_s, _a, _c, info: GraphQLResolveInfo) => {
    const nodes: Row[] = [
      { id: 'r1', ownerId: 'o1' },
      { id: 'r2', ownerId: 'o2' },
    ];
    if (preload) {
      const batch: string[] = [];
      calls.loads.push(batch);
      await preloadSelected(nodes, info, ['nodes'], {
        owner: async (row) => {
          batch.push(row.ownerId);
          return { name: `pre ${row.ownerId}` };
        },
        notAField: async () => 'never',
      });
    }
    return { nodes, total: nodes.length };
  };
  return { schema: servePreloadedFields(schema), calls };
}

describe('preloaded fields', () => {
  it('serves preloaded values without calling the field resolver', async () => {
    const { schema, calls } = setUp(true);
    const res = await graphql({ schema, source: '{ page { nodes { id owner { name } tag } } }' });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      page: {
        nodes: [
          { id: 'r1', owner: { name: 'pre o1' }, tag: 'tag' },
          { id: 'r2', owner: { name: 'pre o2' }, tag: 'tag' },
        ],
      },
    });
    expect(calls.owner).toBe(0);
    expect(calls.loads).toEqual([['o1', 'o2']]);
  });

  it('loads nothing for fields the client did not select', async () => {
    const { schema, calls } = setUp(true);
    const res = await graphql({ schema, source: '{ page { total nodes { id } } }' });
    expect(res.errors).toBeUndefined();
    expect(calls.loads).toEqual([[]]);
  });

  it('sees selections inside fragments and inline fragments', async () => {
    const { schema, calls } = setUp(true);
    const res = await graphql({
      schema,
      source: `{ page { ...P } } fragment P on Page { nodes { ... on Row { owner { name } } } }`,
    });
    expect(res.errors).toBeUndefined();
    expect(calls.owner).toBe(0);
    expect(calls.loads).toEqual([['o1', 'o2']]);
  });

  it('falls back to the field resolver where nothing was preloaded', async () => {
    const { schema, calls } = setUp(false);
    const res = await graphql({ schema, source: '{ page { nodes { owner { name } } } }' });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      page: { nodes: [{ owner: { name: 'slow o1' } }, { owner: { name: 'slow o2' } }] },
    });
    expect(calls.owner).toBe(2);
  });

  it('keeps preloaded values out of the row JSON and lets callers read them back', async () => {
    const rows: Row[] = [{ id: 'r1', ownerId: 'o1' }];
    const info = {
      fieldNodes: [
        {
          kind: 'Field',
          name: { kind: 'Name', value: 'page' },
          selectionSet: {
            kind: 'SelectionSet',
            selections: [
              {
                kind: 'Field',
                name: { kind: 'Name', value: 'nodes' },
                selectionSet: {
                  kind: 'SelectionSet',
                  selections: [{ kind: 'Field', name: { kind: 'Name', value: 'owner' } }],
                },
              },
            ],
          },
        },
      ],
      fragments: {},
    } as unknown as GraphQLResolveInfo;
    expect([...selectedFields(info, ['nodes'])]).toEqual(['owner']);
    await preloadSelected(rows, info, ['nodes'], { owner: async () => ({ name: 'x' }) });
    expect(JSON.stringify(rows[0])).toBe('{"id":"r1","ownerId":"o1"}');
    expect(preloadedValue(rows[0], 'owner')).toEqual({ name: 'x' });
    expect(preloadedValue(rows[0], 'tag')).toBeUndefined();
  });
});
