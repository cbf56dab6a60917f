import { maskPhone, maskResidentId, normalizePhone, parseResidentId } from './resident-id';

// Independent of the implementation so a bug there cannot make both sides agree.
function withCheckChar(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = first17.split('').reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

const TODAY = new Date('2024-06-15T04:00:00Z');

describe('parseResidentId', () => {
  it('accepts a valid female ID', () => {
    expect(parseResidentId('11010519491231002X', TODAY)).toEqual({
      ok: true,
      value: {
        normalized: '11010519491231002X',
        divisionCode: '110105',
        birthDate: '1949-12-31',
        sex: 'FEMALE',
      },
    });
  });

  it('accepts a valid male ID', () => {
    const r = parseResidentId('53010219200508011X', TODAY);
    expect(r).toEqual({
      ok: true,
      value: {
        normalized: '53010219200508011X',
        divisionCode: '530102',
        birthDate: '1920-05-08',
        sex: 'MALE',
      },
    });
  });

  it('normalises lowercase x and surrounding whitespace', () => {
    const r = parseResidentId('  11010519491231002x\n', TODAY);
    expect(r.ok && r.value.normalized).toBe('11010519491231002X');
  });

  it('defaults today to now', () => {
    expect(parseResidentId('11010519491231002X').ok).toBe(true);
  });

  it('rejects a wrong check digit', () => {
    const r = parseResidentId('530102192005080119', TODAY);
    expect(r).toMatchObject({ ok: false, reason: 'CHECK_DIGIT' });
    expect(!r.ok && r.message).toContain('身份证号校验位错误');
    expect(!r.ok && r.message).toContain('(ID number check digit is wrong');
  });

  it.each([
    ['too short', '1101051949123100'],
    ['too long', '11010519491231002X1'],
    ['letters inside', '11010519A91231002X'],
    ['X not last', '1101051949123100X2'],
    ['empty', ''],
    ['other letter as check char', '11010519491231002Y'],
  ])('rejects bad format: %s', (_label, raw) => {
    expect(parseResidentId(raw, TODAY)).toMatchObject({ ok: false, reason: 'FORMAT' });
  });

  it('rejects a non-existent calendar date even with a correct check digit', () => {
    const id = withCheckChar('11010520230230001');
    expect(parseResidentId(id, TODAY)).toMatchObject({ ok: false, reason: 'BIRTH_DATE' });
  });

  it.each(['19000229', '20231301', '20230100'])('rejects invalid date %s', (ymd) => {
    expect(parseResidentId(withCheckChar(`110105${ymd}001`), TODAY)).toMatchObject({
      ok: false,
      reason: 'BIRTH_DATE',
    });
  });

  it('accepts 29 February in a leap year', () => {
    const r = parseResidentId(withCheckChar('11010520000229001'), TODAY);
    expect(r.ok && r.value.birthDate).toBe('2000-02-29');
  });

  it('rejects a birth date after today', () => {
    const r = parseResidentId(withCheckChar('11010520240616002'), TODAY);
    expect(r).toMatchObject({ ok: false, reason: 'BIRTH_DATE' });
    expect(!r.ok && r.message).toContain('future');
  });

  it('accepts a birth date of today (Beijing date)', () => {
    // 2024-06-15T20:00Z is already 2024-06-16 in Beijing.
    const r = parseResidentId(withCheckChar('11010520240616002'), new Date('2024-06-15T20:00:00Z'));
    expect(r.ok).toBe(true);
  });

  it('rejects a birth date before 1890', () => {
    expect(parseResidentId(withCheckChar('11010518891231001'), TODAY)).toMatchObject({
      ok: false,
      reason: 'BIRTH_DATE',
    });
    expect(parseResidentId(withCheckChar('11010518900101001'), TODAY).ok).toBe(true);
  });

  it('rejects an unknown province prefix even with a correct check digit', () => {
    const r = parseResidentId(withCheckChar('99010519491231002'), TODAY);
    expect(r).toMatchObject({ ok: false, reason: 'DIVISION_CODE' });
  });

  it.each(['81', '82', '83', '71', '50', '65'])('accepts province prefix %s', (prefix) => {
    expect(parseResidentId(withCheckChar(`${prefix}000019800101001`), TODAY).ok).toBe(true);
  });

  it.each(['10', '16', '24', '38', '47', '55', '66', '70', '84', '00'])(
    'rejects province prefix %s',
    (prefix) => {
      expect(parseResidentId(withCheckChar(`${prefix}000019800101001`), TODAY)).toMatchObject({
        ok: false,
        reason: 'DIVISION_CODE',
      });
    },
  );

  it('does not restrict the rest of the division code', () => {
    expect(parseResidentId(withCheckChar('50000019800101001'), TODAY).ok).toBe(true);
  });
});

describe('maskResidentId', () => {
  it('keeps the first 6 and last 4 characters', () => {
    expect(maskResidentId('500114198001011234')).toBe('500114********1234');
    expect(maskResidentId('11010519491231002X')).toBe('110105********002X');
  });

  it('fully masks values too short to mask safely', () => {
    expect(maskResidentId('1234567890')).toBe('**********');
  });
});

describe('maskPhone', () => {
  it('masks an 11-digit mobile', () => {
    expect(maskPhone('13900000000')).toBe('139****0000');
  });

  it('keeps first 3 and last 4 of other numbers of length >= 8', () => {
    expect(maskPhone('075512345678')).toBe('075*****5678');
    expect(maskPhone('02312345')).toBe('023*2345');
  });

  it('shows only the last 2 of short numbers', () => {
    expect(maskPhone('1234567')).toBe('*****67');
    expect(maskPhone('12')).toBe('**');
    expect(maskPhone('')).toBe('');
  });
});

describe('normalizePhone', () => {
  it.each([
    ['13900000000', '13900000000'],
    ['139 0000 0000', '13900000000'],
    ['139-0000-0000', '13900000000'],
    ['+86 139 0000 0000', '13900000000'],
    ['8613900000000', '13900000000'],
    ['023-12345678', '02312345678'],
    ['0755 1234 5678', '075512345678'],
    ['010-1234567', '0101234567'],
  ])('accepts %p', (raw, expected) => {
    expect(normalizePhone(raw)).toEqual({ ok: true, value: expected });
  });

  it.each(['12900000000', '1390000000', '139000000000', '+8602312345678', '2312345678', 'abc', ''])(
    'rejects %p',
    (raw) => {
      const r = normalizePhone(raw);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.message).toMatch(/^电话号码格式错误.*\(Invalid phone number/);
    },
  );
});
