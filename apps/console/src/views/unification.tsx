import { useState } from 'react';
import { Me, SevenUnifications, UnificationEvidence, type SevenUnificationsResult } from '../api/generated';
import { ErrorNote, Label, T, TIER_LABELS } from '../i18n';
import { figure } from '../months';
import { PeriodPicker, ScopePicker, useMembers, usePeriodScope } from '../scope';
import { useAction, useQuery } from '../use-query';
import { RecordEvidence, ReviewEvidence } from './unification-evidence';
import type { ViewProps } from './registry';
import { UnificationItemsSection } from './unification-items';

type Scorecard = SevenUnificationsResult['sevenUnifications']['institutions'][number];

export const OUTCOME_LABELS: Record<string, [string, string]> = {
  MET: ['达标', 'Met'],
  PARTIAL: ['部分达标', 'Partly met'],
  NOT_MET: ['未达标', 'Not met'],
  NOT_APPLICABLE: ['不适用', 'Not applicable'],
  NO_DATA: ['缺少数据', 'No data'],
};

const EVIDENCE_STATUS: Record<string, [string, string]> = {
  ACCEPTED: ['已认可', 'Accepted'],
  PENDING: ['待审核', 'Awaiting review'],
  REJECTED: ['已驳回', 'Rejected'],
};

const BADGE: Record<string, string> = { MET: 'ok', PARTIAL: 'warn', NOT_MET: 'bad', NO_DATA: 'bad' };

function Outcome({ code }: { code: string }) {
  return (
    <span className={`badge ${BADGE[code] ?? ''}`}>
      <Label table={OUTCOME_LABELS} code={code} />
    </span>
  );
}

