import { useState } from 'react';
import { gql } from '../api/client';
import {
  PublishAvailability,
  type AvailabilityExceptionKind,
  type ExpertAvailabilityResult,
  type SessionMode,
} from '../api/generated';
import { T } from '../i18n';
import { today } from '../months';
import { SideForm, useSubmit } from './side-form';

type Schedule = NonNullable<ExpertAvailabilityResult['expertAvailability']>;
interface Rule {
  weekday: number;
  start: string;
  end: string;
  sessionMinutes: string;
  mode: SessionMode;
  validFrom: string;
  validTo: string;
}
interface Exception {
  date: string;
  kind: AvailabilityExceptionKind;
  start: string;
  end: string;
  sessionMinutes: string;
  mode: SessionMode;
}

const WEEKDAYS = ['周一', '周二', '周三', '周四', '周五', '周六', '周日'];

function ModeSelect({ value, onChange }: { value: SessionMode; onChange: (m: SessionMode) => void }) {
  return (
    <select aria-label="方式 Mode" value={value} onChange={(e) => onChange(e.target.value as SessionMode)}>
      <option value="REMOTE">远程 Remote</option>
      <option value="ON_SITE">现场 On site</option>
    </select>
  );
}

/** A window's times and its session length: the same inputs for weekly hours and extra windows. */
function WindowCells({
  start,
  end,
  minutes,
  onChange,
}: {
  start: string;
  end: string;
  minutes: string;
  onChange: (patch: { start?: string; end?: string; sessionMinutes?: string }) => void;
}) {
  return (
    <>
      <td>
        <input type="time" aria-label="开始 Start" name="start" value={start} onChange={(e) => onChange({ start: e.target.value })} />–
        <input type="time" aria-label="结束 End" name="end" value={end} onChange={(e) => onChange({ end: e.target.value })} />
      </td>
      <td>
        <input
          type="number"
          aria-label="每节分钟 Minutes a session"
          name="sessionMinutes"
          min={5}
          style={{ width: '4.5em' }}
          value={minutes}
          onChange={(e) => onChange({ sessionMinutes: e.target.value })}
        />
        <span className="en"> 分钟 min</span>
      </td>
    </>
  );
}

/**
 * The expert's schedule as a whole: weekly hours (weekday, times, session length, mode, validity)
 * and the dated exceptions (停诊 days off, 加诊 extra windows), published together; publishing
 * replaces the schedule, and the free times offered for booking follow at once. The api checks
 * each row and who may publish (the expert, their institution's admin, a consortium admin).
 */
