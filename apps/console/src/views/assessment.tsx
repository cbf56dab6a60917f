import { useMemo, useState } from 'react';
import { gql } from '../api/client';
import {
  Assessment,
  AssessmentHistory,
  CorrectAssessment,
  DrawAnalysisUnits,
  Me,
  OpenAssessment,
  PublishAssessment,
  Raters,
  RecomputeAssessmentCompletion,
  RecordAssessmentCase,
  ScoreAnalysis,
  SubmitRecognitionRating,
  type AssessmentCaseKind,
  type AssessmentResult,
} from '../api/generated';
import { Chart } from '../chart';
import { ErrorNote, formatTime, T } from '../i18n';
import type { GqlError } from '../api/client';
import { figure, lastMonth } from '../months';
import { useQuery } from '../use-query';
import { NamedSelect, useSubmit } from './side-form';
import { KeyTaskLedger } from './key-tasks';
import { AssessmentSchemePanel } from './assessment-scheme';
import type { ViewProps } from './registry';

type Month = AssessmentResult['assessment'];

/** The month's units, as a picker offers them. */
const unitsOf = (a: Month) => a.groups.flatMap((g) => g.units.map((u) => ({ id: u.institutionId, name: u.institutionName })));
type Unit = Month['groups'][number]['units'][number];
type Act = (fn: () => Promise<unknown>) => Promise<void>;

/** A score typed in and sent; the button waits for a number in range (the api checks it all the same). */
function ScoreInput({
  max,
  label,
  action,
  busy,
  onScore,
}: {
  max: number;
  label: string;
  action: string;
  busy: boolean;
  onScore: (score: number) => Promise<void>;
}) {
  const [value, setValue] = useState('');
  const n = Number(value);
  const valid = value.trim() !== '' && Number.isFinite(n) && n >= 0 && n <= max;
  return (
    <span className="actions">
      <input
        type="number"
        min={0}
        max={max}
        step="any"
        style={{ width: '5.5em' }}
        aria-label={`${label} 0–${max}`}
        placeholder={`0–${max}`}
        value={value}
        onChange={(e) => setValue(e.target.value)}
      />
      <button data-action={action} disabled={busy || !valid} onClick={() => void onScore(n)}>
        {label}
      </button>
    </span>
  );
}

function UnitList({ units, testid }: { units: Unit[]; testid: string }) {
  return (
    <ul data-testid={testid} style={{ listStyle: 'none', paddingLeft: 0 }}>
      {units.map((u) => (
        <li key={u.institutionId} data-institution={u.institutionId}>
          {u.rank}. {u.institutionName} · {figure(u.total)}
        </li>
      ))}
    </ul>
  );
}

/**
 * One unit month by month over the published months: its rank in its group, the three scores and
 * the total, beside the consortium's median and quartiles of the same month.
 */
