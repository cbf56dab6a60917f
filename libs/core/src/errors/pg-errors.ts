/** SQLSTATE codes we react to. */
export const PG = {
  UNIQUE_VIOLATION: '23505',
  FOREIGN_KEY_VIOLATION: '23503',
  EXCLUSION_VIOLATION: '23P01',
  CHECK_VIOLATION: '23514',
  SERIALIZATION_FAILURE: '40001',
  DEADLOCK_DETECTED: '40P01',
  RAISE_EXCEPTION: 'P0001',
} as const;

interface PgLikeError {
  code?: string;
  constraint?: string;
  driverError?: { code?: string; constraint?: string };
}

export function pgCode(err: unknown): string | undefined {
  const e = err as PgLikeError;
  return e?.driverError?.code ?? e?.code;
}

export function pgConstraint(err: unknown): string | undefined {
  const e = err as PgLikeError;
  return e?.driverError?.constraint ?? e?.constraint;
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  return pgCode(err) === PG.UNIQUE_VIOLATION && (!constraint || pgConstraint(err) === constraint);
}
