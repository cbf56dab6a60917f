import { useEffect, useRef, useState } from 'react';
import { gql, rereadOnConflict } from '../api/client';
import {
  CreateKeyMatter,
  CreateKeyTask,
  UpdateKeyTask,
  type IndicatorDirection,
  type KeyTaskKind,
  type KeyTasksResult,
} from '../api/generated';
import { ErrorNote, T } from '../i18n';
import type { Institution } from '../scope';
import { CheckboxSet, NamedSelect, useSubmit } from './side-form';

const num = (v: string) => (v.trim() === '' ? NaN : Number(v));

type Task = KeyTasksResult['keyTasks'][number];

/**
 * 新建重点任务 for a consortium admin: a task of the year, reported by the units or bound to an
 * indicator, with its three levels (考核 < 努力 < 挑战, or falling for a lower-is-better one) and
 * its points; every member is assessed on it unless some units are chosen. The api checks the
 * levels, the indicator and the units.
 *
 * Given a task, the same form changes it (修改重点任务): its title, description, levels, points and units,
 * prefilled as read; code, kind and direction stay. It sends the version it opened with, so a change
 * made meanwhile is refused rather than overwritten: the ledger then shows the task as it is now and
 * the form keeps what was typed until it is closed and opened again.
 */
export function KeyTaskForm({
  year,
  task: current,
  members,
  onSaved,
  onStale,
  onClose,
}: {
  year: number;
  task?: Task;
  /** The members a task may be limited to. */
  members: Institution[];
  onSaved: () => void;
  onStale?: () => void;
  onClose?: () => void;
}) {
  const [task] = useState(current);
  const [code, setCode] = useState(task?.code ?? '');
  const [title, setTitle] = useState(task?.title ?? '');
  const [description, setDescription] = useState(task?.description ?? '');
  const [kind, setKind] = useState<KeyTaskKind>(task?.kind ?? 'REPORTED');
  const [indicatorCode, setIndicatorCode] = useState(task?.indicatorCode ?? '');
  const [direction, setDirection] = useState<IndicatorDirection>(task?.direction ?? 'HIGHER_BETTER');
  const [levels, setLevels] = useState(
    task
      ? { required: String(task.requiredLevel), effort: String(task.effortLevel), challenge: String(task.challengeLevel) }
      : { required: '', effort: '', challenge: '' },
  );
  const [points, setPoints] = useState(task ? String(task.points) : '');
  // None chosen: every member is assessed on it.
  const [units, setUnits] = useState<string[]>(task?.institutionIds ?? []);
  const unitLabels = Object.fromEntries(members.map((m) => [m.id, [m.name, m.name] as [string, string]]));
  const { busy, error, submit } = useSubmit();
  const frame = useRef<HTMLDivElement>(null);
  // Opened from a row further down the ledger: bring the form into sight.
  useEffect(() => {
    if (task) frame.current?.scrollIntoView({ block: 'nearest' });
  }, [task]);
  const values = [num(levels.required), num(levels.effort), num(levels.challenge), num(points)];
  const ready =
    code.trim().length > 0 && title.trim().length > 0 && values.every(Number.isFinite) && (kind === 'REPORTED' || !!indicatorCode.trim());
  const save = () =>
    submit(async () => {
      const common = {
        title: title.trim(),
        requiredLevel: values[0],
        effortLevel: values[1],
        challengeLevel: values[2],
        points: values[3],
        institutionIds: units,
      };
      if (task) {
        await gql(UpdateKeyTask, {
          // An emptied description is sent as null, which clears it.
          input: { id: task.id, version: task.version, ...common, description: description.trim() || null },
        }).catch(rereadOnConflict(() => onStale?.()));
        onSaved();
        return;
      }
      await gql(CreateKeyTask, {
        input: {
          year,
          code: code.trim(),
          kind,
          indicatorCode: kind === 'INDICATOR' ? indicatorCode.trim() : null,
          direction: kind === 'REPORTED' ? direction : null,
          description: description.trim() || null,
          ...common,
        },
      });
      setCode('');
      setTitle('');
      setDescription('');
      setLevels({ required: '', effort: '', challenge: '' });
      setPoints('');
      setUnits([]);
      onSaved();
    });
  // Labelled beside the box too: a prefilled figure hides its placeholder.
  const level = (key: keyof typeof levels, zh: string, en: string) => (
    <label>
      <T zh={zh} en={en} />{' '}
      <input
        type="number"
        step="any"
        name={`level-${key}`}
        aria-label={`${zh} ${en}`}
        placeholder={`${zh} ${en}`}
        style={{ width: '7em' }}
        value={levels[key]}
        onChange={(e) => setLevels({ ...levels, [key]: e.target.value })}
      />
    </label>
  );
  return (
    <div ref={frame} data-testid={task ? 'edit-key-task' : 'new-key-task'} data-version={task?.version}>
      <h3>
        {task ? (
          <>
            <T zh="修改重点任务" en="Change the key task" /> <span className="en">{task.code} v{task.version}</span>
          </>
        ) : (
          <T zh={`新建 ${year} 年重点任务`} en={`New key task for ${year}`} />
        )}
      </h3>
      <div className="actions">
        {task ? (
          // What a task is (its code, kind, indicator, direction) stays; the api changes the rest.
          <span className="en">
            {task.code} · {task.kind === 'INDICATOR' ? `绑定指标 Indicator ${task.indicatorCode ?? ''}` : '单位填报 Reported'} ·{' '}
            {task.direction === 'LOWER_BETTER' ? '越低越好 Lower is better' : '越高越好 Higher is better'}
          </span>
        ) : (
          <input name="taskCode" aria-label="代码 Code" placeholder="代码 Code" size={10} value={code} onChange={(e) => setCode(e.target.value)} />
        )}
        <input name="taskTitle" aria-label="任务 Title" placeholder="任务 Title" size={24} value={title} onChange={(e) => setTitle(e.target.value)} />
        {task ? null : (
          <>
            <select name="taskKind" aria-label="类型 Kind" value={kind} onChange={(e) => setKind(e.target.value as KeyTaskKind)}>
              <option value="REPORTED">单位填报 Reported</option>
              <option value="INDICATOR">绑定指标 Indicator</option>
            </select>
            {kind === 'INDICATOR' ? (
              <input name="indicatorCode" aria-label="指标代码 Indicator code" placeholder="指标代码 Indicator code" size={10} value={indicatorCode} onChange={(e) => setIndicatorCode(e.target.value)} />
            ) : (
              <select name="direction" aria-label="方向 Direction" value={direction} onChange={(e) => setDirection(e.target.value as IndicatorDirection)}>
                <option value="HIGHER_BETTER">越高越好 Higher is better</option>
                <option value="LOWER_BETTER">越低越好 Lower is better</option>
              </select>
            )}
          </>
        )}
        {level('required', '考核', 'Required')}
        {level('effort', '努力', 'Effort')}
        {level('challenge', '挑战', 'Challenge')}
        <label>
          <T zh="分值" en="Points" />{' '}
          <input type="number" step="any" name="points" aria-label="分值 Points" placeholder="分值 Points" style={{ width: '6em' }} value={points} onChange={(e) => setPoints(e.target.value)} />
        </label>
        <input name="taskDescription" aria-label="说明 Description" placeholder="说明 Description" size={30} value={description} onChange={(e) => setDescription(e.target.value)} />
        <button className={task ? 'primary' : undefined} data-action={task ? 'save-key-task' : 'create-key-task'} disabled={busy || !ready} onClick={() => void save()}>
          {task ? <T zh="保存" en="Save" /> : <T zh="新建" en="Create" />}
        </button>
        {onClose ? (
          <button data-action="cancel-key-task" onClick={onClose}>
            <T zh="取消" en="Cancel" />
          </button>
        ) : null}
      </div>
      <details data-testid="task-units">
        <summary>
          <T zh="评估单位" en="Units assessed" />:{' '}
          {units.length ? (
            <T zh={`${units.length} 个单位`} en={`${units.length} units`} />
          ) : (
            <T zh="全部成员" en="Every member" />
          )}
        </summary>
        <CheckboxSet options={members.map((m) => m.id)} labels={unitLabels} chosen={units} onChange={setUnits} attr="unit" />
      </details>
      {task ? (
        <p className="note">
          <T
            zh="已发布月份的得分不变;评分中的月份在重算完成度时按新目标计算。"
            en="Published months keep their scores; an open month takes the new levels when its completion is recomputed."
          />
        </p>
      ) : null}
      <ErrorNote error={error} />
    </div>
  );
}

