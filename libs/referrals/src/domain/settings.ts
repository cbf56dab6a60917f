import { Urgency } from './referral.enums';

/** Referral timings of one consortium; stored in consortium.settings.referrals, defaults below. */
export interface ReferralSettings {
  /** Seconds the receiving side has to answer, by urgency. */
  responseSeconds: Record<Urgency, number>;
  /** How long before an accepted appointment the patient's side is reminded. */
  reminderBeforeSeconds: number;
  /** How long after the appointment a referral with no arrival becomes NO_SHOW. */
  noShowGraceSeconds: number;
}

export const DEFAULT_REFERRAL_SETTINGS: ReferralSettings = {
  responseSeconds: { EMERGENCY: 15 * 60, URGENT: 2 * 3600, ROUTINE: 24 * 3600 },
  reminderBeforeSeconds: 24 * 3600,
  noShowGraceSeconds: 4 * 3600,
};

/** Reads the stored settings leniently: anything missing or malformed falls back to the default. */
export function referralSettings(settings: Record<string, unknown> | null | undefined): ReferralSettings {
  const raw = (settings?.referrals ?? {}) as Partial<ReferralSettings>;
  const pos = (v: unknown, d: number) => (typeof v === 'number' && v > 0 ? v : d);
  const d = DEFAULT_REFERRAL_SETTINGS;
  return {
    responseSeconds: {
      EMERGENCY: pos(raw.responseSeconds?.EMERGENCY, d.responseSeconds.EMERGENCY),
      URGENT: pos(raw.responseSeconds?.URGENT, d.responseSeconds.URGENT),
      ROUTINE: pos(raw.responseSeconds?.ROUTINE, d.responseSeconds.ROUTINE),
    },
    reminderBeforeSeconds: pos(raw.reminderBeforeSeconds, d.reminderBeforeSeconds),
    noShowGraceSeconds: pos(raw.noShowGraceSeconds, d.noShowGraceSeconds),
  };
}
