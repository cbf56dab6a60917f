import { useState } from 'react';
import { gql } from '../api/client';
import {
  UpdateReferralSettings,
  type ReferralSettingsInput,
  type ReferralSettingsResult,
} from '../api/generated';
import { T } from '../i18n';
import { SideForm, useSubmit } from './side-form';

type Settings = ReferralSettingsResult['referralSettings'];

/** Each timing of the api's settings: where it is read, the input field it is sent as, its label. */
const TIMINGS: {
  key: string;
  read: (s: Settings) => number;
  field: keyof ReferralSettingsInput;
  zh: string;
  en: string;
}[] = [
  { key: 'EMERGENCY', read: (s) => s.responseSeconds.EMERGENCY, field: 'emergencySeconds', zh: '急诊应答', en: 'Emergency: answer within' },
  { key: 'URGENT', read: (s) => s.responseSeconds.URGENT, field: 'urgentSeconds', zh: '加急应答', en: 'Urgent: answer within' },
  { key: 'ROUTINE', read: (s) => s.responseSeconds.ROUTINE, field: 'routineSeconds', zh: '普通应答', en: 'Routine: answer within' },
  { key: 'reminderBefore', read: (s) => s.reminderBeforeSeconds, field: 'reminderBeforeSeconds', zh: '预约前提醒', en: 'Reminder before the appointment' },
  { key: 'noShowGrace', read: (s) => s.noShowGraceSeconds, field: 'noShowGraceSeconds', zh: '预约后判未到诊', en: 'No-show after the appointment' },
];

const MINUTE = 60;
const HOUR = 3600;

/** A duration as the settings are read: whole hours in hours, whole minutes in minutes, else seconds. */
export function duration(seconds: number): [string, string] {
  if (seconds % HOUR === 0) return [`${seconds / HOUR} 小时`, `${seconds / HOUR} h`];
  if (seconds % MINUTE === 0) return [`${seconds / MINUTE} 分钟`, `${seconds / MINUTE} min`];
  return [`${seconds} 秒`, `${seconds} s`];
}

/**
 * The consortium's referral timings, read-only, for everyone in the referrals view (any signed-in
 * user may read them); a consortium admin is offered the change.
 */
export function ReferralTimings({
  settings,
  onEdit,
  editing,
}: {
  settings: Settings;
  /** Given for a consortium admin only: opens the change. */
  onEdit?: () => void;
  editing: boolean;
}) {
  return (
    <p className="note" data-testid="referral-timings">
      <T zh="转诊时限" en="Referral timings" />:{' '}
      {TIMINGS.map((t, i) => {
        const s = t.read(settings);
        const [zh, en] = duration(s);
        return (
          <span key={t.key} data-timing={t.key} data-seconds={s}>
            {i ? ' · ' : ''}
            <T zh={t.zh} en={t.en} /> <T zh={zh} en={en} />
          </span>
        );
      })}{' '}
      {onEdit ? (
        <button type="button" data-action="edit-referral-settings" aria-pressed={editing} onClick={onEdit}>
          <T zh="修改时限" en="Change timings" />
        </button>
      ) : null}
    </p>
  );
}

/** A field as typed: the number and its unit (seconds per unit). */
interface Typed {
  value: string;
  unit: number;
}

function typed(seconds: number): Typed {
  const unit = seconds % HOUR === 0 ? HOUR : MINUTE;
  return { value: String(seconds / unit), unit };
}

/** Whole seconds, or null for what is not a number (the api judges the range, not this form). */
function secondsOf(t: Typed): number | null {
  if (t.value.trim() === '') return null;
  const n = Number(t.value);
  return Number.isFinite(n) ? Math.round(n * t.unit) : null;
}

/**
 * A consortium admin's change of the referral timings. Only what differs from the current
 * settings is sent (the api changes only the values given), and the api's limits decide: a
 * refusal is shown with the form as typed, and nothing is changed.
 */
export function ReferralSettingsForm({
  current,
  onClose,
  onSaved,
}: {
  current: Settings;
  onClose: () => void;
  onSaved: () => Promise<unknown> | void;
}) {
  const [fields, setFields] = useState<Record<string, Typed>>(() =>
    Object.fromEntries(TIMINGS.map((t) => [t.key, typed(t.read(current))])),
  );
  const { busy, error, submit } = useSubmit();
  const seconds = TIMINGS.map((t) => [t, secondsOf(fields[t.key])] as const);
  const input: ReferralSettingsInput = Object.fromEntries(
    seconds.filter(([t, s]) => s !== null && s !== t.read(current)).map(([t, s]) => [t.field, s]),
  );
  const ready = seconds.every(([, s]) => s !== null) && Object.keys(input).length > 0;
  const save = () =>
    submit(async () => {
      await gql(UpdateReferralSettings, { input });
      await onSaved();
    });
  const set = (key: string, next: Partial<Typed>) => setFields({ ...fields, [key]: { ...fields[key], ...next } });
  return (
    <SideForm
      name="referral-settings"
      title={<T zh="转诊时限设置" en="Referral timings" />}
      error={error}
      onClose={onClose}
      actions={
        <button className="primary" data-action="save-referral-settings" disabled={busy || !ready} onClick={() => void save()}>
          <T zh="保存" en="Save" />
        </button>
      }
    >
      {TIMINGS.map((t) => (
        <div key={t.key} style={{ display: 'contents' }} data-timing={t.key}>
          <dt>
            <label htmlFor={`rs-${t.key}`}>
              <T zh={t.zh} en={t.en} />
            </label>
          </dt>
          <dd className="actions">
            <input
              id={`rs-${t.key}`}
              type="number"
              step="any"
              style={{ width: '7em' }}
              value={fields[t.key].value}
              onChange={(e) => set(t.key, { value: e.target.value })}
            />
            <select
              aria-label={`${t.zh}单位 Unit`}
              value={fields[t.key].unit}
              onChange={(e) => set(t.key, { unit: Number(e.target.value) })}
            >
              <option value={MINUTE}>分钟 min</option>
              <option value={HOUR}>小时 h</option>
            </select>
          </dd>
        </div>
      ))}
      <dd className="note" style={{ gridColumn: '1 / -1' }}>
        <T
          zh="每项 1 分钟至 30 天;只影响此后的转诊,已定的时限和提醒不变"
          en="Each from 1 minute to 30 days; from now on: deadlines and reminders already set stay"
        />
      </dd>
    </SideForm>
  );
}
