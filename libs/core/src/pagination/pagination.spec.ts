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
});
