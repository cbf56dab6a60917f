import { useEffect, useMemo, useState } from 'react';
import { gql, session } from '../api/client';
import {
  IndicatorContributors,
  IndicatorReport,
  IndicatorTrend,
  Me,
  type IndicatorPeriodInput,
  type IndicatorReportResult,
  type IndicatorScopeInput,
  type Operation,
} from '../api/generated';
import { Chart } from '../chart';
import { CONSULTATION_KIND_LABELS, ErrorNote, T } from '../i18n';
import { measureLabel } from '../measure-labels';
import { figure } from '../months';
import { PeriodPicker, ScopePicker, useMembers, usePeriodScope, type Institution } from '../scope';
import { useQuery } from '../use-query';
import type { ViewProps } from './registry';
import { DefinitionFacts, EditDefinition, TARGET_SOURCE } from './indicator-definition';
import { PublishMonth } from './indicator-publish';
import { StatisticsForm } from './statistics-form';

type Result = IndicatorReportResult['indicatorReport']['results'][number];
type Compared = {
  institution: Institution;
  value: number | null;
  met: boolean | null;
  reason: string | null;
  /** The member's own target, if it has one: without it a missing verdict means no target. */
  target: { value: number } | null;
};


/** Measure keys of a formula, numerator first, each once: the records a drill-down can list. */
function measuresOf(r: Result): string[] {
  const f = r.definition.formula;
  const keys = [
    f.numerator.terms,
    f.numerator.per ?? [],
    f.denominator?.terms ?? [],
    f.denominator?.per ?? [],
  ]
    .flat()
    .map((t) => t.key);
  return [...new Set(keys)];
}

function MetBadge({ met, target = true }: { met: boolean | null; target?: boolean }) {
  if (met === null && !target)
    return (
      <span className="badge" data-met="null">
        <T zh="无目标" en="No target" />
      </span>
    );
  if (met === null)
    return (
      <span className="badge" data-met="null">
        <T zh="无法判定" en="Not judged" />
      </span>
    );
  return met ? (
    <span className="badge ok" data-met="true">
      <T zh="达标" en="Met" />
    </span>
  ) : (
    <span className="badge bad" data-met="false">
      <T zh="未达标" en="Not met" />
    </span>
  );
}

/** The api refuses more aliases than GRAPHQL_MAX_ALIASES (15 by default) in one request. */
const COMPARE_BATCH = 10;

/**
 * The chosen indicator for each member, a few per request (aliases), one request after another so
 * the api is not flooded; only that indicator's measures are read.
 */
async function compare(
  code: string,
  institutions: Institution[],
  period: IndicatorPeriodInput,
): Promise<Map<string, Compared>> {
  type Answer = {
    result: {
      value: number | null;
      met: boolean | null;
      reason: string | null;
      target: { value: number } | null;
    };
  };
  const out = new Map<string, Compared>();
  for (let start = 0; start < institutions.length; start += COMPARE_BATCH) {
    const batch = institutions.slice(start, start + COMPARE_BATCH);
    const vars = batch.map((_, i) => `$s${i}: IndicatorScopeInput!`).join(', ');
    const fields = batch
      .map(
        (_, i) =>
          `i${i}: indicator(code: $code, scope: $s${i}, period: $period) { result { value met reason target { value } } }`,
      )
      .join('\n');
    const doc = `query CompareInstitutions($code: String!, $period: IndicatorPeriodInput!, ${vars}) {\n${fields}\n}`;
    const variables: Record<string, unknown> = { code, period };
    batch.forEach((inst, i) => (variables[`s${i}`] = { kind: 'INSTITUTION', institutionId: inst.id }));
    const data = await gql(doc as Operation<Record<string, Answer>, Record<string, unknown>>, variables);
    batch.forEach((institution, i) => out.set(institution.id, { institution, ...data[`i${i}`].result }));
  }
  return out;
}

/**
 * The members a comparison means something for: those of the chosen tier, or of the chosen
 * member's tier; across the consortium, the county and township tiers (village clinics are many
 * and small, and have a tier of their own to compare in).
 */
function comparable(members: Institution[], scope: IndicatorScopeInput): Institution[] {
  const tier =
    scope.kind === 'TIER'
      ? scope.tier
      : scope.kind === 'INSTITUTION'
        ? members.find((m) => m.id === scope.institutionId)?.tier
        : null;
  return members.filter((i) => (tier ? i.tier === tier : i.tier === 'COUNTY' || i.tier === 'TOWNSHIP'));
}

