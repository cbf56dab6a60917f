import { Tier } from '@yg/network/domain/institution-kind';
import {
  combine,
  Comparator,
  dataOutcome,
  evidenceOutcome,
  consortiumOutcome,
  DataCheck,
  Dimension,
  dimensionOutcome,
  EvidenceRecord,
  ItemKind,
  ItemOutcome,
  itemProblems,
  judgeData,
  judgeEvidence,
  MeasureLookup,
  Outcome,
  ReviewStatus,
  UnificationItem,
  validFrom,
} from './scorecard';
import { evidenceByInstitution, qualitativeOutcomes, scorecard } from './evaluate';
import { versionsAt } from './versions';
import { MeasureTotals } from '../services/unification-scorecards.service';

const item = (over: Partial<UnificationItem>): UnificationItem => ({
  id: over.code ?? 'X',
  tenantId: null,
  code: 'X',
  version: 1,
  dimension: Dimension.DRUGS,
  position: 1,
  nameZh: 'x',
  nameEn: 'x',
  kind: ItemKind.DATA,
  tiers: [Tier.COUNTY, Tier.TOWNSHIP, Tier.VILLAGE],
  data: null,
  evidence: null,
  active: true,
  changeNote: null,
  createdBy: null,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  ...over,
});
const pct = (num: string, den: string, met: number, partial: number | null): DataCheck => ({
  numerator: [num],
  denominator: [den],
  multiplier: 100,
  comparator: Comparator.GTE,
  met,
  partial,
});
const lookup = (values: Record<string, number>, days = 30, missing: string[] = []): MeasureLookup => ({
  days,
  available: (k) => !missing.includes(k),
  total: (k) => values[k] ?? 0,
});

describe('data checks', () => {
  const mapped = item({
    code: 'CATALOGUE_MAPPED',
    data: pct('drug.catalogue_mapped', 'drug.catalogue_items', 95, 80),
  });

  it('is MET at the threshold, PARTIAL between the two, NOT_MET below', () => {
    const at = (n: number) =>
      judgeData(mapped, lookup({ 'drug.catalogue_mapped': n, 'drug.catalogue_items': 200 }), 'i');
    expect([at(190).outcome, at(190).value]).toEqual([ItemOutcome.MET, 95]);
    expect([at(189).outcome, at(189).value]).toEqual([ItemOutcome.PARTIAL, 94.5]);
    expect([at(160).outcome, at(160).value]).toEqual([ItemOutcome.PARTIAL, 80]);
    expect([at(159).outcome, at(159).value]).toEqual([ItemOutcome.NOT_MET, 79.5]);
    expect(at(189).reason).toBe(
      '94.5 (189 / 200); 达标 met ≥ 95; 部分达标 partial ≥ 80: 部分达标 partly met',
    );
  });

  it('says which measure has no source instead of reading a zero', () => {
    const r = judgeData(mapped, lookup({}, 30, ['drug.catalogue_mapped']), 'i');
    expect(r.outcome).toBe(ItemOutcome.NO_DATA);
    expect(r.value).toBeNull();
    expect(r.reason).toContain('drug.catalogue_mapped');
  });

  it('leaves out an item with nothing to measure (a zero denominator)', () => {
    const r = judgeData(mapped, lookup({ 'drug.catalogue_items': 0 }), 'i');
    expect(r.outcome).toBe(ItemOutcome.NOT_APPLICABLE);
  });

  it('compares days reported with the days of the period, and counts a single measure against > 0', () => {
    const days = item({ data: pct('enc.days_reported', 'period.days', 100, 80) });
    expect(judgeData(days, lookup({ 'enc.days_reported': 30 }, 30), 'i').outcome).toBe(ItemOutcome.MET);
    expect(judgeData(days, lookup({ 'enc.days_reported': 24 }, 30), 'i').outcome).toBe(ItemOutcome.PARTIAL);
    expect(judgeData(days, lookup({ 'enc.days_reported': 23 }, 30), 'i').outcome).toBe(ItemOutcome.NOT_MET);
    const some = item({
      data: {
        numerator: ['ref.up', 'ref.down'],
        denominator: null,
        multiplier: 1,
        comparator: Comparator.GT,
        met: 0,
        partial: null,
      },
    });
    expect(judgeData(some, lookup({ 'ref.down': 1 }), 'i')).toMatchObject({
      outcome: ItemOutcome.MET,
      value: 1,
    });
    expect(judgeData(some, lookup({}), 'i')).toMatchObject({ outcome: ItemOutcome.NOT_MET, value: 0 });
  });

  it('refuses an unsound check', () => {
    expect(itemProblems(ItemKind.DATA, pct('a.b', 'c.d', 80, 90), null, ['COUNTY'])).toEqual([
      '部分达标值须比达标值宽松 (the partial threshold must be easier than the met one)',
    ]);
    expect(
      itemProblems(ItemKind.DATA, pct('uni.resource_unified', 'c.d', 90, null), null, ['EXTERNAL']),
    ).toHaveLength(2);
    expect(
      itemProblems(ItemKind.EVIDENCE, null, { evidenceKind: 'POLICY_DOCUMENT', validMonths: null }, [
        'VILLAGE',
      ]),
    ).toEqual([]);
  });
});

