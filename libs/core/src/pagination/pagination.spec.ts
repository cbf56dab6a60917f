import { decodeCursor, encodeCursor } from './pagination';
import { BadInputError } from '../errors/domain-errors';

describe('cursors', () => {
  it('round-trip', () => {
    const values = ['2026-11-23T10:00:00.000Z', 'b1a2c3d4-0000-4000-8000-000000000001'];
    expect(decodeCursor(encodeCursor(values), ['date', 'uuid'])).toEqual(values);
  });

  it.each([
    ['garbage', 'not base64 json'],
    ['wrong arity', encodeCursor(['a'])],
    ['wrong type for a uuid column', encodeCursor(['x', 'not-a-uuid'])],
    ['string for a number column', encodeCursor(['1', 'b1a2c3d4-0000-4000-8000-000000000001'])],
  ])('refuses %s as BAD_USER_INPUT', (_, cursor) => {
    const kinds =
      cursor === encodeCursor(['1', 'b1a2c3d4-0000-4000-8000-000000000001'])
        ? ['number', 'uuid']
        : ['string', 'uuid'];
    expect(() => decodeCursor(cursor, kinds)).toThrow(BadInputError);
  });

  // Forged cursors that passed the shape check but not Postgres: an INTERNAL_SERVER_ERROR and an
  // error logged for a request that only sent bad input.
  it.each([
    ['a fraction for an integer column', [1.5, 'x'], ['number', 'string']],
    ['a number past the integers', [1e300, 'x'], ['number', 'string']],
    ['a number past smallint', [40000, 'x'], ['number', 'string']],
    ['a day the month does not have', ['2026-02-30T00:00:00.000Z'], ['date']],
    ['year zero', ['0000-01-01T00:00:00.000Z'], ['date']],
    ['an hour of 24', ['2026-01-01T24:00:00.000Z'], ['date']],
    ['a bigint past int8', ['9999999999999999999'], ['bigint']],
    ['a NUL character in a string', ['a\u0000b'], ['string']],
  ])('refuses %s as BAD_USER_INPUT', (_, values, kinds) => {
    expect(() => decodeCursor(encodeCursor(values as (string | number)[]), kinds)).toThrow(BadInputError);
  });

  it('takes back what the lists write: ISO instants in milliseconds, int8 ids, small integers', () => {
    const values = ['2026-11-23T10:00:00.123Z', '9223372036854775807', 3, '冉茂林'];
    expect(decodeCursor(encodeCursor(values), ['date', 'bigint', 'number', 'string'])).toEqual(values);
  });
});
