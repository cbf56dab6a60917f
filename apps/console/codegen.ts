/**
 * Typed GraphQL for the console, from the api's committed schema: each operation in
 * src/api/operations.graphql becomes a document string typed with its result and variables.
 * Small on purpose (graphql-js only). `--check` exits 1 when the committed output is stale.
 *
 *   node -r @swc-node/register apps/console/codegen.ts [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildSchema,
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLInputType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLOutputType,
  GraphQLScalarType,
  GraphQLSchema,
  isAbstractType,
  Kind,
  parse,
  print,
  SelectionSetNode,
  TypeNode,
  typeFromAST,
  validate,
} from 'graphql';

const root = join(__dirname, '..', '..');
const SCHEMA = join(root, 'apps/api/schema.gql');
const OPERATIONS = join(__dirname, 'src/api/operations.graphql');
const OUT = join(__dirname, 'src/api/generated.ts');

const SCALARS: Record<string, string> = {
  ID: 'string',
  String: 'string',
  DateTime: 'string',
  Int: 'number',
  Float: 'number',
  Boolean: 'boolean',
  JSON: 'unknown',
};

function scalar(t: GraphQLScalarType | GraphQLEnumType): string {
  if (t instanceof GraphQLEnumType) return t.name;
  return SCALARS[t.name] ?? 'unknown';
}

const usedEnums = new Set<string>();
const usedInputs = new Set<string>();

function inputType(t: GraphQLInputType, nullable = true): string {
  if (t instanceof GraphQLNonNull) return inputType(t.ofType as GraphQLInputType, false);
  const wrap = (s: string) => (nullable ? `${s} | null` : s);
  if (t instanceof GraphQLList) return wrap(`Array<${inputType(t.ofType as GraphQLInputType)}>`);
  if (t instanceof GraphQLEnumType) usedEnums.add(t.name);
  if (t instanceof GraphQLInputObjectType) {
    usedInputs.add(t.name);
    return wrap(t.name);
  }
  return wrap(scalar(t as GraphQLScalarType));
}

function outputType(
  t: GraphQLOutputType,
  sel: SelectionSetNode | undefined,
  schema: GraphQLSchema,
  indent: string,
  nullable = true,
): string {
  if (t instanceof GraphQLNonNull) return outputType(t.ofType, sel, schema, indent, false);
  const wrap = (s: string) => (nullable ? `${s} | null` : s);
  if (t instanceof GraphQLList) return wrap(`Array<${outputType(t.ofType, sel, schema, indent)}>`);
  if (t instanceof GraphQLEnumType) {
    usedEnums.add(t.name);
    return wrap(t.name);
  }
  if (t instanceof GraphQLScalarType) return wrap(scalar(t));
  if (!sel) throw new Error(`selection needed on ${t.name}`);
  if (isAbstractType(t)) throw new Error(`interfaces and unions are not supported (${t.name})`);
  return wrap(objectType(t as GraphQLObjectType, sel, schema, indent));
}

function objectType(
  t: GraphQLObjectType,
  sel: SelectionSetNode,
  schema: GraphQLSchema,
  indent: string,
): string {
  const fields = t.getFields();
  const lines: string[] = [];
  for (const s of sel.selections) {
    if (s.kind === Kind.FIELD) {
      const name = s.alias?.value ?? s.name.value;
      if (s.name.value === '__typename') {
        lines.push(`${indent}  ${name}: '${t.name}';`);
        continue;
      }
      const f = fields[s.name.value];
      lines.push(`${indent}  ${name}: ${outputType(f.type, s.selectionSet, schema, indent + '  ')};`);
    } else if (s.kind === Kind.INLINE_FRAGMENT) {
      // Only same-type fragments (e.g. with @include) are used: inline their fields.
      const inner = objectType(t, s.selectionSet, schema, indent);
      lines.push(...inner.split('\n').slice(1, -1));
    } else {
      throw new Error('named fragments are not supported; inline the fields');
    }
  }
  return `{\n${lines.join('\n')}\n${indent}}`;
}

function varType(schema: GraphQLSchema, node: TypeNode): string {
  const t = typeFromAST(schema, node as never) as GraphQLInputType | undefined;
  if (!t) throw new Error(`unknown variable type ${print(node)}`);
  return inputType(t);
}

function inputDecl(t: GraphQLInputObjectType): string {
  const fields = Object.values(t.getFields()).map((f) => {
    const optional = !(f.type instanceof GraphQLNonNull) || f.defaultValue !== undefined;
    return `  ${f.name}${optional ? '?' : ''}: ${inputType(f.type)};`;
  });
  return `export interface ${t.name} {\n${fields.join('\n')}\n}`;
}

function generate(): string {
  const schema = buildSchema(readFileSync(SCHEMA, 'utf8'));
  const doc = parse(readFileSync(OPERATIONS, 'utf8'));
  const errors = validate(schema, doc);
  if (errors.length) throw new Error(errors.map((e) => e.message).join('\n'));
  const ops: string[] = [];
  for (const def of doc.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION || !def.name) throw new Error('every operation needs a name');
    const name = def.name.value;
    const rootType = def.operation === 'mutation' ? schema.getMutationType()! : schema.getQueryType()!;
    const vars = (def.variableDefinitions ?? []).map((v) => {
      const t = varType(schema, v.type);
      const optional = v.type.kind !== Kind.NON_NULL_TYPE || v.defaultValue !== undefined;
      return `  ${v.variable.name.value}${optional ? '?' : ''}: ${t};`;
    });
    ops.push(
      `export type ${name}Result = ${objectType(rootType, def.selectionSet, schema, '')};\n` +
        `export type ${name}Variables = {${vars.length ? `\n${vars.join('\n')}\n` : ''}};\n` +
        `export const ${name} = ${JSON.stringify(print(def))} as Operation<${name}Result, ${name}Variables>;`,
    );
  }
  // Input types may name further inputs and enums: close over them.
  const inputs: string[] = [];
  const done = new Set<string>();
  for (let grew = true; grew;) {
    grew = false;
    for (const n of [...usedInputs].sort()) {
      if (done.has(n)) continue;
      done.add(n);
      grew = true;
      inputs.push(inputDecl(schema.getType(n) as GraphQLInputObjectType));
    }
  }
  const enums = [...usedEnums].sort().map((n) => {
    const e = schema.getType(n) as GraphQLEnumType;
    return `export type ${n} = ${e
      .getValues()
      .map((v) => `'${v.name}'`)
      .join(' | ')};`;
  });
  return [
    '// Do not edit: written by apps/console/codegen.ts from apps/api/schema.gql and operations.graphql.',
    '',
    '/** A GraphQL document with its result and variables types attached. */',
    'export type Operation<R, V> = string & { readonly __result?: R; readonly __variables?: V };',
    '',
    enums.join('\n'),
    '',
    inputs.join('\n\n'),
    '',
    ops.join('\n\n'),
    '',
  ].join('\n');
}

const out = generate();
if (process.argv.includes('--check')) {
  const current = readFileSync(OUT, 'utf8');
  if (current !== out) {
    process.stderr.write('apps/console/src/api/generated.ts is stale: run npm run console:codegen\n');
    process.exit(1);
  }
} else {
  writeFileSync(OUT, out);
}
