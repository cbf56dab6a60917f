import { codePrefixRange, containsPattern, specKey } from './search';

describe('search helpers', () => {
  it('escapes LIKE wildcards', () => {
    expect(containsPattern('50%_a\\b')).toBe('%50\\%\\_a\\\\b%');
  });

  it('reads a code prefix as a range, and anything else as a name', () => {
    expect(codePrefixRange('xa01')).toEqual({ prefix: 'XA01', lo: 'XA01', hi: 'XA02' });
    expect(codePrefixRange('Z')).toEqual({ prefix: 'Z', lo: 'Z', hi: '[' });
    expect(codePrefixRange('阿莫西林')).toBeNull();
    expect(codePrefixRange('X-1')).toBeNull();
  });

  it('folds width, case and spaces in specs', () => {
    expect(specKey('０.２５ G × 24')).toBe(specKey('0.25g×24'));
    expect(specKey(null)).toBe('');
  });
});
