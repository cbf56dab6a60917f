import { ContinuityOutcome, FormularyStatus } from './drug.enums';
import {
  decideContinuity,
  ListItem,
  PlanTarget,
  ReceiverItem,
  ReceiverView,
  splitDrugText,
  unitsPerDose,
} from './continuity';

const item = (id: string, spec: string, extra: Partial<ListItem> = {}): ListItem => ({
  id,
  version: 1,
  status: FormularyStatus.ACTIVE,
  nationalCode: null,
  productKey: 'XC08CAA123A001',
  substitutionKey: 'XC08CAA123A001',
  genericName: '苯磺酸氨氯地平片',
  dosageForm: '片剂',
  spec,
  tiers: ['COUNTY', 'TOWNSHIP', 'VILLAGE'],
  ...extra,
});

const AMLO5 = item('f-5', '5mg');
const AMLO5B = item('f-5b', '5mg');
const AMLO10 = item('f-10', '10mg');
const METF = item('f-met', '0.25g', {
  productKey: 'XA10BAE001A001',
  substitutionKey: 'XA10BAE001A001',
  genericName: '盐酸二甲双胍片',
  tiers: ['COUNTY'],
});
const list = new Map([AMLO5, AMLO5B, AMLO10, METF].map((i) => [i.id, i]));

const target = (t: Partial<PlanTarget>): PlanTarget => ({
  planItemId: 'p',
  dose: '5mg',
  resolution: 'FORMULARY_ITEM',
  item: AMLO5,
  productKey: null,
  plannedSpec: '5mg',
  ...t,
});

const stock = (
  catalogueItemId: string,
  formularyItemId: string,
  onHand: number | null,
  spec = '5mg',
): ReceiverItem => ({
  catalogueItemId,
  formularyItemId,
  genericName: '氨氯地平片',
  spec,
  maker: null,
  unit: '片',
  onHand,
});

const view = (items: ReceiverItem[], tier = 'VILLAGE'): ReceiverView => ({ tier, list, items });

describe('medication continuity', () => {
  it('is AVAILABLE when an item mapped to it has stock, choosing the one with most', () => {
    const d = decideContinuity(
      target({}),
      view([stock('c1', 'f-5', 3), stock('c2', 'f-5', 30), stock('c3', 'f-10', 99, '10mg')]),
    );
    expect(d).toMatchObject({
      outcome: ContinuityOutcome.AVAILABLE,
      catalogueItemId: 'c2',
      onHand: 30,
      note: null,
    });
  });

  it('offers the same strength of another maker before another strength', () => {
    const d = decideContinuity(
      target({}),
      view([stock('c1', 'f-5', 0), stock('c3', 'f-10', 99, '10mg'), stock('c4', 'f-5b', 2)]),
    );
    expect(d).toMatchObject({
      outcome: ContinuityOutcome.SUBSTITUTE,
      formularyItemId: 'f-5b',
      catalogueItemId: 'c4',
    });
    expect(d.note).toMatch(/同规格.*dose unchanged/);
  });

  it('says how to give the planned dose with another strength', () => {
    const d = decideContinuity(target({}), view([stock('c3', 'f-10', 99, '10mg')]));
    expect(d.outcome).toBe(ContinuityOutcome.SUBSTITUTE);
    expect(d.note).toContain('计划 5mg,本机构 10mg');
    expect(d.note).toContain('每次 0.5片');
  });

  it('is OUT_OF_STOCK when listed with none on hand, or with no stock recorded', () => {
    const zero = decideContinuity(target({}), view([stock('c1', 'f-5', 0)]));
    expect(zero).toMatchObject({ outcome: ContinuityOutcome.OUT_OF_STOCK, catalogueItemId: 'c1', onHand: 0 });
    expect(zero.note).toMatch(/库存为 0/);
    const unrecorded = decideContinuity(target({}), view([stock('c1', 'f-5', null)]));
    expect(unrecorded).toMatchObject({ outcome: ContinuityOutcome.OUT_OF_STOCK, onHand: null });
    expect(unrecorded.note).toMatch(/未登记库存/);
    const onlySub = decideContinuity(target({}), view([stock('c3', 'f-10', 0, '10mg')]));
    expect(onlySub).toMatchObject({ outcome: ContinuityOutcome.OUT_OF_STOCK, formularyItemId: 'f-10' });
  });

  it('is NOT_LISTED when nothing maps to it or a substitute, naming a tier the list does not allow', () => {
    expect(decideContinuity(target({}), view([stock('x', 'f-met', 10)])).outcome).toBe(
      ContinuityOutcome.NOT_LISTED,
    );
    const metf = decideContinuity(target({ item: METF, plannedSpec: '0.25g' }), view([]));
    expect(metf.outcome).toBe(ContinuityOutcome.NOT_LISTED);
    expect(metf.note).toMatch(/村级/);
  });

  it('lets a national code off the list stand in by its product key', () => {
    const d = decideContinuity(
      target({ item: null, productKey: 'XC08CAA123A001', resolution: 'PRODUCT_KEY', plannedSpec: '5mg' }),
      view([stock('c3', 'f-10', 5, '10mg')]),
    );
    expect(d).toMatchObject({ outcome: ContinuityOutcome.SUBSTITUTE, formularyItemId: 'f-10' });
  });

  it('is UNKNOWN for free text that resolved to nothing, with the reason', () => {
    const d = decideContinuity(
      target({ item: null, resolution: 'UNRESOLVED', unresolvedNote: '最接近:X' }),
      view([stock('c1', 'f-5', 10)]),
    );
    expect(d).toMatchObject({ outcome: ContinuityOutcome.UNKNOWN, formularyItemId: null, note: '最接近:X' });
  });

  it('never offers a retired item as a substitute', () => {
    const retired = new Map(list);
    retired.set('f-10', { ...AMLO10, status: FormularyStatus.RETIRED });
    const d = decideContinuity(target({}), {
      tier: 'VILLAGE',
      list: retired,
      items: [stock('c3', 'f-10', 5, '10mg')],
    });
    expect(d.outcome).toBe(ContinuityOutcome.NOT_LISTED);
  });

  it('splits free text into a name and a strength', () => {
    expect(splitDrugText('苯磺酸氨氯地平片 5mg')).toEqual({ name: '苯磺酸氨氯地平片', spec: '5mg' });
    expect(splitDrugText('阿莫西林胶囊0.25g*24粒')).toEqual({ name: '阿莫西林胶囊', spec: '0.25g*24粒' });
    expect(splitDrugText('维生素B1片')).toEqual({ name: '维生素B1片', spec: null });
    expect(splitDrugText('0.9%氯化钠注射液 250ml')).toEqual({ name: '0.9%氯化钠注射液', spec: '250ml' });
    expect(splitDrugText('二甲双胍')).toEqual({ name: '二甲双胍', spec: null });
  });

  it('computes units per dose only within one unit', () => {
    expect(unitsPerDose('0.5g', '0.25g')).toBe('2');
    expect(unitsPerDose('5mg', '10mg')).toBe('0.5');
    expect(unitsPerDose('1片', '10mg')).toBeNull();
    expect(unitsPerDose('40万U', '0.25g')).toBeNull();
  });
});