describe('measure totals', () => {
  it('sums flows, averages levels over the months, and sums a level against period days', () => {
    const t = new MeasureTotals(
      [
        { key: 'ref.up', month: '2026-01', institutionId: 'a', value: 2 },
        { key: 'ref.up', month: '2026-02', institutionId: 'a', value: 3 },
        { key: 'enc.days_reported', month: '2026-01', institutionId: 'a', value: 31 },
        { key: 'enc.days_reported', month: '2026-02', institutionId: 'a', value: 20 },
      ],
      new Set(['ref.up', 'enc.days_reported']),
      new Set(['enc.days_reported']),
    );
    const l = t.lookup(['2026-01', '2026-02', '2026-03'], 90);
    expect(l.total('ref.up', 'a')).toBe(5);
    expect(l.total('enc.days_reported', 'a')).toBe(17);
    expect(l.total('enc.days_reported', 'a', { sum: true })).toBe(51);
    expect(l.total('ref.up', 'b')).toBe(0);
  });
});

describe('evidence items', () => {
  const ledger = item({
    code: 'LEDGER_STATEMENT',
    kind: ItemKind.EVIDENCE,
    evidence: { evidenceKind: 'LEDGER_STATEMENT', validMonths: 12 },
  });
  const rec = (
    id: string,
    documentDate: string,
    status: ReviewStatus,
    institutionId = 'i',
  ): EvidenceRecord => ({
    id,
    institutionId,
    evidenceKind: 'LEDGER_STATEMENT',
    title: `t${id}`,
    documentDate,
    status,
  });

  it('counts a document dated within its validity before the period end', () => {
    expect(validFrom('2026-10-31', 12)).toBe('2025-11-01');
    expect(validFrom('2026-12-31', 3)).toBe('2026-10-01');
    const at = (records: EvidenceRecord[]) => judgeEvidence(ledger, records, 'i', '2026-10-31');
    expect(at([rec('1', '2025-11-01', ReviewStatus.ACCEPTED)]).outcome).toBe(ItemOutcome.MET);
    expect(at([rec('1', '2025-10-31', ReviewStatus.ACCEPTED)]).outcome).toBe(ItemOutcome.NOT_MET);
    expect(at([rec('1', '2026-11-01', ReviewStatus.ACCEPTED)]).outcome).toBe(ItemOutcome.NOT_MET);
    expect(at([rec('1', '2026-05-01', ReviewStatus.ACCEPTED, 'other')]).outcome).toBe(ItemOutcome.NOT_MET);
  });

  it('is PARTIAL while the document awaits review, NOT_MET when every one was rejected', () => {
    const pending = judgeEvidence(ledger, [rec('1', '2026-05-01', ReviewStatus.PENDING)], 'i', '2026-10-31');
    expect([pending.outcome, pending.evidenceIds]).toEqual([ItemOutcome.PARTIAL, ['1']]);
    const rejected = judgeEvidence(
      ledger,
      [rec('2', '2026-05-01', ReviewStatus.REJECTED)],
      'i',
      '2026-10-31',
    );
    expect([rejected.outcome, rejected.reason]).toEqual([
      ItemOutcome.NOT_MET,
      '材料均被退回 1 份 (all 1 rejected, 2025-11-01 – 2026-10-31)',
    ]);
  });
});

