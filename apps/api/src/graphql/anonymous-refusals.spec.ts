import { ANONYMOUS_PER_ADDRESS, ANONYMOUS_PER_PROCESS, AnonymousRefusalBudget } from './anonymous-refusals';

describe('AnonymousRefusalBudget', () => {
  const t0 = Date.UTC(2026, 10, 29, 10, 0, 0);

  it('records an address one by one up to its budget, then once that it was limited, then nothing until the next minute', () => {
    const b = new AnonymousRefusalBudget();
    const verdicts = Array.from(
      { length: ANONYMOUS_PER_ADDRESS + 5 },
      (_, i) => b.take('10.0.0.1', t0 + i).verdict,
    );
    expect(verdicts.filter((v) => v === 'record')).toHaveLength(ANONYMOUS_PER_ADDRESS);
    expect(verdicts[ANONYMOUS_PER_ADDRESS]).toBe('summary');
    expect(verdicts.slice(ANONYMOUS_PER_ADDRESS + 1)).toEqual(Array(4).fill('skip'));
    // Another address has its own budget; the next minute starts afresh.
    expect(b.take('10.0.0.2', t0 + 100).verdict).toBe('record');
    expect(b.take('10.0.0.1', t0 + 60_000).verdict).toBe('record');
  });

  it('bounds all addresses together per minute', () => {
    const b = new AnonymousRefusalBudget();
    const verdicts = Array.from({ length: ANONYMOUS_PER_PROCESS + 3 }, (_, i) =>
      b.take(`10.1.${i >> 8}.${i & 255}`, t0),
    );
    expect(verdicts.filter((v) => v.verdict === 'record')).toHaveLength(ANONYMOUS_PER_PROCESS);
    expect(verdicts[ANONYMOUS_PER_PROCESS]).toEqual({ verdict: 'summary', scope: 'process' });
    expect(verdicts.slice(ANONYMOUS_PER_PROCESS + 1).map((v) => v.verdict)).toEqual(['skip', 'skip']);
  });
});
