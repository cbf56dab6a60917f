import { useEffect, useState } from 'react';
import { gql, rereadOnConflict } from '../api/client';
import {
  IndicatorDefinitions,
  UpdateIndicatorDefinition,
  type IndicatorDefinitionsResult,
  type IndicatorDirection,
  type IndicatorTargetSource,
} from '../api/generated';
import { T } from '../i18n';
import { figure } from '../months';
import { useQuery } from '../use-query';
import { SideForm, TextField, useSubmit } from './side-form';

export const TARGET_SOURCE: Record<string, string> = {
  NATIONAL: '国家',
  PROVINCIAL: '省级',
  CONSORTIUM: '本医共体',
};
const SOURCES: IndicatorTargetSource[] = ['NATIONAL', 'PROVINCIAL', 'CONSORTIUM'];
const DIRECTIONS: { code: IndicatorDirection; zh: string; en: string }[] = [
  { code: 'HIGHER_BETTER', zh: '越高越好', en: 'Higher is better' },
  { code: 'LOWER_BETTER', zh: '越低越好', en: 'Lower is better' },
  { code: 'NEUTRAL', zh: '观察量', en: 'A volume to watch' },
];

type Definition = IndicatorDefinitionsResult['indicatorDefinitions'][number];
interface Facts {
  version: number;
  workingDefinition: string;
  changeNote?: string | null;
  targets: { source: string; value: number; note?: string | null }[];
}

/** What a figure was computed with: the definition's version, its working definition and targets. */
export function DefinitionFacts({ d }: { d: Facts }) {
  return (
    <>
      <dt>
        <T zh="定义版本" en="Version" />
      </dt>
      <dd data-testid="definition-version">
        {d.version}
        {d.changeNote ? <span className="en"> · {d.changeNote}</span> : null}
      </dd>
      <dt>
        <T zh="工作定义" en="Working definition" />
      </dt>
      <dd data-testid="working-definition">{d.workingDefinition}</dd>
      <dt>
        <T zh="目标" en="Targets" />
      </dt>
      <dd data-testid="targets">
        {d.targets.length
          ? d.targets
              .map((t) => `${TARGET_SOURCE[t.source] ?? t.source} ${figure(t.value)}${t.note ? ` (${t.note})` : ''}`)
              .join(';')
          : '—'}
      </dd>
    </>
  );
}

/**
 * A consortium admin's edit of an indicator's names, unit, direction, working definition and
 * targets (the formula stays GraphQL's). It is saved as a new version, used from then on; a
 * published month keeps the version it was computed with, so the form starts from the current
 * version, not from the month shown. It is sent with the version read: a version saved by someone
 * else meanwhile is refused, and the form then shows that version with the refusal.
 */
export function EditDefinition({ code, onClose, onSaved }: { code: string; onClose: () => void; onSaved: () => void }) {
  const defs = useQuery(IndicatorDefinitions);
  const current = defs.data?.indicatorDefinitions.find((d) => d.code === code);
  return current ? (
    <DefinitionForm key={code} d={current} onClose={onClose} onSaved={onSaved} onStale={() => void defs.reload()} />
  ) : (
    <p className="note">
      <T zh="正在读取当前定义…" en="Reading the current definition…" />
    </p>
  );
}

const targetsOf = (d: Definition) =>
  Object.fromEntries(
    SOURCES.map((s) => {
      const t = d.targets.find((x) => x.source === s);
      return [s, { value: t ? String(t.value) : '', note: t?.note ?? '' }];
    }),
  );

