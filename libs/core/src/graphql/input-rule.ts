import { defaultFieldResolver, GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import { BadInputError } from '../errors/domain-errors';

/** Ids are UUIDs, written the canonical way (8-4-4-4-12 hexadecimal digits). */
export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Characters no text of ours may hold: C0 controls except tab, line feed and carriage return
 * (free text keeps its lines), DEL, C1 controls, and lone surrogates (`u` flag: a paired
 * surrogate is one code point and does not match). Postgres refuses U+0000 in text and jsonb;
 * the others pass it but are never typed by a person — they come from broken encodings or are
 * meant to confuse whoever reads the record later. Lone surrogates would be stored as U+FFFD.
 */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uD800-\uDFFF]/u;

export const INVALID_ID = '无效的编号 (invalid id)';
export const INVALID_TIME = '无效的时间 (invalid date-time: ISO 8601, years 0001–9999)';

// Postgres holds 4713 BC to 294276 AD and refuses the rest mid-query; JS dates reach ±271821.
const EARLIEST = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

/** Why `text` is refused, or undefined when it is fine. */
export function textProblem(text: string): string | undefined {
  const found = FORBIDDEN_CHAR.exec(text);
  if (!found) return undefined;
  const code = found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  return `含有不允许的字符 (contains a character that is not allowed: U+${code})`;
}

/** Checks one coerced value; `path` names it (`input.expertIds[1]`). Throws BAD_USER_INPUT. */
type Check = (value: unknown, path: string) => void;

function refuse(path: string, problem: string): never {
  throw new BadInputError(`输入有误 (Invalid input): ${path}: ${problem}`, {
    fields: [{ field: path, problems: [problem] }],
  });
}

const checkId: Check = (value, path) => {
  if (value != null && !(typeof value === 'string' && UUID_RE.test(value))) refuse(path, INVALID_ID);
};

/** The api's DateTime scalar coerces with `new Date(value)`, which takes anything. */
const checkTime: Check = (value, path) => {
  const ms = value instanceof Date ? value.getTime() : NaN;
  if (value != null && !(ms >= EARLIEST && ms <= LATEST)) refuse(path, INVALID_TIME);
};

/** Every string in a value, however nested (custom scalars may hold objects and lists). */
const checkText: Check = (value, path) => {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    if (problem) refuse(path, problem);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => checkText(v, `${path}[${i}]`));
  } else if (
    value !== null &&
    typeof value === 'object' &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    for (const [k, v] of Object.entries(value)) {
      checkText(k, path);
      checkText(v, `${path}.${k}`);
    }
  }
};

// Duck-typed like preload.ts: graphql may be loaded twice (ESM and CJS builds).
type Tagged = { ofType?: unknown; name?: string; getFields?: () => Record<string, { type: unknown }> };
const tag = (t: unknown) => Object.prototype.toString.call(t).slice(8, -1);
type Memo = { done: Map<unknown, Check | undefined>; open: Set<unknown> };

/**
 * A check for values of an input type, or undefined when nothing in it needs checking
 * (numbers, booleans, enums: graphql's own coercion already bounds them).
 */
function checkFor(type: unknown, memo: Memo): Check | undefined {
  const t = type as Tagged;
  switch (tag(type)) {
    case 'GraphQLNonNull':
      return checkFor(t.ofType, memo);
    case 'GraphQLList': {
      const item = checkFor(t.ofType, memo);
      return item && ((v, p) => Array.isArray(v) && v.forEach((x, i) => item(x, `${p}[${i}]`)));
    }
    case 'GraphQLScalarType':
      if (t.name === 'ID') return checkId;
      if (t.name === 'DateTime') return checkTime;
      return ['Int', 'Float', 'Boolean'].includes(t.name!) ? undefined : checkText;
    case 'GraphQLInputObjectType': {
      if (memo.done.has(type)) return memo.done.get(type);
      // An input type that holds itself: checked through the entry made below.
      if (memo.open.has(type)) return (v, p) => memo.done.get(type)?.(v, p);
      memo.open.add(type);
      const fields = Object.entries(t.getFields!()).flatMap(([name, f]) => {
        const check = checkFor(f.type, memo);
        return check ? [[name, check] as const] : [];
      });
      const check: Check | undefined = fields.length
        ? (v, p) => {
            if (v == null || typeof v !== 'object') return;
            for (const [name, c] of fields) {
              const value = (v as Record<string, unknown>)[name];
              if (value !== undefined) c(value, `${p}.${name}`);
            }
          }
        : undefined;
      memo.open.delete(type);
      memo.done.set(type, check);
      return check;
    }
    default:
      return undefined;
  }
}

type Resolver = (
  source: unknown,
  args: Record<string, unknown>,
  context: unknown,
  info: GraphQLResolveInfo,
) => unknown;
type SchemaField = { resolve?: Resolver; args: { name: string; type: unknown }[] };

/**
 * One input rule for the whole api, applied to the coerced arguments of every field (literal
 * or from variables, nested inputs and lists included) before its resolver — and so before
 * authentication, services and SQL: a value of type `ID` must be a UUID, a `DateTime` a real
 * instant within years 0001–9999, and no string may hold a character of FORBIDDEN_CHAR.
 * BAD_USER_INPUT names the argument's path.
 */
export function refuseMalformedInput(schema: GraphQLSchema): GraphQLSchema {
  const memo: Memo = { done: new Map(), open: new Set() };
  for (const type of Object.values(schema.getTypeMap())) {
    if (tag(type) !== 'GraphQLObjectType' || type.name.startsWith('__')) continue;
    const fields = (type as unknown as { getFields(): Record<string, SchemaField> }).getFields();
    for (const field of Object.values(fields)) {
      const checks = field.args.flatMap((a) => {
        const check = checkFor(a.type, memo);
        return check ? [[a.name, check] as const] : [];
      });
      if (!checks.length) continue;
      const resolve = field.resolve ?? (defaultFieldResolver as Resolver);
      field.resolve = (source, args, context, info) => {
        for (const [name, check] of checks) {
          if (args[name] !== undefined) check(args[name], name);
        }
        return resolve(source, args, context, info);
      };
    }
  }
  return schema;
}
