/**
 * Supply requests (基层缺药登记): a member asks the central pharmacy (中心药房, at the lead
 * hospital) for an item it lacks. REQUESTED → APPROVED → DISPATCHED → RECEIVED, or
 * REQUESTED → REJECTED with a reason. Deadlines per urgency, from consortium settings.
 */
import { registerEnumType } from '@nestjs/graphql';
import { SupplyRequestState } from './drug.enums';

export type SupplyAction = 'approve' | 'reject' | 'dispatch' | 'receive';

export const SUPPLY_TRANSITIONS: Record<SupplyAction, { from: SupplyRequestState; to: SupplyRequestState }> =
  {
    approve: { from: SupplyRequestState.REQUESTED, to: SupplyRequestState.APPROVED },
    reject: { from: SupplyRequestState.REQUESTED, to: SupplyRequestState.REJECTED },
    dispatch: { from: SupplyRequestState.APPROVED, to: SupplyRequestState.DISPATCHED },
    receive: { from: SupplyRequestState.DISPATCHED, to: SupplyRequestState.RECEIVED },
  };

export function canSupplyTransition(action: SupplyAction, state: SupplyRequestState): boolean {
  return SUPPLY_TRANSITIONS[action].from === state;
}

export enum SupplyUrgency {
  URGENT = 'URGENT',
  ROUTINE = 'ROUTINE',
}

registerEnumType(SupplyUrgency, {
  name: 'SupplyUrgency',
  valuesMap: {
    URGENT: { description: '紧急(如患者即将下转) Urgent, e.g. a patient on the way' },
    ROUTINE: { description: '常规 Routine' },
  },
});

/** Supply timings of one consortium; stored in consortium.settings.supply, defaults below. */
export interface SupplySettings {
  /** Seconds the central pharmacy has to approve or reject, by urgency. */
  decideSeconds: Record<SupplyUrgency, number>;
  /** Seconds from approval to receipt, by urgency (a `neededBy` date replaces it). */
  deliverSeconds: Record<SupplyUrgency, number>;
  /** How long before the approval deadline the pharmacists are reminded. */
  reminderBeforeSeconds: number;
}

export const DEFAULT_SUPPLY_SETTINGS: SupplySettings = {
  decideSeconds: { URGENT: 4 * 3600, ROUTINE: 24 * 3600 },
  deliverSeconds: { URGENT: 24 * 3600, ROUTINE: 72 * 3600 },
  reminderBeforeSeconds: 3600,
};

/** Reads the stored settings leniently: anything missing or malformed falls back to the default. */
export function supplySettings(settings: Record<string, unknown> | null | undefined): SupplySettings {
  const raw = (settings?.supply ?? {}) as Partial<SupplySettings>;
  const pos = (v: unknown, d: number) => (typeof v === 'number' && v > 0 ? v : d);
  const d = DEFAULT_SUPPLY_SETTINGS;
  return {
    decideSeconds: {
      URGENT: pos(raw.decideSeconds?.URGENT, d.decideSeconds.URGENT),
      ROUTINE: pos(raw.decideSeconds?.ROUTINE, d.decideSeconds.ROUTINE),
    },
    deliverSeconds: {
      URGENT: pos(raw.deliverSeconds?.URGENT, d.deliverSeconds.URGENT),
      ROUTINE: pos(raw.deliverSeconds?.ROUTINE, d.deliverSeconds.ROUTINE),
    },
    reminderBeforeSeconds: pos(raw.reminderBeforeSeconds, d.reminderBeforeSeconds),
  };
}
