import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsInt, IsString, MaxLength, validate, ValidateNested } from 'class-validator';
import { cacheValidationRules } from './validation-rules';

class Item {
  @IsInt() count!: number;
}

class Base {
  @IsString() @MaxLength(3) code!: string;
}

class Form extends Base {
  @ValidateNested({ each: true }) @Type(() => Item) items!: Item[];
}

const form = (code: unknown, count: unknown): Form =>
  Object.assign(new Form(), { code, items: [Object.assign(new Item(), { count })] });

const problems = async (value: object) =>
  (await validate(value)).map((e) => ({
    property: e.property,
    constraints: e.constraints,
    children: e.children?.map((c) => c.children?.map((g) => g.constraints)),
  }));

describe('cacheValidationRules', () => {
  it('answers exactly as the uncached lookup, inherited and nested rules included', async () => {
    const before = await problems(form('toolong', 'x'));
    cacheValidationRules();
    cacheValidationRules(); // idempotent
    expect(await problems(form('toolong', 'x'))).toEqual(before);
    expect(await problems(form('toolong', 'x'))).toEqual(before);
    expect(before.map((p) => p.property)).toEqual(['items', 'code']);
    expect(await problems(form('ok', 1))).toEqual([]);
  });

  it('sees a rule added after a class was looked up', async () => {
    cacheValidationRules();
    class Late {
      name!: unknown;
    }
    const late = () => Object.assign(new Late(), { name: 5 });
    // Looked up once with no rule for `name`…
    expect(await validate(late(), { forbidUnknownValues: false })).toEqual([]);
    IsString()(Late.prototype, 'name');
    // …and the rule added since applies.
    const errors = await validate(late(), { forbidUnknownValues: false });
    expect(errors.map((e) => Object.keys(e.constraints ?? {}))).toEqual([['isString']]);
  });
});
