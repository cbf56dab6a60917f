import 'reflect-metadata';
import { IsOptional, IsString, Length, validate } from 'class-validator';
import { DomainError } from './domain-errors';
import { isNotBlank, MinTrimmedLength, NotBlank, trimmedLength } from './not-blank';
import { createValidationPipe } from './validation';

class Rejection {
  @IsString() @Length(1, 500) @NotBlank() reason!: unknown;
  @IsOptional() @IsString() @NotBlank() title?: unknown;
  @IsOptional() @NotBlank({ each: true }) names?: unknown;
}

const problems = async (value: Partial<Rejection>) =>
  (await validate(Object.assign(new Rejection(), { reason: '退回', ...value }))).map(
    (e): [string, Record<string, string> | undefined] => [e.property, e.constraints],
  );

describe('NotBlank', () => {
  it.each([
    ['spaces', '   '],
    ['a tab and line breaks', '\t\r\n'],
    ['ideographic spaces (U+3000)', '\u3000\u3000'],
    ['no-break and other Unicode spaces', '\u00a0\u2003\u202f\u205f\ufeff'],
    ['zero-width characters', '\u200b\u200c\u200d\u2060'],
    ['nothing', ''],
  ])('refuses %s, in Chinese with the English beside it', async (_, reason) => {
    const [[property, constraints]] = await problems({ reason });
    expect(property).toBe('reason');
    expect(constraints!.notBlank).toBe('不能为空白 (reason must not be blank)');
  });

  it.each([['退回'], ['  请补充检查结果 '], ['\u3000说明'], ['\t1'], ['x']])('takes %j', async (reason) => {
    expect(await problems({ reason })).toEqual([]);
  });

  it('refuses what is not a string (the type check says why as well)', async () => {
    expect(isNotBlank(5)).toBe(false);
    expect(isNotBlank(null)).toBe(false);
    const [[, constraints]] = await problems({ reason: 5 });
    expect(Object.keys(constraints!).sort()).toEqual(['isLength', 'isString', 'notBlank']);
  });

  it('leaves an optional field left out alone, and checks it when given', async () => {
    expect(await problems({ title: undefined })).toEqual([]);
    expect(await problems({ title: null })).toEqual([]);
    expect(await problems({ title: ' \u3000\t' })).toEqual([
      ['title', { notBlank: '不能为空白 (title must not be blank)' }],
    ]);
  });

  it('checks each item of a list with { each: true }', async () => {
    expect(await problems({ names: ['心内科', '  '] })).toEqual([
      ['names', { notBlank: '每一项不能为空白 (each value in names must not be blank)' }],
    ]);
    expect(await problems({ names: ['心内科'] })).toEqual([]);
  });

  it('reaches clients as BAD_USER_INPUT naming the field, its message unchanged', async () => {
    const refused = await createValidationPipe()
      .transform({ reason: '\u3000 ' }, { type: 'body', metatype: Rejection })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).code).toBe('BAD_USER_INPUT');
    expect((refused as DomainError).details.fields).toEqual([
      { field: 'reason', problems: ['不能为空白 (reason must not be blank)'] },
    ]);
  });
});

class Request {
  @MinTrimmedLength(2) purpose!: unknown;
  @IsOptional()
  @MinTrimmedLength(2, { message: '请填写原因(至少 2 个字) (reason: at least 2 characters)' })
  reason?: unknown;
}

const shortfalls = async (value: Partial<Request>) =>
  (await validate(Object.assign(new Request(), { purpose: '会诊', ...value }))).map(
    (e): [string, Record<string, string> | undefined] => [e.property, e.constraints],
  );

describe('MinTrimmedLength', () => {
  it.each([
    ['a leading space', ' a'],
    ['a tab and a line break', '\ta\n'],
    ['ideographic spaces (U+3000)', '\u3000诊\u3000'],
    ['zero-width characters', '\u200b诊\u2060'],
    ['one character', 'a'],
  ])('counts what is left without the blanks around it: refuses %s', async (_, purpose) => {
    expect(await shortfalls({ purpose })).toEqual([
      [
        'purpose',
        {
          minTrimmedLength:
            '至少 2 个字(首尾空白不计) (purpose must be at least 2 characters, not counting blanks around it)',
        },
      ],
    ]);
  });

  it('tells a blank value it is blank, and refuses what is not a string', async () => {
    expect(await shortfalls({ purpose: ' \u3000\u200b' })).toEqual([
      ['purpose', { minTrimmedLength: '不能为空白 (purpose must not be blank)' }],
    ]);
    expect((await shortfalls({ purpose: 12 }))[0][0]).toBe('purpose');
  });

  it.each([['会诊'], [' 会诊 '], ['a b'], ['\u3000胸痛\u200b'], ['𠮷𠮷']])('takes %j', async (purpose) => {
    expect(await shortfalls({ purpose })).toEqual([]);
  });

  it('counts by code point, as MinLength does', () => {
    expect(trimmedLength(' 𠮷 ')).toBe(1);
    expect(trimmedLength('\u200b a \u200b')).toBe(1);
    expect(trimmedLength('a \u3000 b')).toBe(5);
  });

  it("says a DTO's own message, and leaves an optional field left out alone", async () => {
    expect(await shortfalls({ reason: undefined })).toEqual([]);
    expect(await shortfalls({ reason: '因\u200b' })).toEqual([
      ['reason', { minTrimmedLength: '请填写原因(至少 2 个字) (reason: at least 2 characters)' }],
    ]);
  });
});
