import { useState } from 'react';
import { gql } from '../api/client';
import {
  CompleteKeyMatter,
  KeyTaskProgress,
  KeyTasks,
  ReportTaskProgress,
  type KeyTasksResult,
} from '../api/generated';
import { ErrorNote, formatTime, T } from '../i18n';
import { figure } from '../months';
import { useMembers } from '../scope';
import { useAction, useQuery } from '../use-query';
import { NamedSelect, useRunning } from './side-form';
import { KeyTaskForm, NewKeyMatter } from './key-task-forms';

type Task = KeyTasksResult['keyTasks'][number];
type Act = (fn: () => Promise<unknown>) => Promise<void>;
type Latest = { month: string; value: number; evidence: string; createdAt: string };

/** A reported task's figure for the month on screen, with what backs it; a later report replaces an earlier one. */
function ReportCell({ task, month, institutionId, act }: { task: Task; month: string; institutionId: string; act: Act }) {
  const [value, setValue] = useState('');
  const [evidence, setEvidence] = useState('');
  const { busy, run } = useRunning(act);
  const n = Number(value);
  const ready = value.trim() !== '' && Number.isFinite(n) && evidence.trim().length > 0;
  return (
    <span className="actions">
      <input
        type="number"
        step="any"
        name="value"
        aria-label={`${month} 完成值 Value`}
        placeholder={`${month} 完成值 Value`}
        style={{ width: '7em' }}
        value={value}
        onChange={(e) => setValue(e.target.value)}
      />
      <input
        name="evidence"
        aria-label="佐证说明 Evidence"
        placeholder="佐证说明 Evidence"
        value={evidence}
        onChange={(e) => setEvidence(e.target.value)}
      />
      <button
        data-action="report"
        disabled={busy || !ready}
        onClick={() =>
          run(async () => {
            await gql(ReportTaskProgress, {
              input: { taskId: task.id, institutionId, month, value: n, evidence: evidence.trim() },
            });
            setValue('');
            setEvidence('');
          })
        }
      >
        <T zh="填报" en="Report" />
      </button>
    </span>
  );
}

/**
 * 重点任务台账: the year's key tasks with their three levels (考核 / 努力 / 挑战) and points, and the
 * key matters under each with their due dates. A unit reports its progress on the tasks it reports
 * itself (an institution admin for their own, a consortium admin for any), for the month on
 * screen, with what backs the figure; a key matter is marked done by its responsible unit.
 */
