import { ArgsType, Field, Int, ObjectType } from '@nestjs/graphql';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { Type } from '@nestjs/common';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { BadInputError } from '../errors/domain-errors';

export const PAGE_SIZE_DEFAULT = 20;
export const PAGE_SIZE_MAX = 100;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `每页条数 Page size (1–${PAGE_SIZE_MAX})` })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(PAGE_SIZE_MAX)
  first?: number;

  @Field(() => String, { nullable: true, description: '上一页的 endCursor (cursor to continue after)' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  after?: string;
}

@ObjectType()
export class PageInfo {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

export interface Connection<T> {
  nodes: T[];
  pageInfo: PageInfo;
}

/** A cursor connection type for `T`: `nodes` plus `pageInfo`. */
export function Paginated<T>(item: Type<T>, name: string): Type<Connection<T>> {
  @ObjectType(name)
  class ConnectionType implements Connection<T> {
    @Field(() => [item]) nodes!: T[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
  }
  return ConnectionType;
}

export interface KeysetColumn<T> {
  /** How cursor values are checked: a plain string unless said otherwise; `number` is a smallint. */
  kind?: 'string' | 'number' | 'uuid' | 'date' | 'bigint';
  /** SQL expression in the query builder, e.g. `i.name`. */
  expr: string;
  /** Reads the same value from a loaded row, for the next cursor. */
  value: (row: T) => string | number | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const INT8_MAX = 2n ** 63n - 1n;

/**
 * Each cursor value must be one Postgres takes for its column, or a forged cursor would fail the
 * statement (an internal error) instead of being refused as bad input. Lists write dates as
 * `toISOString()` does, so only that form is taken back: JavaScript's parser also takes days a
 * month does not have and year 0, which Postgres refuses.
 */
function fitsColumn(v: unknown, sample: string): boolean {
  // The only numeric keyset column is a rank (smallint).
  if (sample === 'number') return Number.isInteger(v) && Math.abs(v as number) <= 32767;
  if (typeof v !== 'string') return false;
  if (sample === 'uuid') return UUID.test(v);
  if (sample === 'date') {
    const t = Date.parse(v);
    return /^\d{4}-/.test(v) && !v.startsWith('0000') && !Number.isNaN(t) && new Date(t).toISOString() === v;
  }
  if (sample === 'bigint') return /^\d{1,19}$/.test(v) && BigInt(v) <= INT8_MAX;
  return !v.includes('\u0000');
}

export function encodeCursor(values: (string | number | null)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string, kinds: string[]): (string | number | null)[] {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === kinds.length && v.every((x, i) => fitsColumn(x, kinds[i]))) {
      return v as (string | number | null)[];
    }
  } catch {
    // fall through
  }
  throw new BadInputError('分页游标无效 (Invalid pagination cursor)', { field: 'after' });
}

/**
 * Keyset pagination over columns that all sort the same way (derive a rank column when a
 * list must sort otherwise). Reads `first + 1` rows to learn whether a next page exists.
 */
export async function paginate<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  columns: KeysetColumn<T>[],
  args: PageArgs,
  direction: 'ASC' | 'DESC' = 'ASC',
): Promise<Connection<T>> {
  const first = keyset(qb, columns, args, direction);
  return pageOf(await qb.take(first + 1).getMany(), columns, first);
}

/**
 * Keyset pagination for a plain statement: the cursor condition (null on the first page), the
 * ORDER BY and the page size; values go in through `param`, which returns their placeholder.
 * Read `first + 1` rows and hand them to `pageOf`.
 */
export function keysetSql<R>(
  columns: KeysetColumn<R>[],
  args: PageArgs,
  param: (value: unknown) => string,
  direction: 'ASC' | 'DESC' = 'ASC',
): { after: string | null; orderBy: string; first: number } {
  const first = Math.min(args.first ?? PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX);
  const exprs = columns.map((c) => c.expr).join(', ');
  const after = args.after
    ? `(${exprs}) ${direction === 'ASC' ? '>' : '<'} (${decodeCursor(
        args.after,
        columns.map((c) => c.kind ?? 'string'),
      )
        .map(param)
        .join(', ')})`
    : null;
  return { after, orderBy: columns.map((c) => `${c.expr} ${direction}`).join(', '), first };
}

/** Adds the cursor condition (`keysetSql`'s, with named parameters) and the order; returns the page size. */
function keyset<T extends ObjectLiteral, R>(
  qb: SelectQueryBuilder<T>,
  columns: KeysetColumn<R>[],
  args: PageArgs,
  direction: 'ASC' | 'DESC',
): number {
  const params: Record<string, unknown> = {};
  const { after, first } = keysetSql(
    columns,
    args,
    (value) => {
      const name = `__k${Object.keys(params).length}`;
      params[name] = value;
      return `:${name}`;
    },
    direction,
  );
  if (after) qb.andWhere(after, params);
  columns.forEach((c, i) => (i === 0 ? qb.orderBy(c.expr, direction) : qb.addOrderBy(c.expr, direction)));
  return first;
}

/** The page of `first` nodes from `first + 1` rows read, and whether a next page exists. */
export function pageOf<R>(rows: R[], columns: KeysetColumn<R>[], first: number): Connection<R> {
  const hasNextPage = rows.length > first;
  const nodes = hasNextPage ? rows.slice(0, first) : rows;
  const last = nodes[nodes.length - 1];
  return {
    nodes,
    pageInfo: {
      hasNextPage,
      endCursor: last ? encodeCursor(columns.map((c) => c.value(last))) : null,
    },
  };
}