/** One institution's dimension: each item's outcome and why, and the documents it rests on. */
function Detail({
  card,
  dimension,
  canRecord,
  reviewer,
  onChanged,
}: {
  card: Scorecard;
  dimension: string;
  /** The institution's admin, or a consortium admin. */
  canRecord: boolean;
  /** A consortium admin's id: they review what others recorded. */
  reviewer: string | null;
  onChanged: () => void;
}) {
  const evidence = useQuery(UnificationEvidence, { institutionId: card.institutionId });
  // A document recorded or reviewed can change the outcomes: the scorecard is read again too.
  const refresh = async () => {
    await evidence.reload();
    onChanged();
  };
  const { error: actionError, act } = useAction(refresh);
  const d = card.dimensions.find((x) => x.dimension === dimension);
  if (!d) return null;
  const docs = evidence.data?.unificationEvidence ?? [];
  return (
    <section className="panel" data-testid="unification-detail" data-institution={card.institutionId} data-dimension={dimension}>
      <h2>
        {card.name} · {d.nameZh} <Outcome code={d.outcome} />
      </h2>
      {d.reason ? <p data-testid="dimension-reason">{d.reason}</p> : null}
      <ErrorNote error={evidence.error ?? actionError} />
      <table>
        <thead>
          <tr>
            <th><T zh="评估项" en="Item" /></th>
            <th><T zh="结果" en="Outcome" /></th>
            <th><T zh="理由" en="Why" /></th>
            <th><T zh="佐证" en="Evidence" /></th>
          </tr>
        </thead>
        <tbody>
          {d.items.map((i) => (
            <tr key={i.code} data-item={i.code} data-outcome={i.outcome}>
              <td>
                <T zh={i.nameZh} en={i.nameEn} />
                <div className="en">
                  {i.code} {i.kind === 'DATA' ? `· ${figure(i.value)}` : ''}
                </div>
              </td>
              <td>
                <Outcome code={i.outcome} />
              </td>
              <td data-testid="item-reason">{i.reason}</td>
              <td>
                {i.evidenceIds.map((id) => {
                  const doc = docs.find((x) => x.id === id);
                  return (
                    <div key={id} data-evidence={id}>
                      {doc ? (
                        <>
                          {doc.title} <span className="en">{doc.documentDate}</span>{' '}
                          <span className={`badge ${doc.status === 'ACCEPTED' ? 'ok' : doc.status === 'REJECTED' ? 'bad' : 'warn'}`}>
                            <Label table={EVIDENCE_STATUS} code={doc.status} />
                          </span>
                          {doc.reviewReason ? <div className="error">{doc.reviewReason}</div> : null}
                        </>
                      ) : (
                        id.slice(0, 8)
                      )}
                    </div>
                  );
                })}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>
        <T zh="本机构佐证材料" en="The institution's evidence" />
      </h2>
      <ul data-testid="evidence">
        {docs.map((doc) => (
          <li key={doc.id} data-evidence={doc.id} data-status={doc.status}>
            {doc.title} · {doc.evidenceKind} · {doc.documentDate} <Label table={EVIDENCE_STATUS} code={doc.status} />
            {doc.reviewReason ? <span className="error"> · {doc.reviewReason}</span> : null}
            <div className="en">
              {doc.location} · SHA-256 {doc.sha256.slice(0, 12)}…
            </div>
            {/* Nobody reviews what they recorded themselves (the api refuses it too). */}
            {reviewer && doc.status === 'PENDING' && doc.recordedBy !== reviewer ? (
              <ReviewEvidence evidenceId={doc.id} act={act} />
            ) : null}
          </li>
        ))}
      </ul>
      {canRecord ? <RecordEvidence institutionId={card.institutionId} onRecorded={() => void refresh()} /> : null}
    </section>
  );
}

/**
 * The seven-unification scorecard of a month, quarter or year, for the consortium, one tier or one
 * member: institutions × dimensions, the roll-up, and each cell's reasons.
 */
export function UnificationView({ roles }: ViewProps) {
  const admin = roles.includes('CONSORTIUM_ADMIN');
  const wide = admin || roles.includes('AUDITOR');
  const me = useQuery(Me);
  const own = me.data?.me.institution.id;
  const [cell, setCell] = useState<{ institutionId: string; dimension: string } | null>(null);
  const { month, setMonth, kind, setKind, period, scope, setScope } = usePeriodScope(wide, own);
  const { members, error: membersError } = useMembers(wide);
  const card = useQuery(SevenUnifications, { scope, period }, !wide && !own);
  const s = card.data?.sevenUnifications;
  const dimensions = s?.rollup ?? [];
  const chosen = s?.institutions.find((i) => i.institutionId === cell?.institutionId);
  return (
    <>
      <div className="filters">
        <PeriodPicker kind={kind} month={month} onKind={setKind} onMonth={setMonth} />
        {wide ? <ScopePicker scope={scope} members={members} onScope={setScope} /> : null}
        {s ? <span className="en" data-testid="rule">{s.period.label} · {s.rule}</span> : null}
      </div>
      <ErrorNote error={card.error ?? me.error ?? membersError} />
      <div className="split">
        <section className="scroll" aria-label="七统一评估 Scorecard">
          <table data-testid="unification-grid">
            <thead>
              <tr>
                <th><T zh="机构" en="Institution" /></th>
                {dimensions.map((d) => (
                  <th key={d.dimension} data-dimension={d.dimension}>{d.nameZh}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {(s?.institutions ?? []).map((i) => (
                <tr key={i.institutionId} data-institution={i.institutionId}>
                  <td>
                    {i.name} <span className="en"><Label table={TIER_LABELS} code={i.tier} /></span>
                  </td>
                  {dimensions.map((col) => {
                    const d = i.dimensions.find((x) => x.dimension === col.dimension);
                    if (!d) return <td key={col.dimension}>—</td>;
                    const selected = cell?.institutionId === i.institutionId && cell.dimension === d.dimension;
                    return (
                      <td key={d.dimension} data-dimension={d.dimension} data-outcome={d.outcome} title={d.reason ?? undefined}>
                        <button className="link" aria-pressed={selected} onClick={() => setCell({ institutionId: i.institutionId, dimension: d.dimension })}>
                          <Outcome code={d.outcome} />
                        </button>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr data-testid="rollup">
                <th><T zh="汇总" en="Roll-up" /></th>
                {dimensions.map((d) => (
                  <td key={d.dimension} data-dimension={d.dimension} data-outcome={d.outcome}>
                    <Outcome code={d.outcome} />
                    <div className="en" data-testid="rollup-counts">
                      {d.met}/{d.partial}/{d.notMet}
                    </div>
                  </td>
                ))}
              </tr>
            </tfoot>
          </table>
        </section>
        {chosen && cell ? (
          <Detail
            key={chosen.institutionId}
            card={chosen}
            dimension={cell.dimension}
            canRecord={admin || (roles.includes('INSTITUTION_ADMIN') && chosen.institutionId === own)}
            reviewer={admin ? (me.data?.me.id ?? null) : null}
            onChanged={() => void card.reload()}
          />
        ) : (
          <p className="panel">
            <T zh="点击一格查看理由与佐证" en="Choose a cell for its reasons and evidence" />
          </p>
        )}
      </div>
      {wide ? (
        <UnificationItemsSection
          admin={admin}
          onChanged={() => void card.reload()}
        />
      ) : null}
    </>
  );
}
