import { BoundedLabel, within } from './metrics';

describe('BoundedLabel', () => {
  it('names unnamed operations "anonymous" and odd names "other"', () => {
    const l = new BoundedLabel(10);
    expect(l.of(undefined)).toBe('anonymous');
    expect(l.of('')).toBe('anonymous');
    expect(l.of('x'.repeat(65))).toBe('other');
    expect(l.of('a-b')).toBe('other');
    expect(l.of('1abc')).toBe('other');
    expect(l.of('é')).toBe('other');
    expect(l.of('ListReferrals')).toBe('ListReferrals');
  });

  it('keeps at most N distinct names; later ones are "other", earlier ones stay', () => {
    const l = new BoundedLabel(3);
    expect(['A', 'B', 'C'].map((n) => l.of(n))).toEqual(['A', 'B', 'C']);
    const flood = Array.from({ length: 1000 }, (_, i) => l.of(`Flood${i}`));
    expect(new Set(flood)).toEqual(new Set(['other']));
    expect(l.of('B')).toBe('B');
  });
});

describe('within', () => {
  it('answers the fallback when the promise hangs or fails', async () => {
    expect(await within(new Promise<number>(() => undefined), 10, -1)).toBe(-1);
    expect(await within(Promise.reject(new Error('x')), 1000, -2)).toBe(-2);
    expect(await within(Promise.resolve(3), 1000, -3)).toBe(3);
  });
});
