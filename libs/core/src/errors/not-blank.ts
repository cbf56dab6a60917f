import { buildMessage, ValidateBy, ValidationOptions } from 'class-validator';

/**
 * Text a reader would see as nothing: only whitespace as `String.prototype.trim` knows it (tabs,
 * line breaks, no-break and ideographic spaces U+3000 among them), or zero-width characters,
 * which services' `trim()` keeps but nobody can read.
 */
const BLANK = /^[\s\u200B-\u200D\u2060]*$/u;
const BLANK_AROUND = /^[\s\u200B-\u200D\u2060]+|[\s\u200B-\u200D\u2060]+$/gu;

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

/** Characters left once the blanks around `value` are removed, counted by code point. */
export function trimmedLength(value: string): number {
  return [...value.replace(BLANK_AROUND, '')].length;
}

/**
 * Refuses a string shorter than `min` once the blanks around it are removed, and so also a blank
 * one: `@MinLength(2)` counts spaces, so " a" or "a\u200b" would stand as a two-character
 * purpose, question or reason. It checks only; the value is stored as given. Use it instead of
 * `@MinLength` and `@NotBlank` on human-written text; a blank value is told it is blank, a short
 * one how long it must be.
 */
export function MinTrimmedLength(min: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'minTrimmedLength',
      constraints: [min],
      validator: {
        validate: (value: unknown) => isNotBlank(value) && trimmedLength(value as string) >= min,
        defaultMessage: buildMessage(
          // With { each: true } the value seen here is the whole list: say the length rule.
          (each, args) =>
            each || isNotBlank(args?.value)
              ? `${each ? '每一项' : ''}至少 ${min} 个字(首尾空白不计) ` +
                `(${each}$property must be at least ${min} characters, not counting blanks around it)`
              : `不能为空白 ($property must not be blank)`,
          options,
        ),
      },
    },
    options,
  );
}
