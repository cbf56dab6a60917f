import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { BadInputError } from './domain-errors';
import { bilingualProblem } from './validation-messages';
import { cacheValidationRules } from './validation-rules';

function flatten(errors: ValidationError[], parent = ''): { field: string; problems: string[] }[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const problems = Object.entries(e.constraints ?? {}).map(([rule, text]) => bilingualProblem(rule, text));
    const own = e.constraints ? [{ field, problems }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** @nestjs/graphql's number for `@Args()` parameters (its GqlParamtype.ARGS, not exported). */
const GQL_ARGS = 3;
const HTTP_INPUT = new Set<unknown>(['body', 'query', 'param', GQL_ARGS]);

/**
 * Validates what clients send (GraphQL arguments, HTTP body/query/params) and nothing else:
 * a global pipe would otherwise re-validate the parent object of every field resolver, once
 * per row of every list.
 */
class InputValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    return HTTP_INPUT.has(metadata.type as unknown) ? super.transform(value, metadata) : value;
  }
}

/** class-validator failures become BAD_USER_INPUT naming each field, its problems in Chinese and English. */
export function createValidationPipe(): ValidationPipe {
  cacheValidationRules();
  return new InputValidationPipe({
    transform: true,
    whitelist: true,
    forbidUnknownValues: false,
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      const summary = fields.map((f) => `${f.field}: ${f.problems.join('; ')}`).join(' | ');
      return new BadInputError(`输入有误 (Invalid input): ${summary}`, { fields });
    },
  });
}