/** An XLSX of the report from the api's export, saved by the browser under the name the api gives. */
async function download(period: IndicatorPeriodInput, scope: IndicatorScopeInput): Promise<void> {
  const q = new URLSearchParams({
    month: period.month,
    period: period.kind,
    scope: scope.kind,
    format: 'xlsx',
  });
  if (scope.tier) q.set('tier', scope.tier);
  if (scope.institutionId) q.set('institutionId', scope.institutionId);
  const res = await fetch(`/indicators/export?${q}`, {
    headers: { authorization: `Bearer ${session.token ?? ''}` },
  });
  if (!res.ok) throw new Error(`导出失败 (export failed, HTTP ${res.status})`);
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1];
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name ?? `indicators-${period.month}.xlsx`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function Trend({
  code,
  scope,
  period,
  name,
}: {
  code: string;
  scope: IndicatorScopeInput;
  period: IndicatorPeriodInput;
  name: string;
}) {
  const trend = useQuery(IndicatorTrend, { code, scope, period });
  const points = trend.data?.indicator.trend ?? [];
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 48, right: 16, top: 16, bottom: 28 },
      xAxis: { type: 'category', data: points.map((p) => p.month) },
      yAxis: { type: 'value' },
      series: [{ type: 'line', name, data: points.map((p) => p.value), connectNulls: false }],
    }),
    [points, name],
  );
  return (
    <section data-testid="trend" data-code={code} data-loaded={String(!!trend.data)}>
      <h2>
        <T zh="24 个月趋势" en="24-month trend" />
      </h2>
      <ErrorNote error={trend.error} />
      <Chart option={option} label={`${name} 24 个月趋势 24-month trend`} />
      <details>
        <summary>
          <T zh="逐月数值" en="Month by month" />
        </summary>
        <table data-testid="trend-table">
          <tbody>
            {points.map((p) => (
              <tr key={p.month} data-month={p.month} data-value={String(p.value)}>
                <td>{p.month}</td>
                <td>{figure(p.value)}</td>
                <td>{p.value === null ? p.reason : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}

function Contributors({
  code,
  scope,
  period,
  measure,
}: {
  code: string;
  scope: IndicatorScopeInput;
  period: IndicatorPeriodInput;
  measure: string;
}) {
  const [offset, setOffset] = useState(0);
  useEffect(() => setOffset(0), [code, measure]);
  const page = useQuery(IndicatorContributors, { code, scope, period, measure, offset });
  const p = page.data?.indicatorContributors;
  return (
    <section data-testid="contributors" data-measure={measure} data-loaded={String(!!p)}>
      <ErrorNote error={page.error} />
      {p ? (
        <>
          <p>
            {measure} · <T zh="记录数" en="Records" /> <span data-testid="contributors-total">{p.total}</span>
          </p>
          <table>
            <thead>
              <tr>
                <th>
                  <T zh="月份" en="Month" />
                </th>
                <th>
                  <T zh="类别" en="Kind" />
                </th>
                <th>
                  <T zh="记录" en="Record" />
                </th>
                <th>
                  <T zh="计数" en="Value" />
                </th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((r) => (
                <tr key={`${r.kind}-${r.id}`} data-id={r.id}>
                  <td>{r.month}</td>
                  <td>{r.kind}</td>
                  <td>{r.label}</td>
                  <td>{figure(r.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="actions">
            <button disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - 50))}>
              <T zh="上一页" en="Previous" />
            </button>
            <button disabled={offset + 50 >= p.total} onClick={() => setOffset(offset + 50)}>
              <T zh="下一页" en="Next" />
            </button>
          </div>
        </>
      ) : null}
    </section>
  );
}

/**
 * The indicators of a month, quarter or year, for the consortium, one tier or one member: value
 * against target, met or not, the 24-month trend of the one chosen, the members compared on it,
 * the records behind its measures, and the report as a workbook.
 */
export function IndicatorsView({ roles }: ViewProps) {
  // Consortium admins and auditors read the consortium; an institution admin its own institution.
  const wide = roles.includes('CONSORTIUM_ADMIN') || roles.includes('AUDITOR');
  // The consortium's own working definitions and targets are its admins' to keep.
  const admin = roles.includes('CONSORTIUM_ADMIN');
  const [editing, setEditing] = useState<string | null>(null);
  // The yearly statistics forms: a consortium admin's, and an institution admin's own items.
  const reporter = admin || roles.includes('INSTITUTION_ADMIN');
  const [statistics, setStatistics] = useState(false);
  const me = useQuery(Me);
  const [selected, setSelected] = useState<string | null>(null);
  const [drill, setDrill] = useState<{ code: string; measure: string } | null>(null);
  const [compared, setCompared] = useState<{ key: string; rows: Map<string, Compared> } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const own = me.data?.me.institution.id;
  const { month, setMonth, kind, setKind, period, scope, setScope } = usePeriodScope(wide, own);
  const { members, error: membersError } = useMembers(wide);
  const report = useQuery(IndicatorReport, { scope, period }, !wide && !own);
  const results = report.data?.indicatorReport.results ?? [];
  const current = results.find((r) => r.code === selected) ?? results[0];

  const code = current?.code;
  const target = current?.target?.value;
  const peers = useMemo(() => comparable(members, scope), [members, scope]);
  // What the comparison shown was computed for: a stale one is never drawn under a new choice.
  const key = `${code}|${period.kind}|${period.month}|${peers.map((p) => p.id).join(',')}`;
  // The measure counts only on the indicator it was chosen on. Reset by an effect, it would come
  // after the render that asks the new indicator for the old measure, which the api refuses.
  const measure =
    drill && current && drill.code === current.code && measuresOf(current).includes(drill.measure)
      ? drill.measure
      : null;
  useEffect(() => {
    if (!peers.length || !code) return;
    let live = true;
    setCompared(null);
    compare(code, peers, period)
      .then((rows) => live && setCompared({ key, rows }))
      .catch(setError);
    return () => {
      live = false;
    };
  }, [peers, period, code, key]);
  const rows: Compared[] = useMemo(
    () => (compared && compared.key === key ? [...compared.rows.values()] : []),
    [compared, key],
  );
  const barOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 48, right: 16, top: 16, bottom: 90 },
      xAxis: {
        type: 'category',
        data: rows.map((r) => r.institution.name),
        axisLabel: { rotate: 40, fontSize: 10 },
      },
      yAxis: { type: 'value' },
      series: [
        {
          type: 'bar',
          data: rows.map((r) => r.value),
          markLine:
            target === undefined
              ? undefined
              : { symbol: 'none', data: [{ yAxis: target, name: '目标 Target' }] },
        },
      ],
    }),
    [rows, target],
  );

  return (
    <>
      <div className="filters">
        <PeriodPicker kind={kind} month={month} onKind={setKind} onMonth={setMonth} />
        {wide ? <ScopePicker scope={scope} members={members} onScope={setScope} /> : null}
        <button
          className="primary"
          data-action="export"
          onClick={() => download(period, scope).then(() => setError(null), setError)}
        >
          <T zh="导出 Excel" en="Export XLSX" />
        </button>
        {report.data ? (
          <span
            data-testid="published"
            data-from={report.data.indicatorReport.period.from}
            data-to={report.data.indicatorReport.period.to}
          >
            {report.data.indicatorReport.period.label} ·{' '}
            {report.data.indicatorReport.published ? (
              <T zh="已发布" en="Published" />
            ) : (
              <T zh="未发布" en="Not published" />
            )}
          </span>
        ) : null}
        {/* Only under the report of the month shown: a stale one would offer a month it does not describe. */}
        {admin && kind === 'MONTH' && report.data?.indicatorReport.period.from === month ? (
          <PublishMonth
            key={month}
            month={month}
            published={report.data.indicatorReport.published}
            onPublished={report.reload}
          />
        ) : null}
        {reporter && !statistics ? (
          <button data-action="open-statistics" onClick={() => setStatistics(true)}>
            <T zh="年度统计上报" en="Yearly statistics" />
          </button>
        ) : null}
      </div>
      <ErrorNote error={report.error ?? me.error ?? membersError ?? error} />
      {statistics && me.data ? (
        <StatisticsForm
          consortium={admin}
          own={me.data?.me.institution}
          members={members}
          onClose={() => setStatistics(false)}
          onSaved={() => void report.reload()}
        />
      ) : null}
      <div className="cards" data-testid="indicator-cards">
        {results.map((r) => (
          <button
            key={r.code}
            className={`card ${r.met === false ? 'bad' : ''}`}
            data-code={r.code}
            data-value={String(r.value)}
            aria-pressed={r.code === current?.code}
            onClick={() => setSelected(r.code)}
            style={{ width: 168 }}
          >
            <span title={r.definition.nameEn}>
              {r.code} {r.definition.nameZh}
            </span>
            <span className="n" data-testid="value">
              {figure(r.value)}
              <small> {r.value === null ? '' : r.definition.unit}</small>
            </span>
            <span data-testid="target">
              <T zh="目标" en="Target" />{' '}
              {r.target
                ? `${figure(r.target.value)} (${TARGET_SOURCE[r.target.source] ?? r.target.source})`
                : '—'}
            </span>{' '}
            <MetBadge met={r.met} target={!!r.target} />
            {r.value === null ? (
              <span className="en" data-testid="reason" style={{ display: 'block' }}>
                {r.reason}
              </span>
            ) : null}
          </button>
        ))}
      </div>
      {current ? (
        <div className="split">
          <div>
            <Trend code={current.code} scope={scope} period={period} name={current.definition.nameZh} />
            {wide ? (
              <section
                data-testid="comparison"
                data-code={current.code}
                data-loaded={String(rows.length > 0)}
              >
                <h2>
                  <T zh="机构比较" en="Institutions compared" /> · {current.definition.nameZh}
                </h2>
                <Chart
                  option={barOption}
                  label={`${current.definition.nameZh} 机构比较 Institutions compared`}
                  height={240}
                />
                <details>
                  <summary>
                    <T zh="各机构数值" en="Figures per institution" />
                  </summary>
                  <table>
                    <tbody>
                      {rows.map((r) => (
                        <tr
                          key={r.institution.id}
                          data-institution={r.institution.id}
                          data-value={String(r.value)}
                        >
                          <td>{r.institution.name}</td>
                          <td>{figure(r.value)}</td>
                          <td>
                            {r.value === null ? r.reason : <MetBadge met={r.met} target={!!r.target} />}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </details>
              </section>
            ) : null}
          </div>
          <section className="panel" data-testid="indicator-detail" data-code={current.code}>
            <h2>
              {current.code} <T zh={current.definition.nameZh} en={current.definition.nameEn} />
            </h2>
            <dl className="form">
              <dt>
                <T zh="值" en="Value" />
              </dt>
              <dd>
                {figure(current.value)}{' '}
                {current.value === null ? `(${current.reason ?? ''})` : current.definition.unit}
              </dd>
              <dt>
                <T zh="分子" en="Numerator" />
              </dt>
              <dd data-testid="numerator">{figure(current.numerator)}</dd>
              <dt>
                <T zh="分母" en="Denominator" />
              </dt>
              <dd data-testid="denominator">{figure(current.denominator)}</dd>
              <dt>
                <T zh="较上期" en="Change" />
              </dt>
              <dd>{figure(current.changeFromPrevious)}</dd>
              <DefinitionFacts d={current.definition} />
            </dl>
            {admin ? (
              editing === current.code ? (
                <EditDefinition
                  code={current.code}
                  onClose={() => setEditing(null)}
                  onSaved={() => {
                    setEditing(null);
                    void report.reload();
                  }}
                />
              ) : (
                <div className="actions">
                  <button data-action="edit-definition" onClick={() => setEditing(current.code)}>
                    <T zh="修改定义与目标" en="Edit the definition and targets" />
                  </button>
                  <span className="note">
                    <T
                      zh="保存为新版本;已发布的月份保留原版本"
                      en="Saved as a new version; published months keep theirs"
                    />
                  </span>
                </div>
              )
            ) : null}
            <h2>
              <T zh="下钻:构成记录" en="Drill down: the records" />
            </h2>
            <div className="actions" data-testid="measures">
              {measuresOf(current).map((m) => [m, ...measureLabel(m, CONSULTATION_KIND_LABELS)]).map(([m, zh, en]) => (
                <button
                  key={m}
                  data-measure={m}
                  aria-pressed={m === measure}
                  onClick={() => setDrill({ code: current.code, measure: m })}
                  title={m}
                >
                  <T zh={zh} en={en} />
                </button>
              ))}
            </div>
            {measure ? (
              <Contributors code={current.code} scope={scope} period={period} measure={measure} />
            ) : null}
          </section>
        </div>
      ) : null}
    </>
  );
}
