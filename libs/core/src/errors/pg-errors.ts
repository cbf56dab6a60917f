/** SQLSTATE codes we react to. */
export const PG = {
  UNIQUE_VIOLATION: '23505',
  FOREIGN_KEY_VIOLATION: '23503',
  EXCLUSION_VIOLATION: '23P01',
  CHECK_VIOLATION: '23514',
  STRING_TOO_LONG: '22001',
  NUMERIC_OUT_OF_RANGE: '22003',
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

/**
 * A value the database's own rules refused (a CHECK, a column length, a numeric range). The
 * statement changed nothing, and the cause lies in the input, so the user gets a correctable
 * answer naming the rule; the values themselves are never echoed (they may be personal data).
 * Null when the error is anything else.
 */
export function dataRuleViolation(err: unknown): { rule: string; message: string } | null {
  switch (pgCode(err)) {
    case PG.CHECK_VIOLATION: {
      const rule = pgConstraint(err) ?? 'check';
      return {
        rule,
        message: `输入值不符合数据规则 ${rule},请修改后重试 (A value breaks the data rule ${rule}; correct it and retry)`,
      };
    }
    case PG.STRING_TOO_LONG:
      return {
        rule: 'length',
        message:
          '输入文本超出字段长度,请缩短后重试 (A text is longer than its field allows; shorten it and retry)',
      };
    case PG.NUMERIC_OUT_OF_RANGE:
      return {
        rule: 'range',
        message:
          '输入数值超出允许范围,请修改后重试 (A number is out of the allowed range; correct it and retry)',
      };
    default:
      return null;
  }
}