/** 添加关键事项 under a task: its quarter, due date and who answers for it (a unit, or a department). */
export function NewKeyMatter({
  taskId,
  year,
  members,
  onCreated,
}: {
  taskId: string;
  year: number;
  members: Institution[];
  onCreated: () => void;
}) {
  const [title, setTitle] = useState('');
  const [quarter, setQuarter] = useState(1);
  const [due, setDue] = useState(`${year}-03-31`);
  const [unit, setUnit] = useState('');
  const [department, setDepartment] = useState('');
  const { busy, error, submit } = useSubmit();
  const ready = title.trim().length > 0 && !!due && (!!unit || department.trim().length > 0);
  const create = () =>
    submit(async () => {
      await gql(CreateKeyMatter, {
        input: {
          taskId,
          title: title.trim(),
          quarter,
          // Due at the end of the day in the consortium's zone.
          dueAt: new Date(`${due}T18:00:00+08:00`).toISOString(),
          responsibleInstitutionId: unit || null,
          department: unit ? null : department.trim(),
        },
      });
      setTitle('');
      onCreated();
    });
  return (
    <div data-testid="new-key-matter" className="actions">
      <input name="matterTitle" aria-label="关键事项 Key matter" placeholder="关键事项 Key matter" value={title} onChange={(e) => setTitle(e.target.value)} />
      <select name="quarter" aria-label="季度 Quarter" value={quarter} onChange={(e) => setQuarter(Number(e.target.value))}>
        {[1, 2, 3, 4].map((q) => (
          <option key={q} value={q}>
            Q{q}
          </option>
        ))}
      </select>
      <input type="date" name="due" aria-label="到期 Due" value={due} onChange={(e) => setDue(e.target.value)} />
      <NamedSelect
        name="responsible"
        aria-label="责任单位 Responsible unit"
        value={unit}
        onValue={setUnit}
        none="— 责任科室 A department"
        options={members}
      />
      {unit ? null : (
        <input name="department" aria-label="责任科室 Department" placeholder="责任科室 Department" value={department} onChange={(e) => setDepartment(e.target.value)} />
      )}
      <button data-action="create-key-matter" disabled={busy || !ready} onClick={() => void create()}>
        <T zh="添加事项" en="Add" />
      </button>
      <ErrorNote error={error} />
    </div>
  );
}