function DefinitionForm({
  d,
  onClose,
  onSaved,
  onStale,
}: {
  d: Definition;
  onClose: () => void;
  onSaved: () => void;
  onStale: () => void;
}) {
  const [nameZh, setNameZh] = useState(d.nameZh);
  const [nameEn, setNameEn] = useState(d.nameEn);
  const [unit, setUnit] = useState(d.unit);
  const [direction, setDirection] = useState(d.direction);
  const [text, setText] = useState(d.workingDefinition);
  const [targets, setTargets] = useState(() => targetsOf(d));
  const [note, setNote] = useState('');
  const { busy, error, submit } = useSubmit();
  // Another version arrived (read again after a refusal): the fields show it, the note stays.
  useEffect(() => {
    setNameZh(d.nameZh);
    setNameEn(d.nameEn);
    setUnit(d.unit);
    setDirection(d.direction);
    setText(d.workingDefinition);
    setTargets(targetsOf(d));
  }, [d]);
  const given = SOURCES.filter((s) => targets[s].value.trim() !== '');
  const valid = given.every((s) => Number.isFinite(Number(targets[s].value)));
  const ready =
    valid && text.trim().length > 0 && nameZh.trim().length > 0 && nameEn.trim().length > 0 && note.trim().length >= 2;
  const save = () =>
    submit(async () => {
      // Names, unit and direction only when changed, so the trail names what changed.
      const changed = <K extends string, V>(key: K, value: V, was: V) => (value !== was ? { [key]: value } : {});
      await gql(UpdateIndicatorDefinition, {
        input: {
          code: d.code,
          version: d.version,
          ...changed('nameZh', nameZh.trim(), d.nameZh),
          ...changed('nameEn', nameEn.trim(), d.nameEn),
          ...changed('unit', unit.trim(), d.unit),
          ...changed('direction', direction, d.direction),
          workingDefinition: text.trim(),
          targets: given.map((s) => ({
            source: s,
            value: Number(targets[s].value),
            note: targets[s].note.trim() || null,
          })),
          changeNote: note.trim(),
        },
      }).catch(rereadOnConflict(onStale));
      onSaved();
    });
  const set = (s: string, field: 'value' | 'note', v: string) =>
    setTargets({ ...targets, [s]: { ...targets[s], [field]: v } });
  return (
    <SideForm
      name="edit-definition"
      title={
        <>
          <T zh="修改指标定义" en="Edit the definition" /> {d.code} ·{' '}
          <T zh={`当前第 ${d.version} 版`} en={`now version ${d.version}`} />
        </>
      }
      error={error}
      onClose={onClose}
      actions={
        <button className="primary" data-action="save-definition" disabled={busy || !ready} onClick={() => void save()}>
          <T zh="保存为新版本" en="Save as a new version" />
        </button>
      }
    >
      <TextField id="def-name-zh" zh="中文名称" en="Name (Chinese)" name="nameZh" value={nameZh} onValue={setNameZh} />
      <TextField id="def-name-en" zh="英文名称" en="Name (English)" name="nameEn" value={nameEn} onValue={setNameEn} />
      <TextField id="def-unit" zh="单位" en="Unit" name="unit" value={unit} onValue={setUnit} />
      <dt>
        <label htmlFor="def-direction">
          <T zh="方向" en="Direction" />
        </label>
      </dt>
      <dd>
        <select id="def-direction" name="direction" value={direction} onChange={(e) => setDirection(e.target.value as IndicatorDirection)}>
          {DIRECTIONS.map((x) => (
            <option key={x.code} value={x.code}>
              {x.zh} {x.en}
            </option>
          ))}
        </select>
      </dd>
      <dt>
        <label htmlFor="def-text">
          <T zh="工作定义" en="Working definition" />
        </label>
      </dt>
      <dd>
        <textarea id="def-text" rows={4} cols={60} value={text} onChange={(e) => setText(e.target.value)} />
      </dd>
      {SOURCES.map((s) => (
        <div key={s} style={{ display: 'contents' }} data-source={s}>
          <dt>
            <T zh={`${TARGET_SOURCE[s]}目标`} en={`${s.toLowerCase()} target`} />
          </dt>
          <dd className="actions">
            <input
              type="number"
              step="any"
              name={`target-${s}`}
              aria-label={`${TARGET_SOURCE[s]}目标 Target`}
              placeholder="无 None"
              style={{ width: '7em' }}
              value={targets[s].value}
              onChange={(e) => set(s, 'value', e.target.value)}
            />
            <input
              name={`target-note-${s}`}
              aria-label="出处 Note"
              placeholder="出处 Note"
              value={targets[s].note}
              onChange={(e) => set(s, 'note', e.target.value)}
            />
          </dd>
        </div>
      ))}
      <dt>
        <label htmlFor="def-note">
          <T zh="修改说明" en="Why" />
        </label>
      </dt>
      <dd>
        <input id="def-note" name="changeNote" size={40} value={note} onChange={(e) => setNote(e.target.value)} />
      </dd>
    </SideForm>
  );
}