export function KeyTaskLedger({
  month,
  admin,
  wide,
  own,
}: {
  month: string;
  admin: boolean;
  /** The consortium's readers (admins, auditors) choose the unit whose reports they read. */
  wide: boolean;
  /** The signed-in institution admin's institution; null for the consortium's roles. */
  own: string | null;
}) {
  const year = Number(month.slice(0, 4));
  const tasks = useQuery(KeyTasks, { year });
  // The members assessed (partner hospitals are not).
  const { members, error: membersError } = useMembers(wide);
  const [chosen, setChosen] = useState('');
  // The task whose change the ledger's form holds; none: the form adds one.
  const [editing, setEditing] = useState<string | null>(null);
  const unit = own ?? chosen;
  const progress = useQuery(KeyTaskProgress, { year, institutionId: unit }, !unit);
  const reload = async () => {
    await Promise.all([tasks.reload(), unit ? progress.reload() : null]);
  };
  const { error, act } = useAction(reload);
  // Only the chosen unit's: a previous choice's answer may still be the one held.
  const latest = new Map<string, Latest>(
    (unit ? (progress.data?.keyTaskProgress ?? []) : []).filter((p) => p.institutionId === unit).map((p) => [p.taskId, p]),
  );
  const reports = admin || !!own;
  const list = tasks.data?.keyTasks ?? [];
  const edited = list.find((t) => t.id === editing);
  return (
    <section className="panel" data-testid="key-tasks" data-year={year}>
      <h2>
        <T zh={`${year} 年重点任务台账`} en={`Key tasks of ${year}`} /> <span className="en">{list.length}</span>
      </h2>
      {wide ? (
        <label>
          <T zh="单位" en="Unit" />{' '}
          <NamedSelect name="unit" value={chosen} onValue={setChosen} none="— 选择单位 Choose a unit" options={members} />
        </label>
      ) : null}
      <ErrorNote error={tasks.error ?? progress.error ?? error ?? membersError} />
      {admin && edited ? (
        <KeyTaskForm
          key={edited.id}
          year={year}
          task={edited}
          members={members}
          onStale={() => void tasks.reload()}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void tasks.reload();
          }}
        />
      ) : admin ? (
        <KeyTaskForm year={year} members={members} onSaved={() => void tasks.reload()} />
      ) : null}
      <table>
        <thead>
          <tr>
            <th>
              <T zh="任务" en="Task" />
            </th>
            <th>
              <T zh="考核 / 努力 / 挑战" en="Required / effort / challenge" />
            </th>
            <th>
              <T zh="分值" en="Points" />
            </th>
            <th>
              <T zh="完成情况" en="Progress" />
            </th>
          </tr>
        </thead>
        <tbody>
          {list.map((t) => {
            const l = latest.get(t.id);
            const assessed = !t.institutionIds.length || (!!unit && t.institutionIds.includes(unit));
            return (
              <tr key={t.id} data-task={t.code} data-kind={t.kind} data-version={t.version}>
                <td>
                  <span className="en">{t.code}</span> <span data-testid="task-title">{t.title}</span>{' '}
                  {admin && editing !== t.id ? (
                    <button className="link" data-action="edit-key-task" onClick={() => setEditing(t.id)}>
                      <T zh="修改" en="Edit" />
                    </button>
                  ) : null}
                  {t.description ? <div className="note">{t.description}</div> : null}
                  <div className="en">
                    {t.kind === 'INDICATOR' ? (
                      <T zh={`绑定指标 ${t.indicatorCode ?? ''},由数据计算`} en={`Bound to ${t.indicatorCode ?? ''}, computed`} />
                    ) : (
                      <T zh="单位填报" en="Reported by the unit" />
                    )}{' '}
                    ·{' '}
                    {t.institutionIds.length ? (
                      <T zh={`${t.institutionIds.length} 个单位`} en={`${t.institutionIds.length} units`} />
                    ) : (
                      <T zh="全部成员单位" en="Every member" />
                    )}
                  </div>
                  {t.matters.length ? (
                    <ul data-testid="matters">
                      {t.matters.map((m) => (
                        <li key={m.id} data-matter={m.id} data-done={String(!!m.doneAt)}>
                          Q{m.quarter} {m.title} · <T zh="到期" en="due" /> {formatTime(m.dueAt)}
                          {m.department ? ` · ${m.department}` : ''}{' '}
                          {m.doneAt ? (
                            <span className="badge ok">
                              <T zh="已办结" en="Done" />
                            </span>
                          ) : m.overdueAt ? (
                            <span className="badge bad">
                              <T zh="已逾期" en="Overdue" />
                            </span>
                          ) : null}
                          {!m.doneAt && (admin || (!!own && m.responsibleInstitutionId === own)) ? (
                            <button data-action="complete-matter" onClick={() => void act(() => gql(CompleteKeyMatter, { id: m.id }))}>
                              <T zh="办结" en="Done" />
                            </button>
                          ) : null}
                        </li>
                      ))}
                    </ul>
                  ) : null}
                  {admin ? (
                    <details data-testid="add-matter">
                      <summary>
                        <T zh="添加关键事项" en="Add a key matter" />
                      </summary>
                      <NewKeyMatter taskId={t.id} year={year} members={members} onCreated={() => void tasks.reload()} />
                    </details>
                  ) : null}
                </td>
                <td data-testid="levels">
                  {figure(t.requiredLevel)} / {figure(t.effortLevel)} / {figure(t.challengeLevel)}{' '}
                  <span className="en">{t.direction === 'LOWER_BETTER' ? '越低越好 lower is better' : ''}</span>
                </td>
                <td data-testid="points">{figure(t.points)}</td>
                <td data-testid="progress">
                  {l ? (
                    <div data-latest={`${l.month}:${l.value}`}>
                      {l.month}: {figure(l.value)} · {l.evidence}
                    </div>
                  ) : unit && t.kind === 'REPORTED' && assessed ? (
                    <div className="en">
                      <T zh="本年尚未填报" en="Nothing reported this year" />
                    </div>
                  ) : null}
                  {reports && unit && t.kind === 'REPORTED' && assessed ? (
                    <ReportCell key={`${unit}:${month}`} task={t} month={month} institutionId={unit} act={act} />
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {tasks.data && !list.length ? (
        <p className="note">
          <T zh="本年度尚无重点任务" en="No key task for this year yet" />
        </p>
      ) : null}
    </section>
  );
}
