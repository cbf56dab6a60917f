import { gql } from '../api/client';
import { UpdateReferralSettings, type ReferralSettingsResult } from '../api/generated';
import { T } from '../i18n';
import { TimingsForm, TimingsLine, type Timing } from './timings';

type Settings = ReferralSettingsResult['referralSettings'];

const TIMINGS: Timing<Settings>[] = [
  { key: 'EMERGENCY', read: (s) => s.responseSeconds.EMERGENCY, field: 'emergencySeconds', zh: '急诊应答', en: 'Emergency: answer within' },
  { key: 'URGENT', read: (s) => s.responseSeconds.URGENT, field: 'urgentSeconds', zh: '加急应答', en: 'Urgent: answer within' },
  { key: 'ROUTINE', read: (s) => s.responseSeconds.ROUTINE, field: 'routineSeconds', zh: '普通应答', en: 'Routine: answer within' },
  { key: 'reminderBefore', read: (s) => s.reminderBeforeSeconds, field: 'reminderBeforeSeconds', zh: '预约前提醒', en: 'Reminder before the appointment' },
  { key: 'noShowGrace', read: (s) => s.noShowGraceSeconds, field: 'noShowGraceSeconds', zh: '预约后判未到诊', en: 'No-show after the appointment' },
];

/**
 * The consortium's referral timings, read-only, for everyone in the referrals view (any signed-in
 * user may read them); a consortium admin is offered the change.
 */
export function ReferralTimings(props: { settings: Settings; onEdit?: () => void; editing: boolean }) {
  return <TimingsLine name="referral" label={['转诊时限', 'Referral timings']} timings={TIMINGS} {...props} />;
}

/** A consortium admin's change of the referral timings. */
export function ReferralSettingsForm({
  current,
  onClose,
  onSaved,
  onStale,
}: {
  current: Settings;
  onClose: () => void;
  onSaved: () => Promise<unknown> | void;
  onStale: () => unknown;
}) {
  return (
    <TimingsForm
      name="referral"
      idPrefix="rs"
      title={<T zh="转诊时限设置" en="Referral timings" />}
      timings={TIMINGS}
      current={current}
      save={(input) => gql(UpdateReferralSettings, { input })}
      note={
        <T
          zh="每项 1 分钟至 30 天;只影响此后的转诊,已定的时限和提醒不变"
          en="Each from 1 minute to 30 days; from now on: deadlines and reminders already set stay"
        />
      }
      onClose={onClose}
      onSaved={onSaved}
      onStale={onStale}
    />
  );
}
