import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDate,
  IsDateString,
  IsDefined,
  IsEnum,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsNumber,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validate,
  ValidateBy,
  ValidateNested,
  ValidationError,
  ValidatorOptions,
} from 'class-validator';
import { DomainError } from './domain-errors';
import { createValidationPipe } from './validation';
import { bilingualProblem } from './validation-messages';

enum Urgency {
  ROUTINE = 'ROUTINE',
  URGENT = 'URGENT',
}

class Item {
  @IsInt() count!: unknown;
}

/** One property per rule the api's inputs use; each case sets one of them to a bad value. */
class Form {
  @IsString() name?: unknown;
  @IsString({ each: true }) tags?: unknown;
  @IsUUID() id?: unknown;
  @IsUUID('all', { each: true }) ids?: unknown;
  @IsEnum(Urgency) urgency?: unknown;
  @IsEnum(Urgency, { each: true }) urgencies?: unknown;
  @IsIn([12, 24]) months?: unknown;
  @IsIn(['csv', 'xlsx'], { each: true }) formats?: unknown;
  @IsInt() count?: unknown;
  @IsNumber() price?: unknown;
  @IsNumber({ maxDecimalPlaces: 3 }) quantity?: unknown;
  @IsBoolean() active?: unknown;
  @IsDate() at?: unknown;
  @IsDateString({ strict: true }) signedOn?: unknown;
  @IsISO8601() from?: unknown;
  @IsUrl({ require_protocol: true }) url?: unknown;
  @IsArray() items?: unknown;
  @Matches(/^\d{4}$/) code?: unknown;
  @Matches(/^[A-Z]+$/, { each: true }) codes?: unknown;
  @MaxLength(5) title?: unknown;
  @MaxLength(3, { each: true }) labels?: unknown;
  @MinLength(2) search?: unknown;
  @Length(2, 4) suffix?: unknown;
  @Max(100) first?: unknown;
  @Min(1) page?: unknown;
  @ArrayMaxSize(2) expertIds?: unknown;
  @ArrayMinSize(1) tiers?: unknown;
  @ArrayUnique() days?: unknown;
  @IsDefined() reason?: unknown;
  @IsNotEmpty() note?: unknown;
  @ValidateNested() @Type(() => Item) item?: unknown;
  @ValidateNested({ each: true }) @Type(() => Item) lines?: unknown;
}

/** class-validator's real messages for `values`, each passed through `bilingualProblem`. */
async function problems(values: Record<string, unknown>, options: ValidatorOptions = {}): Promise<string[]> {
  const walk = (errors: ValidationError[]): string[] =>
    errors.flatMap((e) => [
      ...Object.entries(e.constraints ?? {}).map(([rule, text]) => bilingualProblem(rule, text)),
      ...walk(e.children ?? []),
    ]);
  // Only the properties given are checked (@IsDefined's is checked all the same).
  return walk(await validate(Object.assign(new Form(), values), { skipMissingProperties: true, ...options }));
}

