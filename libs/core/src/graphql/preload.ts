import { FieldNode, GraphQLResolveInfo, GraphQLSchema, Kind, SelectionSetNode } from 'graphql';

/**
 * Values a list resolver has already fetched for the rows of a page, keyed by field name.
 * A symbol, so the rows' own JSON (outbox payloads, audit details) never carries them.
 */
const PRELOADED = Symbol('preloaded');

type Preloadable = { [PRELOADED]?: Record<string, unknown> };

/**
 * Serves preloaded values before the field's own resolver. A page of 50 referrals with three
 * related objects would otherwise make 150 trips through Nest's resolver pipeline, each a
 * chain of promises; a preloaded value is returned synchronously.
 */
export function servePreloadedFields(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const fields = (type as unknown as { getFields(): Record<string, SchemaField> }).getFields();
    for (const field of Object.values(fields)) {
      const resolve = field.resolve;
      // Only related objects are ever preloaded; scalar fields keep their resolver untouched.
      if (!resolve || !isObjectType(namedType(field.type))) continue;
      field.resolve = (source, args, context, info) => {
        const preloaded = (source as Preloadable | null | undefined)?.[PRELOADED];
        return preloaded && info.fieldName in preloaded
          ? preloaded[info.fieldName]
          : resolve(source, args, context, info);
      };
    }
  }
  return schema;
}

type Resolver = (source: unknown, args: unknown, context: unknown, info: GraphQLResolveInfo) => unknown;
type SchemaField = { resolve?: Resolver; type: unknown };

// Duck-typed: graphql may be loaded twice (ESM and CJS builds), so instanceof can lie.
const isObjectType = (t: unknown) => Object.prototype.toString.call(t) === '[object GraphQLObjectType]';

/** The type under any list and non-null wrappers. */
function namedType(t: unknown): unknown {
  while ((t as { ofType?: unknown }).ofType) t = (t as { ofType: unknown }).ofType;
  return t;
}

/**
 * For the fields the client selected under `path` (e.g. `['nodes']` of a connection), loads
 * each row's value with `loaders` (DataLoader-backed, so one query per field for the page)
 * and attaches it to the row. Fields not selected are not loaded.
 */
export async function preloadSelected<T extends object>(
  rows: T[],
  info: GraphQLResolveInfo,
  path: string[],
  loaders: Record<string, (row: T) => Promise<unknown>>,
): Promise<void> {
  if (!rows.length) return;
  const selected = selectedFields(info, path);
  const wanted = Object.keys(loaders).filter((f) => selected.has(f));
  await Promise.all(
    wanted.map(async (field) => {
      const values = await Promise.all(rows.map((row) => loaders[field](row)));
      rows.forEach((row, i) => {
        const r = row as Preloadable;
        (r[PRELOADED] ??= {})[field] = values[i];
      });
    }),
  );
}

/** Attaches values already read with the row (e.g. as JSON columns of the page's statement). */
export function attachPreloaded(row: object, values: Record<string, unknown>): void {
  Object.assign(((row as Preloadable)[PRELOADED] ??= {}), values);
}

/** A value `preloadSelected` attached to `row`, if it did (to preload one level deeper). */
export function preloadedValue<V>(row: object, field: string): V | undefined {
  return (row as Preloadable)[PRELOADED]?.[field] as V | undefined;
}

/**
 * Selections already walked, per field of one execution (graphql builds `fieldNodes` anew for
 * each): a list resolver and its preloads ask for the same paths several times per page.
 */
const walked = new WeakMap<readonly FieldNode[], Map<string, Set<string>>>();

/** Names of the fields selected at `path` below the current field (fragments included). */
export function selectedFields(info: GraphQLResolveInfo, path: string[]): ReadonlySet<string> {
  let byPath = walked.get(info.fieldNodes);
  if (!byPath) walked.set(info.fieldNodes, (byPath = new Map()));
  const key = path.join('.');
  let found = byPath.get(key);
  if (!found) byPath.set(key, (found = walkSelection(info, path)));
  return found;
}

function walkSelection(info: GraphQLResolveInfo, path: string[]): Set<string> {
  let sets: SelectionSetNode[] = info.fieldNodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
  for (const name of path) {
    sets = sets.flatMap((s) =>
      fieldsOf(s, info)
        .filter((f) => f.name.value === name && f.selectionSet)
        .map((f) => f.selectionSet!),
    );
  }
  return new Set(sets.flatMap((s) => fieldsOf(s, info).map((f) => f.name.value)));
}

function fieldsOf(set: SelectionSetNode, info: GraphQLResolveInfo): FieldNode[] {
  return set.selections.flatMap((s) => {
    if (s.kind === Kind.FIELD) return [s];
    if (s.kind === Kind.INLINE_FRAGMENT) return fieldsOf(s.selectionSet, info);
    const fragment = info.fragments[s.name.value];
    return fragment ? fieldsOf(fragment.selectionSet, info) : [];
  });
}
