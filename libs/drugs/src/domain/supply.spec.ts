import { SupplyRequestState as S } from './drug.enums';
import { canSupplyTransition, DEFAULT_SUPPLY_SETTINGS, supplySettings } from './supply';

describe('supply request state machine', () => {
  it.each([
    ['approve', S.REQUESTED, true],
    ['reject', S.REQUESTED, true],
    ['dispatch', S.APPROVED, true],
    ['receive', S.DISPATCHED, true],
    ['approve', S.APPROVED, false],
    ['reject', S.APPROVED, false],
    ['dispatch', S.REQUESTED, false],
    ['receive', S.APPROVED, false],
    ['receive', S.RECEIVED, false],
    ['approve', S.REJECTED, false],
  ] as const)('%s from %s: %s', (action, from, ok) => {
    expect(canSupplyTransition(action, from)).toBe(ok);
  });

  it('reads settings leniently', () => {
    expect(supplySettings(undefined)).toEqual(DEFAULT_SUPPLY_SETTINGS);
    expect(
      supplySettings({ supply: { decideSeconds: { URGENT: 60, ROUTINE: 'x' }, reminderBeforeSeconds: -1 } }),
    ).toEqual({
      ...DEFAULT_SUPPLY_SETTINGS,
      decideSeconds: { URGENT: 60, ROUTINE: DEFAULT_SUPPLY_SETTINGS.decideSeconds.ROUTINE },
    });
  });
});