function History({ institutionId, name }: { institutionId: string; name: string }) {
  const q = useQuery(AssessmentHistory, { institutionId });
  const h = q.data?.assessmentHistory;
  const spread = useMemo(() => new Map((h?.distribution ?? []).map((d) => [d.month, d])), [h]);
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 28, bottom: 24 },
      xAxis: { type: 'category', data: (h?.months ?? []).map((m) => m.month) },
      yAxis: { type: 'value', min: 0, max: 100 },
      series: [
        { type: 'line', name: `${name} 总分 Total`, data: (h?.months ?? []).map((m) => m.total) },
        { type: 'line', name: '医共体中位数 Median', lineStyle: { type: 'dashed' }, data: (h?.months ?? []).map((m) => spread.get(m.month)?.median ?? null) },
      ],
    }),
    [h, name, spread],
  );
  return (
    <section className="panel" data-testid="history" data-institution={institutionId} data-loaded={String(!!h)}>
      <h2>
        {name} · <T zh="历月得分与名次" en="Month by month" />
      </h2>
      <ErrorNote error={q.error} />
      {h && h.months.length === 0 ? (
        <p>
          <T zh="尚无已发布的月份" en="No published month yet" />
        </p>
      ) : null}
      {h && h.months.length ? (
        <>
          <Chart option={option} label={`${name} 历月总分 Totals by month`} height={200} />
          <table>
            <thead>
              <tr>
                <th><T zh="月份" en="Month" /></th>
                <th><T zh="名次" en="Rank" /></th>
                <th><T zh="完成度" en="Completion" /></th>
                <th><T zh="认可度" en="Recognition" /></th>
                <th><T zh="剖析度" en="Analysis" /></th>
                <th><T zh="总分" en="Total" /></th>
                <th><T zh="医共体中位数 (四分位)" en="Consortium median (quartiles)" /></th>
              </tr>
            </thead>
            <tbody>
              {h.months.map((m) => {
                const d = spread.get(m.month);
                return (
                  <tr key={m.month} data-month={m.month} data-rank={m.rank} data-total={m.total}>
                    <td>
                      {m.month} <span className="en">v{m.edition}</span>
                    </td>
                    <td>
                      {m.rank}/{m.groupSize}
                    </td>
                    <td>{figure(m.completion)}</td>
                    <td>{figure(m.recognition)}</td>
                    <td>{figure(m.analysis)}</td>
                    <td>{figure(m.total)}</td>
                    <td data-testid="median">{d ? `${figure(d.median)} (${figure(d.q1)}–${figure(d.q3)})` : '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}

/** One comparable group in rank order, with the three scores that make each total. */
function Group({
  group,
  weights,
  onUnit,
  scoreAnalysis,
}: {
  group: Month['groups'][number];
  weights: Month['scheme'];
  onUnit?: (u: { institutionId: string; name: string }) => void;
  /** For a consortium admin while the month is open: 剖析度 given at the review meeting. */
  scoreAnalysis?: { busy: boolean; score: (institutionId: string, score: number) => Promise<void> };
}) {
  return (
    <section data-group={group.code}>
      <h2>
        {group.name} <span className="en">{group.units.length}</span>
      </h2>
      <div className="split">
        <table data-testid="ranking">
          <thead>
            <tr>
              <th><T zh="名次" en="Rank" /></th>
              <th><T zh="单位" en="Unit" /></th>
              <th><T zh={`完成度 ${weights.completionWeight}`} en="Completion" /></th>
              <th><T zh={`认可度 ${weights.recognitionWeight}`} en="Recognition" /></th>
              <th><T zh={`剖析度 ${weights.analysisWeight}`} en="Analysis" /></th>
              <th><T zh="总分" en="Total" /></th>
            </tr>
          </thead>
          <tbody>
            {group.units.map((u) => (
              <tr key={u.institutionId} data-institution={u.institutionId} data-rank={u.rank}>
                <td>
                  {u.rank}{' '}
                  {u.top ? <span className="badge ok"><T zh="前三" en="Top 3" /></span> : null}
                  {u.bottom ? <span className="badge bad"><T zh="后三" en="Bottom 3" /></span> : null}
                </td>
                <td>
                  {onUnit ? (
                    <button className="link" data-action="history" onClick={() => onUnit({ institutionId: u.institutionId, name: u.institutionName })}>
                      {u.institutionName}
                    </button>
                  ) : (
                    u.institutionName
                  )}
                </td>
                <td data-testid="completion">{figure(u.completion)}</td>
                <td data-testid="recognition">
                  {figure(u.recognition)}
                  {u.recognition === null ? (
                    <div className="en" data-testid="recognition-reason">
                      <T zh="尚无评分,按 0 计" en="No rating yet: counted as 0" />
                    </div>
                  ) : (
                    <div className="en">
                      <T zh={`${u.ratings} 份评分`} en={`${u.ratings} ratings`} />
                    </div>
                  )}
                </td>
                <td data-testid="analysis">
                  {figure(u.analysis)}
                  {u.analysis === null ? (
                    <div className="en">
                      <T zh="未评剖析度,按 0 计" en="Not scored: counted as 0" />
                    </div>
                  ) : null}
                  {scoreAnalysis ? (
                    <ScoreInput
                      max={weights.analysisWeight}
                      label="评定 Score"
                      action="score-analysis"
                      busy={scoreAnalysis.busy}
                      onScore={(n) => scoreAnalysis.score(u.institutionId, n)}
                    />
                  ) : null}
                </td>
                <td data-testid="total">{figure(u.total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="panel">
          <h2><T zh="前三" en="Top 3" /></h2>
          <UnitList units={group.units.filter((u) => u.top)} testid="top3" />
          <h2><T zh="后三" en="Bottom 3" /></h2>
          <UnitList units={group.units.filter((u) => u.bottom)} testid="bottom3" />
        </div>
      </div>
    </section>
  );
}

/**
 * The signed-in rater's 认可度 for an open month: each unit they have not rated yet, 0–100, once
 * (the api refuses a second rating: what a rater gave stays as given).
 */
function MyRatings({ a, meId, names, act, busy }: { a: Month; meId: string; names: Map<string, string>; act: Act; busy: boolean }) {
  const todo = a.missingRatings.filter((r) => r.raterId === meId);
  const total = a.groups.reduce((n, g) => n + g.units.length, 0);
  return (
    <section className="panel" data-testid="my-ratings">
      <h2>
        <T zh="我的认可度评分" en="My recognition ratings" />{' '}
        <span className="en" data-testid="rated">
          {total - todo.length}/{total}
        </span>
      </h2>
      <p className="note">
        <T zh="每个单位评分一次(0–100),提交后不可更改。" en="One rating per unit (0–100); a rating given cannot be changed." />
      </p>
      {todo.length ? (
        <table>
          <tbody>
            {todo.map((r) => (
              <tr key={r.institutionId} data-institution={r.institutionId}>
                <td>{names.get(r.institutionId) ?? r.institutionId}</td>
                <td>
                  <ScoreInput
                    max={100}
                    label="评分 Rate"
                    action="rate"
                    busy={busy}
                    onScore={(score) =>
                      act(() => gql(SubmitRecognitionRating, { month: a.month, institutionId: r.institutionId, score }))
                    }
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p data-testid="ratings-done">
          <T zh="已为全部单位评分" en="Every unit rated" />
        </p>
      )}
    </section>
  );
}

/** The month's good and bad case (正反典型), chosen by a consortium admin for the review; a new one replaces the old. */
function RecordCase({ a, act, busy }: { a: Month; act: Act; busy: boolean }) {
  const [kind, setKind] = useState<AssessmentCaseKind>('GOOD');
  const [institutionId, setInstitutionId] = useState('');
  const [title, setTitle] = useState('');
  const [summary, setSummary] = useState('');
  const ready = !!institutionId && title.trim().length >= 2 && summary.trim().length >= 2;
  const record = () =>
    act(async () => {
      await gql(RecordAssessmentCase, { month: a.month, institutionId, kind, title: title.trim(), summary: summary.trim() });
      setTitle('');
      setSummary('');
    });
  return (
    <div className="actions" data-testid="record-case">
      <label>
        <T zh="典型" en="Case" />{' '}
        <select name="caseKind" value={kind} onChange={(e) => setKind(e.target.value as AssessmentCaseKind)}>
          <option value="GOOD">正面典型 Good</option>
          <option value="BAD">反面典型 Bad</option>
        </select>
      </label>
      <label>
        <T zh="单位" en="Unit" />{' '}
        <NamedSelect name="caseUnit" value={institutionId} onValue={setInstitutionId} none="—" options={unitsOf(a)} />
      </label>
      <input name="caseTitle" aria-label="标题 Title" placeholder="标题 Title" value={title} onChange={(e) => setTitle(e.target.value)} />
      <input name="caseSummary" aria-label="摘要 Summary" placeholder="摘要 Summary" size={30} value={summary} onChange={(e) => setSummary(e.target.value)} />
      <button data-action="record-case" disabled={busy || !ready} onClick={() => void record()}>
        <T zh="记录典型" en="Record the case" />
      </button>
    </div>
  );
}

/**
 * A published month's editions (版本), the first publication and each correction with its reason;
 * the latest is shown unless an earlier one is chosen here (an auditor retracing a correction).
 */
function Editions({ a, onPick }: { a: Month; onPick: (edition: number | null) => void }) {
  const latest = Math.max(...a.editions.map((e) => e.edition));
  return (
    <section className="panel" data-testid="editions" data-edition={a.edition}>
      <h2>
        <T zh="发布版本" en="Editions" /> <span className="en">{a.editions.length}</span>
      </h2>
      <ol style={{ paddingLeft: '1.5em' }}>
        {a.editions.map((e) => (
          <li key={e.edition} data-edition={e.edition}>
            <T zh={`第 ${e.edition} 版`} en={`Edition ${e.edition}`} />
            {e.edition === a.edition ? (
              <>
                {' '}
                <span className="badge ok">
                  <T zh="当前显示" en="Shown" />
                </span>
              </>
            ) : (
              <>
                {' '}
                <button className="link" data-action="show-edition" onClick={() => onPick(e.edition === latest ? null : e.edition)}>
                  <T zh="查看" en="Show" />
                </button>
              </>
            )}{' '}
            · <span data-testid="edition-reason">{e.reason}</span> · <span className="en">{formatTime(e.createdAt)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

/**
 * 发布后更正 for a consortium admin: a unit's completion, recognition or analysis changed with a
 * reason, as a new edition (re-ranked, every unit told; the earlier editions kept). A score left
 * empty stays; the api checks each against its weight and the month's version read.
 */
function CorrectMonth({ a, onDone }: { a: Month; onDone: () => Promise<unknown> }) {
  const [institutionId, setInstitutionId] = useState('');
  const [scores, setScores] = useState({ completion: '', recognition: '', analysis: '' });
  const [reason, setReason] = useState('');
  const { busy, error, submit } = useSubmit();
  const unit = a.groups.flatMap((g) => g.units).find((u) => u.institutionId === institutionId);
  const given = Object.fromEntries(
    Object.entries(scores)
      .filter(([, v]) => v.trim() !== '')
      .map(([k, v]) => [k, Number(v)]),
  ) as Partial<Record<keyof typeof scores, number>>;
  const ready =
    !!unit && reason.trim().length > 0 && Object.keys(given).length > 0 && Object.values(given).every((n) => Number.isFinite(n) && n >= 0);
  const correct = async () => {
    await submit(async () => {
      await gql(CorrectAssessment, { input: { month: a.month, version: a.version, institutionId, reason: reason.trim(), ...given } });
      setScores({ completion: '', recognition: '', analysis: '' });
      setReason('');
    });
    // A refusal too: usually the month changed meanwhile.
    await onDone();
  };
  const score = (key: keyof typeof scores, zh: string, en: string, max: number, now: number | null | undefined) => (
    <input
      type="number"
      min={0}
      step="any"
      name={`correct-${key}`}
      aria-label={`${zh} ${en} 0–${max}`}
      // The unit's figure now, once a unit is chosen.
      placeholder={unit ? `${zh} ${figure(now)}` : `${zh} ${en}`}
      style={{ width: '10em' }}
      value={scores[key]}
      onChange={(e) => setScores({ ...scores, [key]: e.target.value })}
    />
  );
  return (
    <section className="panel" data-testid="correct-month">
      <h2>
        <T zh="发布后更正" en="Correct the published month" />
      </h2>
      <p className="note">
        <T
          zh="更正生成新版本并重新排名,各单位均收到通知;留空的分数不变。"
          en="A correction is a new edition, re-ranked, and every unit is told; a score left empty stays."
        />
      </p>
      <div className="actions">
        <NamedSelect
          name="correctUnit"
          aria-label="单位 Unit"
          value={institutionId}
          onValue={setInstitutionId}
          none="— 选择单位 Choose a unit"
          options={unitsOf(a)}
        />
        {score('completion', '完成度', 'Completion', a.scheme.completionWeight, unit?.completion)}
        {score('recognition', '认可度', 'Recognition', a.scheme.recognitionWeight, unit?.recognition)}
        {score('analysis', '剖析度', 'Analysis', a.scheme.analysisWeight, unit?.analysis)}
        <input name="correctReason" aria-label="更正理由 Reason" placeholder="更正理由 Reason" size={30} value={reason} onChange={(e) => setReason(e.target.value)} />
        <button className="primary" data-action="correct-assessment" disabled={busy || !ready} onClick={() => void correct()}>
          <T zh="更正" en="Correct" />
        </button>
      </div>
      <ErrorNote error={error} />
    </section>
  );
}

/**
 * A month not opened yet, for a consortium admin: its raters (认可度) picked from the consortium's
 * and institutions' administrators, the signed-in admin ticked; opening computes completion.
 */
function OpenMonth({ month, meId, act, busy }: { month: string; meId: string | undefined; act: Act; busy: boolean }) {
  const raters = useQuery(Raters);
  const [picked, setPicked] = useState<Set<string> | null>(null);
  const chosen = picked ?? new Set(meId ? [meId] : []);
  const people = [...(raters.data?.admins.nodes ?? []), ...(raters.data?.institutionAdmins.nodes ?? [])];
  const toggle = (id: string) => {
    const next = new Set(chosen);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setPicked(next);
  };
  return (
    <section className="panel" data-testid="open-month">
      <h2>
        <T zh="开启本月考核" en="Open the month" /> {month}
      </h2>
      <p className="note">
        <T zh="开启后按当前数据计算完成度;请选择本月认可度评分人。" en="Opening computes completion from today's data; pick the month's recognition raters." />
      </p>
      <ErrorNote error={raters.error} />
      <ul style={{ listStyle: 'none', paddingLeft: 0, columns: 2 }}>
        {people.map((u) => (
          <li key={u.id}>
            <label>
              <input type="checkbox" data-rater={u.id} checked={chosen.has(u.id)} onChange={() => toggle(u.id)} /> {u.displayName}{' '}
              <span className="en">{u.institution.name}</span>
            </label>
          </li>
        ))}
      </ul>
      <button className="primary" data-action="open-month" disabled={busy || !chosen.size} onClick={() => act(() => gql(OpenAssessment, { month, raterIds: [...chosen] }))}>
        <T zh="开启" en="Open" /> ({chosen.size})
      </button>
    </section>
  );
}

/**
 * The month's 量化评价: ranking within groups on 60/20/20, the draw and publishing; and a unit's
 * published months (any unit for the consortium's readers, its own for an institution admin).
 */
export function AssessmentView({ roles }: ViewProps) {
  const admin = roles.includes('CONSORTIUM_ADMIN');
  const wide = admin || roles.includes('AUDITOR');
  const me = useQuery(Me);
  const [unit, setUnit] = useState<{ institutionId: string; name: string } | null>(null);
  const mine = me.data ? { institutionId: me.data.me.institution.id, name: me.data.me.institution.name } : null;
  const shown = wide ? unit : mine;
  const [month, setMonth] = useState(lastMonth());
  // An earlier edition of a corrected month, chosen to retrace it; null: the latest.
  const [edition, setEdition] = useState<number | null>(null);
  const [seed, setSeed] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const q = useQuery(Assessment, { month, edition });
  const a = q.data?.assessment;
  const names = new Map((a?.groups ?? []).flatMap((g) => g.units.map((u) => [u.institutionId, u.institutionName] as const)));
  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await fn();
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      await q.reload();
    }
  };
  const open = a?.state === 'OPEN';
  // Not opened yet: a consortium admin may open it here.
  const notOpened = (q.error as GqlError | null)?.code === 'NOT_FOUND';
  return (
    <>
      <div className="filters">
        <label>
          <T zh="月份" en="Month" />
          <input
            type="month"
            name="month"
            value={month}
            onChange={(e) => {
              if (!e.target.value) return;
              setMonth(e.target.value);
              setEdition(null);
            }}
          />
        </label>
        {a ? (
          <span data-testid="assessment-state" data-state={a.state}>
            {a.state === 'PUBLISHED' ? (
              <span className="badge ok"><T zh="已发布" en="Published" /></span>
            ) : (
              <span className="badge warn"><T zh="评分中" en="Open" /></span>
            )}{' '}
            <T zh="版本" en="Edition" /> <span data-testid="edition">{a.edition}</span>
            {a.edition > 1 ? (
              <>
                {' '}
                <span className="badge warn" data-testid="corrected">
                  <T zh="已更正" en="Corrected" />
                </span>
              </>
            ) : null}{' '}
            · <T zh="方案" en="Scheme" /> v{a.scheme.version} (
            <span data-testid="weights">
              {a.scheme.completionWeight}/{a.scheme.recognitionWeight}/{a.scheme.analysisWeight}
            </span>
            ) {a.publishedAt ? formatTime(a.publishedAt) : ''}
          </span>
        ) : null}
        {admin && open ? (
          <>
            <button data-action="recompute" disabled={busy} onClick={() => act(() => gql(RecomputeAssessmentCompletion, { month, version: a.version }))}>
              <T zh="重算完成度" en="Recompute completion" />
            </button>
            <button className="primary" data-action="publish" disabled={busy} onClick={() => act(() => gql(PublishAssessment, { month, version: a.version }))}>
              <T zh="发布" en="Publish" />
            </button>
          </>
        ) : null}
      </div>
      <ErrorNote error={q.error ?? error} />
      {notOpened && admin ? <OpenMonth month={month} meId={me.data?.me.id} act={act} busy={busy} /> : null}
      {shown ? <History key={shown.institutionId} institutionId={shown.institutionId} name={shown.name} /> : null}
      {a ? (
        <>
          <section className="panel" data-testid="draw" data-drawn={a.draw ? a.draw.drawn.join(',') : ''}>
            <h2>
              <T zh="剖析抽签" en="The draw" />
            </h2>
            {a.draw ? (
              <p>
                <T zh="抽中" en="Drawn" />:{' '}
                <span data-testid="drawn">{a.draw.drawn.map((id) => names.get(id) ?? id).join('、')}</span>
                <br />
                <span className="en">
                  <T zh="种子" en="Seed" /> <code data-testid="seed">{a.draw.seed}</code> · {a.draw.algorithm} · {a.draw.units.length}{' '}
                  <T zh="个单位参与" en="units drawn from" /> · {formatTime(a.draw.drawnAt)}
                </span>
              </p>
            ) : (
              <p>
                <T zh="本月尚未抽签" en="Not drawn yet" />
              </p>
            )}
            {admin && open && !a.draw ? (
              <div className="actions">
                <label>
                  <T zh="种子(可空)" en="Seed (optional)" />{' '}
                  <input name="seed" value={seed} onChange={(e) => setSeed(e.target.value)} />
                </label>
                <button data-action="draw" disabled={busy} onClick={() => act(() => gql(DrawAnalysisUnits, { month, seed: seed.trim() || null }))}>
                  <T zh="抽签" en="Draw" />
                </button>
              </div>
            ) : null}
            {a.goodCase || a.badCase ? (
              <p data-testid="cases">
                {a.goodCase ? <><T zh="正面典型" en="Good case" />: {a.goodCase.title} ({names.get(a.goodCase.institutionId)}) </> : null}
                {a.badCase ? <><T zh="反面典型" en="Bad case" />: {a.badCase.title} ({names.get(a.badCase.institutionId)})</> : null}
              </p>
            ) : null}
            {admin && open ? <RecordCase key={a.month} a={a} act={act} busy={busy} /> : null}
          </section>
          {a.state === 'PUBLISHED' ? <Editions a={a} onPick={setEdition} /> : null}
          {/* Corrections start from the latest edition only. */}
          {admin && a.state === 'PUBLISHED' && edition === null ? (
            <CorrectMonth key={a.month} a={a} onDone={q.reload} />
          ) : null}
          {open && me.data && a.raterIds.includes(me.data.me.id) ? (
            <MyRatings key={a.month} a={a} meId={me.data.me.id} names={names} act={act} busy={busy} />
          ) : null}
          {a.groups.map((g) => (
            <Group
              // Per month: a score typed and not sent stays with its month.
              key={`${a.month}:${g.code}`}
              group={g}
              weights={a.scheme}
              onUnit={wide ? setUnit : undefined}
              scoreAnalysis={
                admin && open
                  ? {
                      busy,
                      score: (institutionId, score) =>
                        act(() => gql(ScoreAnalysis, { month, institutionId, score, version: a.version })),
                    }
                  : undefined
              }
            />
          ))}
        </>
      ) : null}
      {/* The rules months opened from now on are scored by. */}
      <AssessmentSchemePanel admin={admin} />
      {/* The year's ledger, whose reported progress the month's completion is computed from. */}
      <KeyTaskLedger key={month.slice(0, 4)} month={month} admin={admin} wide={wide} own={wide ? null : (mine?.institutionId ?? null)} />
    </>
  );
}
