import { useState, type ReactNode } from 'react';
import { rereadOnConflict } from '../api/client';
import { T } from '../i18n';
import { SideForm, useSubmit } from './side-form';

/** One timing of a settings object: where it is read, the input field it is sent as, its label. */
export interface Timing<S> {
  key: string;
  read: (s: S) => number;
  field: string;
  zh: string;
  en: string;
}

const MINUTE = 60;
const HOUR = 3600;

/** A duration as the settings are read: whole hours in hours, whole minutes in minutes, else seconds. */
export function duration(seconds: number): [string, string] {
  if (seconds % HOUR === 0) return [`${seconds / HOUR} 小时`, `${seconds / HOUR} h`];
  if (seconds % MINUTE === 0) return [`${seconds / MINUTE} 分钟`, `${seconds / MINUTE} min`];
  return [`${seconds} 秒`, `${seconds} s`];
}

/**
 * A consortium's timings, read-only, on one line (`data-testid="<name>-timings"`); given `onEdit`
 * (a consortium admin), the change is offered beside them.
 */
export function TimingsLine<S>({
  name,
  label,
  timings,
  settings,
  onEdit,
  editing,
}: {
  name: string;
  label: [string, string];
  timings: Timing<S>[];
  settings: S;
  onEdit?: () => void;
  editing: boolean;
}) {
  return (
    <p className="note" data-testid={`${name}-timings`}>
      <T zh={label[0]} en={label[1]} />:{' '}
      {timings.map((t, i) => {
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
        <button type="button" data-action={`edit-${name}-settings`} aria-pressed={editing} onClick={onEdit}>
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
 * A consortium admin's change of timings (`data-testid="<name>-settings"`, inputs `#<idPrefix>-<key>`).
 * Only what differs from the settings read is sent (the api changes only the values given), with
 * the version read, and the api decides: a refusal is shown with the form as typed, and nothing is
 * changed. A change saved meanwhile is refused rather than overwritten: the timings line then
 * shows the settings as they are now, and the form keeps what was typed until it is closed and
 * opened again.
 */
export function TimingsForm<S extends { version: number }>({
  name,
  idPrefix,
  title,
  timings,
  current: opened,
  note,
  save,
  onClose,
  onSaved,
  onStale,
}: {
  name: string;
  idPrefix: string;
  title: ReactNode;
  timings: Timing<S>[];
  current: S;
  note: ReactNode;
  save: (input: Record<string, number> & { version: number }) => Promise<unknown>;
  onClose: () => void;
  onSaved: () => Promise<unknown> | void;
  onStale: () => unknown;
}) {
  const [current] = useState(opened);
  const [fields, setFields] = useState<Record<string, Typed>>(() =>
    Object.fromEntries(timings.map((t) => [t.key, typed(t.read(current))])),
  );
  const { busy, error, submit } = useSubmit();
  const seconds = timings.map((t) => [t, secondsOf(fields[t.key])] as const);
  const input: Record<string, number> = Object.fromEntries(
    seconds.flatMap(([t, s]) => (s !== null && s !== t.read(current) ? [[t.field, s]] : [])),
  );
  const ready = seconds.every(([, s]) => s !== null) && Object.keys(input).length > 0;
  const send = () =>
    submit(async () => {
      await save({ ...input, version: current.version }).catch(rereadOnConflict(onStale));
      await onSaved();
    });
  const set = (key: string, next: Partial<Typed>) => setFields({ ...fields, [key]: { ...fields[key], ...next } });
  return (
    <SideForm
      name={`${name}-settings`}
      attrs={{ 'data-version': String(current.version) }}
      title={title}
      error={error}
      onClose={onClose}
      actions={
        <button className="primary" data-action={`save-${name}-settings`} disabled={busy || !ready} onClick={() => void send()}>
          <T zh="保存" en="Save" />
        </button>
      }
    >
      {timings.map((t) => (
        <div key={t.key} style={{ display: 'contents' }} data-timing={t.key}>
          <dt>
            <label htmlFor={`${idPrefix}-${t.key}`}>
              <T zh={t.zh} en={t.en} />
            </label>
          </dt>
          <dd className="actions">
            <input
              id={`${idPrefix}-${t.key}`}
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
        {note}
      </dd>
    </SideForm>
  );
}
