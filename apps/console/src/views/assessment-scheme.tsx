import { useState } from 'react';
import { gql, rereadOnConflict } from '../api/client';
import { AssessmentSchemes, UpdateAssessmentScheme, type AssessmentSchemesResult } from '../api/generated';
import { ErrorNote, formatTime, KIND_LABELS, Label, T, TIER_LABELS } from '../i18n';
import { useQuery } from '../use-query';
import { CheckboxSet, SideForm, TextField, useSubmit } from './side-form';

type Scheme = AssessmentSchemesResult['assessmentSchemes'][number];
type Group = Scheme['groups'][number];

const KINDS = Object.keys(KIND_LABELS);
const TIERS = Object.keys(TIER_LABELS);

/** A group's kinds or tiers as labels; none chosen matches any. */
function Codes({ codes, table }: { codes: string[]; table: Record<string, [string, string]> }) {
  if (!codes.length) return <T zh="任意" en="Any" />;
  return (
    <>
      {codes.map((c, i) => (
        <span key={c}>
          {i ? '、' : ''}
          <Label table={table} code={c} />
        </span>
      ))}
    </>
  );
}

function SchemeGroups({ groups }: { groups: Group[] }) {
  return (
    <table data-testid="scheme-groups">
      <thead>
        <tr>
          <th><T zh="可比组" en="Group" /></th>
          <th><T zh="机构类型" en="Kinds" /></th>
          <th><T zh="层级" en="Tiers" /></th>
        </tr>
      </thead>
      <tbody>
        {groups.map((g) => (
          <tr key={g.code} data-group-code={g.code}>
            <td>
              {g.name} <span className="en">{g.code}</span>
            </td>
            <td><Codes codes={g.kinds} table={KIND_LABELS} /></td>
            <td><Codes codes={g.tiers} table={TIER_LABELS} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const weights = (s: Scheme) => `${s.completionWeight}/${s.recognitionWeight}/${s.analysisWeight}`;

/**
 * 修改考核方案 for a consortium admin: the weights, the credit rule and the comparable groups,
 * prefilled from the scheme in force, saved with a change note as a new version based on the one
 * it opened with. The api checks the weights' sum and the groups, and refuses a save when another
 * version was made meanwhile (the panel then shows the scheme now in force); a refusal is shown in
 * its words and the form keeps what was typed until it is closed and opened again.
 */
function SchemeForm({
  current: opened,
  onSaved,
  onStale,
  onClose,
}: {
  current: Scheme;
  onSaved: () => void;
  onStale: () => void;
  onClose: () => void;
}) {
  const [current] = useState(opened);
  const [w, setW] = useState({
    completion: String(current.completionWeight),
    recognition: String(current.recognitionWeight),
    analysis: String(current.analysisWeight),
  });
  const [credit, setCredit] = useState(current.creditBelowRequired);
  const [groups, setGroups] = useState<Group[]>(current.groups.map((g) => ({ ...g })));
  const [note, setNote] = useState('');
  const { busy, error, submit } = useSubmit();
  const n = (v: string) => (v.trim() === '' ? NaN : Number(v));
  const values = [n(w.completion), n(w.recognition), n(w.analysis)];
  const sum = values.reduce((a, b) => a + b, 0);
  // The sum is shown, not enforced here: the api decides, and its refusal is shown as it words it.
  const ready = values.every(Number.isFinite) && note.trim().length > 0 && groups.every((g) => g.code.trim() && g.name.trim());
  const setGroup = (i: number, change: Partial<Group>) => setGroups(groups.map((g, j) => (j === i ? { ...g, ...change } : g)));
  const save = () =>
    submit(async () => {
      await gql(UpdateAssessmentScheme, {
        input: {
          basedOnVersion: current.version,
          completionWeight: values[0],
          recognitionWeight: values[1],
          analysisWeight: values[2],
          creditBelowRequired: credit,
          groups: groups.map((g) => ({ code: g.code.trim(), name: g.name.trim(), kinds: g.kinds, tiers: g.tiers })),
          changeNote: note.trim(),
        },
      }).catch(rereadOnConflict(onStale));
      onSaved();
    });
  const weight = (key: keyof typeof w, zh: string, en: string) => (
    <TextField
      id={`scheme-${key}`}
      zh={zh}
      en={en}
      name={`${key}Weight`}
      type="number"
      min={0}
      max={100}
      step="any"
      value={w[key]}
      onValue={(v) => setW({ ...w, [key]: v })}
    />
  );
  return (
    <SideForm
      name="scheme-form"
      attrs={{ 'data-version': String(current.version) }}
      title={
        <>
          <T zh="修改考核方案" en="Change the scheme" /> <span className="en">v{current.version} →</span>
        </>
      }
      error={error}
      onClose={onClose}
      actions={
        <button className="primary" data-action="save-scheme" disabled={busy || !ready} onClick={() => void save()}>
          <T zh="保存为新版本" en="Save as a new version" />
        </button>
      }
    >
      {weight('completion', '完成度', 'Completion')}
      {weight('recognition', '认可度', 'Recognition')}
      {weight('analysis', '剖析度', 'Analysis')}
      <dt>
        <T zh="合计" en="Sum" />
      </dt>
      <dd data-testid="weight-sum">{Number.isFinite(sum) ? sum : '—'}</dd>
      <dt>
        <T zh="未达考核目标" en="Below the required level" />
      </dt>
      <dd>
        <label>
          <input type="checkbox" name="creditBelowRequired" checked={credit} onChange={(e) => setCredit(e.target.checked)} />{' '}
          <T zh="按比例得分(否则不得分)" en="Proportional credit (else none)" />
        </label>
      </dd>
      <dt>
        <T zh="可比组" en="Groups" />
      </dt>
      <dd>
        <p className="note">
          <T
            zh="单位归入其匹配的第一个组;类型、层级不选为任意;不属于任何组的单位不参加考核。"
            en="A unit joins the first group it matches; no kind or tier chosen matches any; a unit in no group is not assessed."
          />
        </p>
        {groups.map((g, i) => (
          <fieldset key={i} data-group-row={i}>
            <div className="actions">
              <input name="groupCode" aria-label="代码 Code" placeholder="代码 Code" size={10} value={g.code} onChange={(e) => setGroup(i, { code: e.target.value })} />
              <input name="groupName" aria-label="名称 Name" placeholder="名称 Name" size={18} value={g.name} onChange={(e) => setGroup(i, { name: e.target.value })} />
              <button type="button" data-action="remove-group" onClick={() => setGroups(groups.filter((_, j) => j !== i))}>
                <T zh="删除" en="Remove" />
              </button>
            </div>
            <div>
              <T zh="层级" en="Tiers" />: <CheckboxSet options={TIERS} labels={TIER_LABELS} chosen={g.tiers} onChange={(tiers) => setGroup(i, { tiers })} attr="tier" />
            </div>
            <div>
              <T zh="类型" en="Kinds" />: <CheckboxSet options={KINDS} labels={KIND_LABELS} chosen={g.kinds} onChange={(kinds) => setGroup(i, { kinds })} attr="kind" />
            </div>
          </fieldset>
        ))}
        <button type="button" data-action="add-group" onClick={() => setGroups([...groups, { code: '', name: '', kinds: [], tiers: [] }])}>
          <T zh="添加可比组" en="Add a group" />
        </button>
      </dd>
      <TextField id="scheme-note" zh="修改说明" en="Change note" name="changeNote" maxLength={500} value={note} onValue={setNote} />
    </SideForm>
  );
}

/**
 * 考核方案: the version in force (weights, credit rule, comparable groups) and the earlier ones with
 * their change notes; a new version applies to months opened after it, an open month keeps its own.
 */
export function AssessmentSchemePanel({ admin }: { admin: boolean }) {
  const q = useQuery(AssessmentSchemes);
  const [editing, setEditing] = useState(false);
  const versions = q.data?.assessmentSchemes ?? [];
  const [current, ...earlier] = versions;
  return (
    <div className={editing ? 'split' : undefined}>
      <section className="panel" data-testid="scheme" data-version={current?.version}>
        <h2>
          <T zh="考核方案" en="Assessment scheme" /> {current ? <span className="en">v{current.version}</span> : null}{' '}
          {admin && current && !editing ? (
            <button data-action="edit-scheme" onClick={() => setEditing(true)}>
              <T zh="修改" en="Change" />
            </button>
          ) : null}
        </h2>
        <ErrorNote error={q.error} />
        {current ? (
          <>
            <p className="note">
              <T zh="新版本用于此后开启的月份;已开启的月份沿用其开启时的方案。" en="A new version applies to months opened after it; a month already open keeps its own." />
            </p>
            <p>
              <T zh="权重 完成度/认可度/剖析度" en="Weights completion/recognition/analysis" />:{' '}
              <span data-testid="scheme-weights">{weights(current)}</span>
              <br />
              <T zh="未达考核目标" en="Below the required level" />:{' '}
              <span data-testid="scheme-credit" data-credit={String(current.creditBelowRequired)}>
                {current.creditBelowRequired ? <T zh="按比例得分" en="Proportional credit" /> : <T zh="不得分" en="No credit" />}
              </span>
              {current.version === 0 ? (
                <>
                  {' '}
                  · <T zh="系统默认" en="Built-in default" />
                </>
              ) : (
                <>
                  {' '}
                  · <span data-testid="scheme-note">{current.changeNote}</span> · <span className="en">{formatTime(current.createdAt)}</span>
                </>
              )}
            </p>
            <SchemeGroups groups={current.groups} />
            {earlier.length ? (
              <details data-testid="scheme-versions">
                <summary>
                  <T zh="历史版本" en="Earlier versions" /> <span className="en">{earlier.length}</span>
                </summary>
                <ol style={{ listStyle: 'none', paddingLeft: 0 }}>
                  {earlier.map((s) => (
                    <li key={s.version} data-version={s.version}>
                      v{s.version} · <span data-testid="version-weights">{weights(s)}</span> ·{' '}
                      {s.creditBelowRequired ? <T zh="按比例得分" en="Proportional credit" /> : <T zh="不得分" en="No credit" />} ·{' '}
                      {s.groups.map((g) => g.name).join('、')} ·{' '}
                      {s.version === 0 ? (
                        <T zh="系统默认" en="Built-in default" />
                      ) : (
                        <>
                          <span data-testid="version-note">{s.changeNote}</span> <span className="en">{formatTime(s.createdAt)}</span>
                        </>
                      )}
                    </li>
                  ))}
                </ol>
              </details>
            ) : null}
          </>
        ) : null}
      </section>
      {admin && current && editing ? (
        <SchemeForm
          current={current}
          onStale={() => void q.reload()}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            void q.reload();
          }}
        />
      ) : null}
    </div>
  );
}
