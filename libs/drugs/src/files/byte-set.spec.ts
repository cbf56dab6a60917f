import { ByteSet } from './byte-set';

describe('ByteSet', () => {
  it('holds what a Set of the same strings holds, through growth, whatever buffer the bytes are in', () => {
    const set = new ByteSet();
    const strings = new Set<string>();
    const codes = Array.from({ length: 50_000 }, (_, i) => `ZA04CAE0023${String((i * 7919) % 30_000).padStart(9, '0')}`);
    for (const [n, code] of codes.entries()) {
      const padded = Buffer.from(`,${code},`, 'latin1');
      const added = n % 2 ? set.add(padded, 1, padded.length - 1) : set.addLatin1(code);
      expect(added).toBe(!strings.has(code));
      strings.add(code);
    }
    expect(set.size).toBe(strings.size);
    expect(set.size).toBe(30_000);
    // Prefixes and longer codes are other entries.
    expect(set.addLatin1(codes[0].slice(0, -1))).toBe(true);
    expect(set.addLatin1(`${codes[0]}0`)).toBe(true);
    expect(set.addLatin1('')).toBe(true);
    expect(set.addLatin1('')).toBe(false);
    expect(() => set.addLatin1('x'.repeat(256))).toThrow(RangeError);
  });
});
