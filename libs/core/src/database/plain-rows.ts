import type { EntityMetadata } from 'typeorm';

/**
 * Reading rows as plain objects shaped like their entities, without the ORM's hydration: a
 * list page selects its columns under the entity's property names, and related rows as JSON
 * objects, in one statement.
 */

/** `alias.column AS "property", …` for every column of the entity. */
export function columnsAs(meta: EntityMetadata, alias: string): string[] {
  return meta.columns.map((c) => `${alias}.${c.databaseName} AS "${c.propertyName}"`);
}

/** `json_build_object('property', alias.column, …)`: one related row as a JSON value. */
export function jsonObjectOf(meta: EntityMetadata, alias: string): string {
  return `json_build_object(${meta.columns.map((c) => `'${c.propertyName}', ${alias}.${c.databaseName}`).join(', ')})`;
}

const TIMESTAMP_TYPES = new Set(['timestamptz', 'timestamp', 'timestamp with time zone']);

/** A row built by `jsonObjectOf`, with its timestamps turned back into dates as the entity has them. */
export function fromJsonObject<T>(meta: EntityMetadata, value: unknown): T | null {
  if (!value) return null;
  const row = value as Record<string, unknown>;
  for (const c of meta.columns) {
    const v = row[c.propertyName];
    if (typeof v === 'string' && TIMESTAMP_TYPES.has(String(c.type))) row[c.propertyName] = new Date(v);
  }
  return row as T;
}
