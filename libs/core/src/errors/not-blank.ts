import { buildMessage, ValidateBy, ValidationOptions } from 'class-validator';

/**
 * Text a reader would see as nothing: only whitespace as `String.prototype.trim` knows it (tabs,
 * line breaks, no-break and ideographic spaces U+3000 among them), or zero-width characters,
 * which services' `trim()` keeps but nobody can read.
 */
const BLANK = /^[\s\u200B-\u200D\u2060]*$/u;

/** Whether `value` is a string with something in it to read. */
export function isNotBlank(value: unknown): boolean {
  return typeof value === 'string' && !BLANK.test(value);
}

/**
 * Refuses a string that is empty once its blanks are removed. `@Length(1, 500)` counts spaces,
 * so "   " would otherwise pass and stand as the recorded reason for a rejection, a retirement
 * or a correction. For human-written text that must say something (reasons, notes, titles,
 * names); with `@IsOptional()` it applies only when a value is given.
 */
export function NotBlank(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'notBlank',
      validator: {
        validate: isNotBlank,
        defaultMessage: buildMessage(
          (each) => `${each ? '每一项' : ''}不能为空白 (${each}$property must not be blank)`,
          options,
        ),
      },
    },
    options,
  );
}
