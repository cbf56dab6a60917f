import { parseNationalCode, productKeyOf } from './national-code';

describe('national drug code', () => {
  it('splits a western-drug code into its parts', () => {
    expect(parseNationalCode('XA01ABD075A002010100483')).toEqual({
      code: 'XA01ABD075A002010100483',
      kind: 'X',
      classCode: 'A01AB',
      productKey: 'XA01ABD075A002',
      specNo: '01',
      packNo: '01',
      makerCode: '00483',
    });
  });

  it('splits a Chinese patent medicine code (20 characters, 11-character product key)', () => {
    expect(parseNationalCode('ZA04CAE0023010100166')).toEqual({
      code: 'ZA04CAE0023010100166',
      kind: 'Z',
      classCode: 'A04CA',
      productKey: 'ZA04CAE0023',
      specNo: '01',
      packNo: '01',
      makerCode: '00166',
    });
  });

  it.each([
    '',
    'XA01ABD075A00201010048', // one short
    'XA01ABD075A0020101004833', // one long
    'xa01abd075a002010100483', // case matters
    ' XA01ABD075A002010100483',
    'ZA04CAE002301010016', // Z one short
    'ZA04CAE00230101001660',
    'YA04CAE0023010100166',
    'XA01ABD075A00201010048３', // full-width digit
  ])('refuses %p', (code) => {
    expect(parseNationalCode(code)).toBeNull();
    expect(productKeyOf(code)).toBeNull();
  });
});