describe('dimensions, roll-up and the qualitative indicators', () => {
  const r = (outcome: ItemOutcome) => ({
    item: item({}),
    outcome,
    value: null,
    numerator: null,
    denominator: null,
    evidenceIds: [],
    reason: '',
  });

  it('judges a dimension from its items, leaving out those with nothing to measure', () => {
    expect(dimensionOutcome([r(ItemOutcome.MET), r(ItemOutcome.NOT_APPLICABLE)]).outcome).toBe(Outcome.MET);
    expect(dimensionOutcome([r(ItemOutcome.MET), r(ItemOutcome.NO_DATA)]).outcome).toBe(Outcome.PARTIAL);
    expect(dimensionOutcome([r(ItemOutcome.NOT_MET), r(ItemOutcome.PARTIAL)]).outcome).toBe(Outcome.PARTIAL);
    expect(dimensionOutcome([r(ItemOutcome.NOT_MET), r(ItemOutcome.NO_DATA)]).outcome).toBe(Outcome.NOT_MET);
    expect(dimensionOutcome([r(ItemOutcome.NOT_APPLICABLE)])).toEqual({
      outcome: Outcome.NOT_MET,
      reason: '没有可评价的项目 (no item could be judged)',
    });
  });

  it('rolls institutions up: all MET, more than half NOT_MET, else PARTIAL', () => {
    expect(consortiumOutcome({ met: 4, partial: 0, notMet: 0 })).toBe(Outcome.MET);
    expect(consortiumOutcome({ met: 3, partial: 1, notMet: 0 })).toBe(Outcome.PARTIAL);
    expect(consortiumOutcome({ met: 2, partial: 0, notMet: 2 })).toBe(Outcome.PARTIAL);
    expect(consortiumOutcome({ met: 1, partial: 0, notMet: 2 })).toBe(Outcome.NOT_MET);
    expect(combine([Outcome.MET, Outcome.NOT_MET])).toBe(Outcome.PARTIAL);
    expect(combine([Outcome.NOT_MET, Outcome.NOT_MET])).toBe(Outcome.NOT_MET);
  });

  it('reads the qualitative indicators from the scorecard', () => {
    const evidenceItem = (code: string, dimension: Dimension, tiers = [Tier.COUNTY]) =>
      item({
        code,
        dimension,
        kind: ItemKind.EVIDENCE,
        tiers,
        evidence: { evidenceKind: code, validMonths: 3 },
      });
    const items = [
      evidenceItem('COMMITTEE_MINUTES', Dimension.ADMINISTRATION),
      evidenceItem('MUTUAL_RECOGNITION', Dimension.BUSINESS),
      evidenceItem('STAFF_DEPLOYMENT_PLAN', Dimension.PERSONNEL, [Tier.COUNTY, Tier.TOWNSHIP]),
      item({
        code: 'REFERRALS_IN_SYSTEM',
        dimension: Dimension.INFORMATION,
        data: {
          numerator: ['ref.up'],
          denominator: null,
          multiplier: 1,
          comparator: Comparator.GT,
          met: 0,
          partial: null,
        },
      }),
      item({
        code: 'CONSULTATIONS_IN_SYSTEM',
        dimension: Dimension.INFORMATION,
        data: {
          numerator: ['con.requested'],
          denominator: null,
          multiplier: 1,
          comparator: Comparator.GT,
          met: 0,
          partial: null,
        },
      }),
    ];
    const institutions = [
      { id: 'c', name: 'county', tier: Tier.COUNTY },
      { id: 't', name: 'township', tier: Tier.TOWNSHIP },
    ];
    const measures: MeasureLookup = {
      days: 31,
      available: () => true,
      total: (k, i) => (k === 'ref.up' ? 1 : k === 'con.requested' && i === 'c' ? 2 : 0),
    };
    const ev = (id: string, kind: string, status: ReviewStatus, institutionId = 'c') => ({
      id,
      institutionId,
      evidenceKind: kind,
      title: id,
      documentDate: '2026-10-10',
      status,
    });
    const card = scorecard(
      items,
      institutions,
      measures,
      [
        ev('m', 'COMMITTEE_MINUTES', ReviewStatus.PENDING),
        ev('r', 'MUTUAL_RECOGNITION', ReviewStatus.ACCEPTED),
        ev('s1', 'STAFF_DEPLOYMENT_PLAN', ReviewStatus.ACCEPTED),
        ev('s2', 'STAFF_DEPLOYMENT_PLAN', ReviewStatus.ACCEPTED, 't'),
      ],
      '2026-10-31',
    );
    // 信息: the county MET (referrals and consultations), the township PARTIAL (no consultation).
    expect(card.rollup.find((x) => x.dimension === Dimension.INFORMATION)).toEqual({
      dimension: Dimension.INFORMATION,
      counts: { met: 1, partial: 1, notMet: 0 },
      outcome: Outcome.PARTIAL,
    });
    // 人员 MET everywhere; 财务, 药械 have no items here: NOT_MET; 业务: county MET, township none → half NOT_MET.
    expect(card.rollup.map((x) => [x.dimension, x.outcome])).toEqual([
      [Dimension.ADMINISTRATION, Outcome.PARTIAL],
      [Dimension.PERSONNEL, Outcome.MET],
      [Dimension.FINANCE, Outcome.NOT_MET],
      [Dimension.BUSINESS, Outcome.PARTIAL],
      [Dimension.DRUGS, Outcome.NOT_MET],
      [Dimension.INFORMATION, Outcome.PARTIAL],
      [Dimension.PERFORMANCE, Outcome.NOT_MET],
    ]);
    expect(card.qualitative).toEqual([
      { key: 'uni.resource_unified', outcome: Outcome.PARTIAL, value: 0.5 },
      { key: 'uni.democratic_decision', outcome: Outcome.PARTIAL, value: 0.5 },
      { key: 'uni.service_coordination', outcome: Outcome.MET, value: 1 },
    ]);
    const evidence = [
      ev('m', 'COMMITTEE_MINUTES', ReviewStatus.PENDING),
      ev('r', 'MUTUAL_RECOGNITION', ReviewStatus.ACCEPTED),
      ev('s1', 'STAFF_DEPLOYMENT_PLAN', ReviewStatus.ACCEPTED),
      ev('s2', 'STAFF_DEPLOYMENT_PLAN', ReviewStatus.ACCEPTED, 't'),
    ];
    expect(
      qualitativeOutcomes(items, institutions, measures, evidenceByInstitution(evidence), '2026-10-31'),
    ).toEqual(card.qualitative);
  });

  it('judges the qualitative indicators without the scorecard exactly as the scorecard does', () => {
    // A seeded generator: many small consortia, items, figures and evidence, each compared.
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor(seed / 65536) % n;
    };
    const pick = <T>(list: readonly T[]): T => list[rnd(list.length)];
    const tiers = [Tier.COUNTY, Tier.TOWNSHIP, Tier.VILLAGE];
    const dims = Object.values(Dimension);
    const codes = [
      'COMMITTEE_MINUTES',
      'REFERRALS_IN_SYSTEM',
      'CONSULTATIONS_IN_SYSTEM',
      'MUTUAL_RECOGNITION',
      'A',
      'B',
      'C',
      'D',
    ];
    const kinds = ['K1', 'K2'];
    const statuses = [ReviewStatus.ACCEPTED, ReviewStatus.PENDING, ReviewStatus.REJECTED];
    const outcomes = new Set<string>();
    const always = (dimension: Dimension, position: number) =>
      item({
        code: `ALWAYS_${dimension}`,
        dimension,
        position,
        data: {
          numerator: ['x.a'],
          denominator: null,
          multiplier: 1,
          comparator: Comparator.GTE,
          met: 0,
          partial: null,
        },
      });
    for (let round = 0; round < 400; round++) {
      // Now and then every dimension MET for everyone (resource_unified MET needs five of them).
      const generated = codes
        .filter(() => rnd(4) > 0)
        .map((code, n) => {
          const its = tiers.filter(() => rnd(3) > 0);
          const evidenceKind = rnd(2)
            ? item({
                kind: ItemKind.EVIDENCE,
                evidence: { evidenceKind: pick(kinds), validMonths: rnd(2) ? null : 1 + rnd(6) },
              })
            : item({
                data: {
                  numerator: [pick(['x.a', 'x.b', 'x.gone'])],
                  denominator: rnd(3) ? [pick(['x.a', 'x.b', 'period.days'])] : null,
                  multiplier: pick([1, 100]),
                  comparator: pick(Object.values(Comparator)),
                  met: pick([0, 1, 50]),
                  partial: rnd(2) ? null : pick([0, 25]),
                },
              });
          return item({
            ...evidenceKind,
            code,
            dimension: pick(dims),
            position: n,
            tiers: its.length ? its : [Tier.COUNTY],
            active: rnd(8) > 0,
          });
        });
      const items = round % 40 === 0 ? dims.map(always) : generated;
      const institutions = Array.from({ length: 1 + rnd(6) }, (_, i) => ({
        id: `i${i}`,
        name: `i${i}`,
        tier: pick(tiers),
      }));
      const figures = new Map<string, number>();
      for (const inst of institutions)
        for (const k of ['x.a', 'x.b']) figures.set(`${k}|${inst.id}`, pick([0, 0, 1, 2, 40, 100]));
      const measures: MeasureLookup = {
        days: pick([28, 31]),
        available: (k) => k !== 'x.gone',
        total: (k, i) => figures.get(`${k}|${i}`) ?? 0,
      };
      const evidence: EvidenceRecord[] = Array.from({ length: rnd(8) }, (_, n) => ({
        id: `e${n}`,
        institutionId: pick(institutions).id,
        evidenceKind: pick(kinds),
        title: 'doc',
        documentDate: pick(['2026-01-15', '2026-08-01', '2026-10-31', '2026-11-05']),
        status: pick(statuses),
      }));
      const lastDay = '2026-10-31';
      const card = scorecard(items, institutions, measures, evidence, lastDay);
      const quick = qualitativeOutcomes(
        items,
        institutions,
        measures,
        evidenceByInstitution(evidence),
        lastDay,
      );
      expect(quick).toEqual(card.qualitative);
      for (const c of card.institutions)
        for (const d of c.dimensions)
          for (const r of d.items) {
            const own = evidence.filter((e) => e.institutionId === c.institution.id);
            expect(
              r.item.kind === ItemKind.DATA
                ? dataOutcome(r.item, measures, c.institution.id)
                : evidenceOutcome(r.item, own, c.institution.id, lastDay),
            ).toBe(r.outcome);
          }
      for (const q of quick) outcomes.add(`${q.key}:${q.outcome}`);
    }
    // The generated cases reach every outcome of every indicator.
    expect(outcomes.size).toBe(9);
  });
});

describe('versions', () => {
  const v = (version: number, createdAt: string, tenantId: string | null = null) =>
    item({ code: 'A', version, createdAt: new Date(createdAt), tenantId, id: `${version}` });

  it('judges a period with the version in force when it ended, the first one before any existed', () => {
    const all = [
      v(1, '2026-03-10T00:00:00Z'),
      v(2, '2026-05-10T00:00:00Z', 't'),
      v(3, '2026-07-10T00:00:00Z', 't'),
    ];
    const at = (end: string | null) => versionsAt(all, end ? new Date(end) : null)[0].version;
    expect(at(null)).toBe(3);
    expect(at('2026-06-01T00:00:00Z')).toBe(2);
    expect(at('2026-04-01T00:00:00Z')).toBe(1);
    expect(at('2026-01-01T00:00:00Z')).toBe(1);
  });

  it('leaves out an item the consortium added after the period ended', () => {
    const own = [v(1, '2026-05-10T00:00:00Z', 't')];
    expect(versionsAt(own, new Date('2026-05-01T00:00:00Z'))).toEqual([]);
    expect(versionsAt(own, new Date('2026-06-01T00:00:00Z'))).toHaveLength(1);
  });
});
