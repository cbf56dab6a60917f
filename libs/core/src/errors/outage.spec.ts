import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import { createErrorFormatter } from './format-error';
import { isDatabaseOutage } from './outage';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isDatabaseOutage', () => {
  it.each([
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    [
      'a session ended by a shutdown (57P01)',
      withCode('terminating connection due to administrator command', '57P01'),
    ],
    ['a server starting up (57P03)', withCode('the database system is starting up', '57P03')],
    ['too many connections (53300)', withCode('sorry, too many clients already', '53300')],
    ['a connection exception (class 08)', withCode('connection failure', '08006')],
    ['a lost connection', new Error('Connection terminated unexpectedly')],
    ['a pool that found no connection in time', new Error('timeout exceeded when trying to connect')],
    [
      'a query error wrapping one (TypeORM)',
      Object.assign(new Error('Query failed'), { driverError: withCode('x', '57P01') }),
    ],
    [
      'every address refused',
      new AggregateError([withCode('a', 'ECONNREFUSED'), withCode('b', 'ECONNREFUSED')], 'connect failed'),
    ],
  ])('recognises %s', (_, err) => expect(isDatabaseOutage(err)).toBe(true));

  it.each([
    ['a unique violation', withCode('duplicate key value', '23505')],
    ['a statement timeout', withCode('canceling statement due to statement timeout', '57014')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['nothing', undefined],
  ])('leaves %s alone', (_, err) => expect(isDatabaseOutage(err)).toBe(false));
});

describe('the error formatter on an outage', () => {
  const logger = { warn: jest.fn(), error: jest.fn() } as unknown as Logger;
  const format = createErrorFormatter(logger, false);

  it('answers SERVICE_UNAVAILABLE, retryable, in Chinese and English, logged as a warning', () => {
    const original = withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED');
    const error = new GraphQLError('connect ECONNREFUSED 127.0.0.1:5432', {
      originalError: original,
      path: ['x'],
    });
    const out = format({ message: error.message, path: ['x'] }, error);
    expect(out).toEqual({
      message: '服务暂时不可用,请稍后重试 (Service temporarily unavailable; retry shortly)',
      path: ['x'],
      locations: undefined,
      extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true, requestId: undefined },
    });
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.error).not.toHaveBeenCalled();
  });
});

describe('the error formatter on a value a database rule refused', () => {
  const logger = { warn: jest.fn(), error: jest.fn() } as unknown as Logger;
  const format = createErrorFormatter(logger, false);
  const wrap = (original: Error) =>
    new GraphQLError(original.message, { originalError: original, path: ['x'] });

  it('answers BAD_USER_INPUT naming the CHECK constraint, never the value, logged as a warning', () => {
    const original = Object.assign(new Error('Query failed'), {
      driverError: Object.assign(new Error('new row violates check constraint "referral_reason_len"'), {
        code: '23514',
        constraint: 'referral_reason_len',
        detail: 'Failing row contains (张三, 110101199003074514).',
      }),
    });
    const error = wrap(original);
    const out = format({ message: error.message, path: ['x'] }, error);
    expect(out.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      rule: 'referral_reason_len',
      requestId: undefined,
    });
    expect(out.message).toContain('referral_reason_len');
    expect(JSON.stringify(out)).not.toContain('110101199003074514');
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.error).not.toHaveBeenCalled();
  });

  it.each([
    ['22001', 'length'],
    ['22003', 'range'],
  ])('answers BAD_USER_INPUT for SQLSTATE %s', (code, rule) => {
    const error = wrap(Object.assign(new Error('value too long'), { code }));
    expect(format({ message: error.message, path: ['x'] }, error).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      rule,
    });
  });

  it('still answers a plain bug as INTERNAL_SERVER_ERROR', () => {
    const error = wrap(Object.assign(new Error('invalid input syntax for type uuid: ""'), { code: '22P02' }));
    expect(format({ message: error.message, path: ['x'] }, error).extensions).toMatchObject({
      code: 'INTERNAL_SERVER_ERROR',
    });
  });
});
