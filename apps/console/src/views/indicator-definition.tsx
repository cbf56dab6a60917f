import { useState } from 'react';
import { gql } from '../api/client';
import {
  IndicatorDefinitions,
  UpdateIndicatorDefinition,
  type IndicatorDefinitionsResult,
  type IndicatorTargetSource,
} from '../api/generated';
import { T } from '../i18n';
import { figure } from '../months';
import { useQuery } from '../use-query';
import { SideForm, useSubmit } from './side-form';

export const TARGET_SOURCE: Record<string, string> = {
  NATIONAL: '国家',
  PROVINCIAL: '省级',
  CONSORTIUM: '本医共体',
};
const SOURCES: IndicatorTargetSource[] = ['NATIONAL', 'PROVINCIAL', 'CONSORTIUM'];

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
 * A consortium admin's edit of an indicator's working definition and targets. It is saved as a
 * new version, used from then on; a published month keeps the version it was computed with, so
 * the form starts from the current version, not from the month shown.
 */
export function EditDefinition({ code, onClose, onSaved }: { code: string; onClose: () => void; onSaved: () => void }) {
  const defs = useQuery(IndicatorDefinitions);
  const current = defs.data?.indicatorDefinitions.find((d) => d.code === code);
  return current ? (
    <DefinitionForm key={`${code}@${current.version}`} d={current} onClose={onClose} onSaved={onSaved} />
  ) : (
    <p className="note">
      <T zh="正在读取当前定义…" en="Reading the current definition…" />
    </p>
  );
}

function DefinitionForm({ d, onClose, onSaved }: { d: Definition; onClose: () => void; onSaved: () => void }) {
  const [text, setText] = useState(d.workingDefinition);
  const [targets, setTargets] = useState(
    Object.fromEntries(
      SOURCES.map((s) => {
        const t = d.targets.find((x) => x.source === s);
        return [s, { value: t ? String(t.value) : '', note: t?.note ?? '' }];
      }),
    ),
  );
  const [note, setNote] = useState('');
  const { busy, error, submit } = useSubmit();
  const given = SOURCES.filter((s) => targets[s].value.trim() !== '');
  const valid = given.every((s) => Number.isFinite(Number(targets[s].value)));
  const ready = valid && text.trim().length > 0 && note.trim().length >= 2;
  const save = () =>
    submit(async () => {
      await gql(UpdateIndicatorDefinition, {
        input: {
          code: d.code,
          workingDefinition: text.trim(),
          targets: given.map((s) => ({
            source: s,
            value: Number(targets[s].value),
            note: targets[s].note.trim() || null,
          })),
          changeNote: note.trim(),
        },
      });
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