describe('bilingualProblem', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['isString', { name: 5 }, '必须是字符串 (name must be a string)'],
    ['isString, each', { tags: ['a', 5] }, '每一项必须是字符串 (each value in tags must be a string)'],
    ['isUuid', { id: 'x' }, '必须是 UUID (id must be a UUID)'],
    ['isUuid, each', { ids: ['x'] }, '每一项必须是 UUID (each value in ids must be a UUID)'],
    [
      'isEnum',
      { urgency: 'SOON' },
      '必须是以下值之一：ROUTINE, URGENT (urgency must be one of the following values: ROUTINE, URGENT)',
    ],
    [
      'isEnum, each',
      { urgencies: ['SOON'] },
      '每一项必须是以下值之一：ROUTINE, URGENT (each value in urgencies must be one of the following values: ROUTINE, URGENT)',
    ],
    ['isIn', { months: 6 }, '必须是以下值之一：12, 24 (months must be one of the following values: 12, 24)'],
    [
      'isIn, each',
      { formats: ['pdf'] },
      '每一项必须是以下值之一：csv, xlsx (each value in formats must be one of the following values: csv, xlsx)',
    ],
    ['isInt', { count: 1.5 }, '必须是整数 (count must be an integer number)'],
    [
      'isNumber',
      { price: 'x' },
      '必须是符合要求的数字 (price must be a number conforming to the specified constraints)',
    ],
    [
      'isNumber, decimals',
      { quantity: 1.2345 },
      '必须是符合要求的数字 (quantity must be a number conforming to the specified constraints)',
    ],
    ['isBoolean', { active: 'yes' }, '必须是布尔值 (active must be a boolean value)'],
    ['isDate', { at: 'x' }, '必须是日期 (at must be a Date instance)'],
    [
      'isDateString',
      { signedOn: '2026-02-30' },
      '必须是 ISO 8601 日期 (signedOn must be a valid ISO 8601 date string)',
    ],
    ['isIso8601', { from: 'x' }, '必须是 ISO 8601 日期 (from must be a valid ISO 8601 date string)'],
    ['isUrl', { url: 'files/scan.pdf' }, '必须是 URL 地址 (url must be a URL address)'],
    ['isArray', { items: 'x' }, '必须是数组 (items must be an array)'],
    ['matches', { code: 'x' }, '格式不正确 (code must match /^\\d{4}$/ regular expression)'],
    [
      'matches, each',
      { codes: ['a'] },
      '每一项格式不正确 (each value in codes must match /^[A-Z]+$/ regular expression)',
    ],
    [
      'maxLength',
      { title: 'toolong' },
      '不能超过 5 个字符 (title must be shorter than or equal to 5 characters)',
    ],
    [
      'maxLength, each',
      { labels: ['abcd'] },
      '每一项不能超过 3 个字符 (each value in labels must be shorter than or equal to 3 characters)',
    ],
    ['minLength', { search: 'a' }, '至少 2 个字符 (search must be longer than or equal to 2 characters)'],
    [
      'isLength, too short',
      { suffix: 'a' },
      '至少 2 个字符 (suffix must be longer than or equal to 2 characters)',
    ],
    [
      'isLength, too long',
      { suffix: 'abcde' },
      '不能超过 4 个字符 (suffix must be shorter than or equal to 4 characters)',
    ],
    [
      'isLength, no length',
      { suffix: 42 },
      '长度须在 2 到 4 个字符之间 (suffix must be longer than or equal to 2 and shorter than or equal to 4 characters)',
    ],
    ['max', { first: 500 }, '不能大于 100 (first must not be greater than 100)'],
    ['min', { page: 0 }, '不能小于 1 (page must not be less than 1)'],
    ['arrayMaxSize', { expertIds: [1, 2, 3] }, '最多 2 项 (expertIds must contain no more than 2 elements)'],
    ['arrayMinSize', { tiers: [] }, '至少 1 项 (tiers must contain at least 1 elements)'],
    ['arrayUnique', { days: [1, 1] }, "各项不能重复 (All days's elements must be unique)"],
    ['isDefined', { reason: null }, '必须填写 (reason should not be null or undefined)'],
    ['isNotEmpty', { note: '' }, '不能为空 (note should not be empty)'],
    [
      'nestedValidation',
      { item: 5 },
      '必须是对象或数组 (nested property item must be either object or array)',
    ],
    [
      'nestedValidation, each',
      { lines: [5] },
      '每一项必须是对象或数组 (each value in nested property lines must be either object or array)',
    ],
  ])('%s', async (_rule, values, expected) => {
    // `reason` is required by @IsDefined: present unless the case is about it.
    expect(await problems({ reason: 'r', ...values })).toEqual([expected]);
  });

  it('whitelistValidation', async () => {
    expect(
      await problems({ reason: 'r', extra: 1 }, { whitelist: true, forbidNonWhitelisted: true }),
    ).toEqual(['不允许的字段 (property extra should not exist)']);
  });

  it("leaves a DTO's own Chinese message as it is", async () => {
    class Page {
      @Max(100, { message: '每页最多 100 条 (at most 100 per page)' }) first?: number;
      @ValidateBy({
        name: 'isQuantity',
        validator: {
          validate: () => false,
          defaultMessage: () => '数量须在 0.001 到 1000000 之间 (quantity)',
        },
      })
      quantity?: number;
    }
    const [first, quantity] = await validate(Object.assign(new Page(), { first: 500, quantity: 0 }));
    expect(bilingualProblem('max', first.constraints!.max)).toBe('每页最多 100 条 (at most 100 per page)');
    expect(bilingualProblem('isQuantity', quantity.constraints!.isQuantity)).toBe(
      '数量须在 0.001 到 1000000 之间 (quantity)',
    );
  });

  it('leaves an English message in words of its own as it is', async () => {
    class Source {
      @Matches(/^[A-Za-z0-9._-]+$/, { message: 'sourceSystem: letters, digits, . _ - only' }) system?: string;
      @Max(100, { message: 'first: at most 100' }) first?: number;
    }
    const [system, first] = await validate(Object.assign(new Source(), { system: '?', first: 500 }));
    expect(bilingualProblem('matches', system.constraints!.matches)).toBe(
      'sourceSystem: letters, digits, . _ - only',
    );
    expect(bilingualProblem('max', first.constraints!.max)).toBe('first: at most 100');
  });

  it('leaves the message of a constraint it does not know as it is', async () => {
    class Ward {
      @ValidateBy({
        name: 'isBedNumber',
        validator: { validate: () => false, defaultMessage: () => '$property must be a string' },
      })
      bed?: string;
    }
    const [bed] = await validate(Object.assign(new Ward(), { bed: 'x' }));
    expect(bilingualProblem('isBedNumber', bed.constraints!.isBedNumber)).toBe('bed must be a string');
    expect(bilingualProblem('constructor', 'x must be a string')).toBe('x must be a string');
  });
});

describe('createValidationPipe', () => {
  class PageArgs {
    @Max(100) first?: number;
    @Matches(/^\d{6}$/, { message: '行政区划代码为 6 位数字 (division code must be 6 digits)' })
    code?: string;
  }

  it('answers every problem, and the summary, in Chinese with the English beside it', async () => {
    const refused = await createValidationPipe()
      .transform({ first: 500, code: 'x' }, { type: 'body', metatype: PageArgs })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DomainError);
    const { code, message, details } = refused as DomainError;
    expect(code).toBe('BAD_USER_INPUT');
    expect(details.fields).toEqual([
      { field: 'first', problems: ['不能大于 100 (first must not be greater than 100)'] },
      { field: 'code', problems: ['行政区划代码为 6 位数字 (division code must be 6 digits)'] },
    ]);
    expect(message).toBe(
      '输入有误 (Invalid input): first: 不能大于 100 (first must not be greater than 100) | ' +
        'code: 行政区划代码为 6 位数字 (division code must be 6 digits)',
    );
  });
});