export function AvailabilityEditor({
  expertId,
  schedule,
  onPublished,
  onClose,
}: {
  expertId: string;
  schedule: Schedule;
  onPublished: () => void;
  onClose: () => void;
}) {
  const [rules, setRules] = useState<Rule[]>(() =>
    schedule.rules.map((r) => ({
      weekday: r.weekday,
      start: r.start,
      end: r.end,
      sessionMinutes: String(r.sessionMinutes),
      mode: r.mode,
      validFrom: r.validFrom,
      validTo: r.validTo ?? '',
    })),
  );
  const [exceptions, setExceptions] = useState<Exception[]>(() =>
    schedule.exceptions.map((e) => ({
      date: e.date,
      kind: e.kind as AvailabilityExceptionKind,
      start: e.start ?? '',
      end: e.end ?? '',
      sessionMinutes: e.sessionMinutes ? String(e.sessionMinutes) : '30',
      mode: e.mode ?? 'REMOTE',
    })),
  );
  const { busy, error, submit } = useSubmit();
  const setRule = (i: number, patch: Partial<Rule>) => setRules(rules.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const setException = (i: number, patch: Partial<Exception>) =>
    setExceptions(exceptions.map((e, j) => (j === i ? { ...e, ...patch } : e)));
  const publish = () =>
    submit(async () => {
      await gql(PublishAvailability, {
        input: {
          expertId,
          rules: rules.map((r) => ({
            weekday: r.weekday,
            start: r.start,
            end: r.end,
            sessionMinutes: Number(r.sessionMinutes),
            mode: r.mode,
            validFrom: r.validFrom,
            validTo: r.validTo || null,
          })),
          exceptions: exceptions.map((e) =>
            e.kind === 'DAY_OFF'
              ? { date: e.date, kind: e.kind }
              : { date: e.date, kind: e.kind, start: e.start, end: e.end, sessionMinutes: Number(e.sessionMinutes), mode: e.mode },
          ),
        },
      });
      onPublished();
    });
  return (
    <SideForm
      name="availability"
      title={<T zh="出诊安排" en="The schedule" />}
      error={error}
      onClose={onClose}
      actions={
        <button className="primary" data-action="publish-availability" disabled={busy} onClick={() => void publish()}>
          <T zh="发布" en="Publish" />
        </button>
      }
    >
      <dt>
        <T zh="每周出诊" en="Weekly hours" />
      </dt>
      <dd>
        <table data-testid="rules">
          <tbody>
            {rules.map((r, i) => (
              <tr key={i} data-rule={i}>
                <td>
                  <select aria-label="星期 Weekday" name="weekday" value={r.weekday} onChange={(e) => setRule(i, { weekday: Number(e.target.value) })}>
                    {WEEKDAYS.map((d, k) => (
                      <option key={d} value={k + 1}>
                        {d}
                      </option>
                    ))}
                  </select>
                </td>
                <WindowCells start={r.start} end={r.end} minutes={r.sessionMinutes} onChange={(patch) => setRule(i, patch)} />
                <td>
                  <ModeSelect value={r.mode} onChange={(mode) => setRule(i, { mode })} />
                </td>
                <td>
                  <input type="date" aria-label="生效 From" name="validFrom" value={r.validFrom} onChange={(e) => setRule(i, { validFrom: e.target.value })} />–
                  <input type="date" aria-label="截止 To" name="validTo" value={r.validTo} onChange={(e) => setRule(i, { validTo: e.target.value })} />
                </td>
                <td>
                  <button data-action="remove-rule" onClick={() => setRules(rules.filter((_, j) => j !== i))}>
                    <T zh="删除" en="Remove" />
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <button
          data-action="add-rule"
          onClick={() =>
            setRules([...rules, { weekday: 1, start: '08:30', end: '11:30', sessionMinutes: '30', mode: 'REMOTE', validFrom: today(), validTo: '' }])
          }
        >
          <T zh="添加出诊时段" en="Add hours" />
        </button>
      </dd>
      <dt>
        <T zh="停诊与加诊" en="Days off and extra windows" />
      </dt>
      <dd>
        <table data-testid="exceptions">
          <tbody>
            {exceptions.map((e, i) => (
              <tr key={i} data-exception={i}>
                <td>
                  <input type="date" aria-label="日期 Date" name="date" value={e.date} onChange={(ev) => setException(i, { date: ev.target.value })} />
                </td>
                <td>
                  <select aria-label="类型 Kind" name="kind" value={e.kind} onChange={(ev) => setException(i, { kind: ev.target.value as AvailabilityExceptionKind })}>
                    <option value="DAY_OFF">停诊 Day off</option>
                    <option value="EXTRA_WINDOW">加诊 Extra window</option>
                  </select>
                </td>
                {e.kind === 'EXTRA_WINDOW' ? (
                  <>
                    <WindowCells start={e.start} end={e.end} minutes={e.sessionMinutes} onChange={(patch) => setException(i, patch)} />
                    <td>
                      <ModeSelect value={e.mode} onChange={(mode) => setException(i, { mode })} />
                    </td>
                  </>
                ) : (
                  <td colSpan={3} />
                )}
                <td>
                  <button data-action="remove-exception" onClick={() => setExceptions(exceptions.filter((_, j) => j !== i))}>
                    <T zh="删除" en="Remove" />
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <button
          data-action="add-exception"
          onClick={() => setExceptions([...exceptions, { date: today(), kind: 'DAY_OFF', start: '14:00', end: '17:00', sessionMinutes: '30', mode: 'REMOTE' }])}
        >
          <T zh="添加停诊或加诊" en="Add a day off or extra window" />
        </button>
      </dd>
    </SideForm>
  );
}
