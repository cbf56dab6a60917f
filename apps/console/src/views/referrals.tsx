import { useEffect, useState } from 'react';
import { gql } from '../api/client';
import {
  AcceptReferral,
  AddReferralAttachments,
  CancelReferral,
  CompleteReferral,
  Me,
  RecordReferralArrival,
  Referral,
  ReferralCounts,
  Referrals,
  ReferralSettings,
  RejectReferral,
  SubmitReferral,
  type ReferralBox,
  type ReferralState,
  type RejectReasonCode,
  type Role,
} from '../api/generated';
import { onLive } from '../api/live';
import { routeParts } from '../route';
import { Chart } from '../chart';
import {
  ErrorNote,
  formatTime,
  Label,
  SEX_LABELS,
  STATE_LABELS,
  STEP_LABELS,
  T,
  URGENCY_LABELS,
} from '../i18n';
import { useQuery } from '../use-query';
import { AddAttachments, AttachmentList } from './attachments';
import { NewReferral } from './new-referral';
import { ReferralSlip } from './referral-slip';
import { ReferralSettingsForm, ReferralTimings } from './referral-settings';
import type { ViewProps } from './registry';

const STATES: ReferralState[] = [
  'DRAFT',
  'SUBMITTED',
  'ACCEPTED',
  'ARRIVED',
  'COMPLETED',
  'REJECTED',
  'CANCELLED',
  'NO_SHOW',
];
/** What the coordinator works on: the open states. */
const OPEN: ReferralState[] = ['SUBMITTED', 'ACCEPTED', 'ARRIVED'];
/** Finished: listed most recently changed first (the latest closed on top), not by deadline. */
const CLOSED: ReferralState[] = ['COMPLETED', 'REJECTED', 'CANCELLED', 'NO_SHOW'];

const REJECT_CODES: [RejectReasonCode, string, string][] = [
  ['NO_CAPACITY', '无床位/号源', 'No capacity'],
  ['OUTSIDE_SCOPE', '超出诊疗范围', 'Outside scope'],
  ['INCOMPLETE_INFORMATION', '资料不全', 'Incomplete information'],
  ['MORE_APPROPRIATE_ELSEWHERE', '建议转往他处', 'More appropriate elsewhere'],
  ['PATIENT_DECLINED', '患者拒绝', 'Patient declined'],
  ['OTHER', '其他', 'Other'],
];

function overdue(r: { state: string; responseDueAt: string | null }): boolean {
  return r.state === 'SUBMITTED' && !!r.responseDueAt && new Date(r.responseDueAt) < new Date();
}

/**
 * When each side may add attachments (the api's ATTACHING_STATES): the sender until the
 * referral closes, the receiver once it has accepted.
 */
const SENDER_ATTACHES: ReferralState[] = ['DRAFT', 'SUBMITTED', 'ACCEPTED', 'ARRIVED'];
const RECEIVER_ATTACHES: ReferralState[] = ['ACCEPTED', 'ARRIVED'];

/** Who may work on referrals at all, on either side: the api's sender and receiver roles. */
const ACTING_ROLES: Role[] = ['REFERRAL_COORDINATOR', 'CLINICIAN'];

function Detail({
  id,
  roles,
  institutionId,
  onChanged,
}: {
  id: string;
  roles: Role[];
  /** The signed-in user's institution: which side of the referral the user is on. */
  institutionId: string | undefined;
  onChanged: () => void;
}) {
  const q = useQuery(Referral, { id });
  const [error, setError] = useState<unknown>(null);
  const [appointment, setAppointment] = useState('');
  const [place, setPlace] = useState('');
  const [bed, setBed] = useState('');
  const [rejectCode, setRejectCode] = useState<RejectReasonCode>('NO_CAPACITY');
  const [rejectReason, setRejectReason] = useState('');
  const [cancelReason, setCancelReason] = useState('');
  const [slip, setSlip] = useState(false);
  const reload = q.reload;
  useEffect(
    () => onLive('referral.updated', (p) => (p as { id: string }).id === id && void reload()),
    [id, reload],
  );
  const r = q.data?.referral;
  if (!r) return <ErrorNote error={q.error} />;
  /** Runs a change, then reloads; `rethrow` leaves the refusal to a form that shows its own. */
  const act = async (fn: () => Promise<unknown>, rethrow = false) => {
    try {
      await fn();
      setError(null);
      await q.reload();
      onChanged();
    } catch (err) {
      if (rethrow) throw err;
      setError(err);
    }
  };
  const c = r.medicationContinuity;
  // The sending institution submits and cancels, the receiving one answers; a clinician of a
  // village clinic (no coordinator there) is both. The api still decides (the target department).
  const acting = !!institutionId && roles.some((role) => ACTING_ROLES.includes(role));
  const receiver = acting && r.toInstitutionId === institutionId;
  const sender = acting && r.fromInstitutionId === institutionId;
  const attaches =
    (sender && SENDER_ATTACHES.includes(r.state)) || (receiver && RECEIVER_ATTACHES.includes(r.state));
  return (
    <section
      className="panel"
      aria-labelledby="referral-title"
      data-testid="referral-detail"
      data-referral={r.id}
    >
      <h2 id="referral-title">
        {r.number}{' '}
        <span className="badge">
          <Label table={STATE_LABELS} code={r.state} />
        </span>
      </h2>
      {r.state !== 'DRAFT' ? (
        <div className="actions">
          <button data-action="open-slip" aria-pressed={slip} onClick={() => setSlip(!slip)}>
            <T zh="打印转诊单" en="Print the referral slip" />
          </button>
        </div>
      ) : null}
      {slip ? <ReferralSlip id={r.id} roles={roles} onClose={() => setSlip(false)} /> : null}
      <dl className="form">
        <dt>
          <T zh="患者" en="Patient" />
        </dt>
        <dd>
          {r.patient ? (
            <>
              {r.patient.name} · <Label table={SEX_LABELS} code={r.patient.sex} /> ·{' '}
              {r.patient.birthYear ?? '—'}
            </>
          ) : (
            '—'
          )}
        </dd>
        <dt>
          <T zh="转出 → 转入" en="From → to" />
        </dt>
        <dd>
          {r.fromInstitution?.name} → {r.toInstitution?.name}
        </dd>
        <dt>
          <T zh="诊断" en="Diagnosis" />
        </dt>
        <dd>
          {r.diagnosisCode} {r.diagnosisName}
        </dd>
        <dt>
          <T zh="转诊目的" en="Purpose" />
        </dt>
        <dd>{r.purpose}</dd>
        <dt>
          <T zh="病情摘要" en="Clinical summary" />
        </dt>
        <dd>{r.clinicalSummary}</dd>
        {r.attachments.length || attaches ? (
          <>
            <dt>
              <T zh="附件" en="Attachments" />
            </dt>
            <dd>
              {r.attachments.length ? <AttachmentList attachments={r.attachments} /> : null}
              {attaches ? (
                <AddAttachments
                  id={`referral-${r.id}`}
                  withNote
                  onAdd={(attachments, note) =>
                    act(() => gql(AddReferralAttachments, { input: { id, attachments, note } }), true)
                  }
                />
              ) : null}
            </dd>
          </>
        ) : null}
        <dt>
          <T zh="应答时限" en="Answer by" />
        </dt>
        <dd>{formatTime(r.responseDueAt)}</dd>
        <dt>
          <T zh="预约" en="Appointment" />
        </dt>
        <dd>
          {formatTime(r.appointmentAt)} {r.appointmentPlace ?? ''} {r.bed ?? ''}
        </dd>
        {r.rejectReason ? (
          <>
            <dt>
              <T zh="退回原因" en="Reject reason" />
            </dt>
            <dd>{r.rejectReason}</dd>
          </>
        ) : null}
      </dl>
      {sender && (r.state === 'DRAFT' || r.state === 'SUBMITTED' || r.state === 'ACCEPTED') ? (
        <div className="actions" role="group" aria-label="转出方操作 Sender actions">
          {r.state === 'DRAFT' ? (
            <button className="primary" onClick={() => act(() => gql(SubmitReferral, { input: { id } }))}>
              <T zh="提交" en="Submit" />
            </button>
          ) : (
            <>
              <input
                aria-label="撤销原因 Cancel reason"
                placeholder="撤销原因 Reason"
                value={cancelReason}
                onChange={(e) => setCancelReason(e.target.value)}
              />
              <button
                disabled={!cancelReason.trim()}
                onClick={() => act(() => gql(CancelReferral, { input: { id, reason: cancelReason.trim() } }))}
              >
                <T zh="撤销" en="Cancel referral" />
              </button>
            </>
          )}
        </div>
      ) : null}
      {receiver ? (
        <div className="actions" role="group" aria-label="操作 Actions">
          {r.state === 'SUBMITTED' ? (
            <>
              <label>
                <T zh="预约时间" en="Appointment" />{' '}
                <input
                  type="datetime-local"
                  value={appointment}
                  onChange={(e) => setAppointment(e.target.value)}
                />
              </label>
              <input
                aria-label="就诊地点 Place"
                placeholder="地点 Place"
                value={place}
                onChange={(e) => setPlace(e.target.value)}
              />
              <input
                aria-label="床位 Bed"
                placeholder="床位 Bed"
                value={bed}
                onChange={(e) => setBed(e.target.value)}
                size={8}
              />
              <button
                className="primary"
                disabled={!appointment || !(place.trim() || bed.trim())}
                onClick={() =>
                  act(() =>
                    gql(AcceptReferral, {
                      input: {
                        id,
                        appointmentAt: new Date(appointment).toISOString(),
                        place: place.trim() || null,
                        bed: bed.trim() || null,
                      },
                    }),
                  )
                }
              >
                <T zh="接收" en="Accept" />
              </button>
              <select
                aria-label="退回原因类别 Reason code"
                value={rejectCode}
                onChange={(e) => setRejectCode(e.target.value as RejectReasonCode)}
              >
                {REJECT_CODES.map(([code, zh, en]) => (
                  <option key={code} value={code} title={en}>
                    {zh}
                  </option>
                ))}
              </select>
              <input
                aria-label="退回原因 Reason"
                placeholder="原因 Reason"
                value={rejectReason}
                onChange={(e) => setRejectReason(e.target.value)}
              />
              <button
                disabled={!rejectReason.trim()}
                onClick={() =>
                  act(() =>
                    gql(RejectReferral, { input: { id, reasonCode: rejectCode, reason: rejectReason } }),
                  )
                }
              >
                <T zh="退回" en="Reject" />
              </button>
            </>
          ) : null}
          {r.state === 'ACCEPTED' ? (
            <button
              className="primary"
              onClick={() => act(() => gql(RecordReferralArrival, { input: { id } }))}
            >
              <T zh="登记到诊" en="Record arrival" />
            </button>
          ) : null}
          {r.state === 'ARRIVED' ? (
            <button className="primary" onClick={() => act(() => gql(CompleteReferral, { input: { id } }))}>
              <T zh="结案" en="Complete" />
            </button>
          ) : null}
        </div>
      ) : null}
      <ErrorNote error={error} />
      {r.medicationPlan.length ? (
        <>
          <h2>
            <T zh="用药方案与衔接" en="Medication plan and continuity" />
          </h2>
          <ul data-testid="plan">
            {r.medicationPlan.map((m, i) => (
              <li key={i}>
                {m.drug} {m.dose} {m.frequency} {m.route} {m.duration}
              </li>
            ))}
          </ul>
          {c ? (
            <p
              data-testid="continuity"
              data-counts={[
                c.itemsTotal,
                c.available,
                c.substitute,
                c.outOfStock,
                c.notListed,
                c.unknown,
              ].join('/')}
            >
              <T zh="可供" en="Available" /> {c.available}/{c.itemsTotal} · <T zh="可替代" en="Substitute" />{' '}
              {c.substitute} · <T zh="缺货" en="Out of stock" /> {c.outOfStock} ·{' '}
              <T zh="未列入" en="Not listed" /> {c.notListed} · <T zh="未知" en="Unknown" /> {c.unknown}{' '}
              <span className="en">({formatTime(c.checkedAt)})</span>
            </p>
          ) : null}
        </>
      ) : null}
      <h2>
        <T zh="时间线" en="Timeline" />
      </h2>
      <ol data-testid="timeline">
        {r.timeline.map((s) => (
          <li key={s.id}>
            {formatTime(s.at)} · <Label table={STEP_LABELS} code={s.action} /> →{' '}
            <Label table={STATE_LABELS} code={s.toState} /> {s.note ? `· ${s.note}` : ''}
          </li>
        ))}
      </ol>
    </section>
  );
}

function referralInHash(): string | null {
  const { view, id } = routeParts();
  return view === 'referrals' ? id : null;
}

/** The worklist: counts by state, overdue and escalated first-class, updated live. */
export function ReferralsView({ roles }: ViewProps) {
  const coordinator = roles.includes('REFERRAL_COORDINATOR');
  const [box, setBox] = useState<ReferralBox>(
    coordinator || !roles.includes('CLINICIAN') ? 'INCOMING' : 'OUTGOING',
  );
  const [states, setStates] = useState<ReferralState[]>(OPEN);
  // The overdue and escalated cards filter the worklist as the api counts them.
  const [flag, setFlag] = useState<'overdue' | 'escalated' | null>(null);
  const pick = (next: ReferralState[]) => {
    setFlag(null);
    setStates(next);
  };
  const [selected, setSelected] = useState<string | null>(referralInHash);
  const [creating, setCreating] = useState(false);
  const [editingSettings, setEditingSettings] = useState(false);
  // Who sends referrals: the api's sending roles.
  const sends = roles.some((role) => ACTING_ROLES.includes(role));
  // The consortium's timings: read by every user, changed by a consortium admin only.
  const settings = useQuery(ReferralSettings);
  const setsTimings = roles.includes('CONSORTIUM_ADMIN');
  // `#/referrals/<id>` (a notification's link) opens that referral's form.
  useEffect(() => {
    const pick = () => {
      const id = referralInHash();
      if (id) setSelected(id);
    };
    window.addEventListener('hashchange', pick);
    return () => window.removeEventListener('hashchange', pick);
  }, []);
  const me = useQuery(Me);
  const counts = useQuery(ReferralCounts, { box });
  const list = useQuery(
    Referrals,
    flag
      ? { box, overdue: flag === 'overdue', escalated: flag === 'escalated' }
      : { box, states, order: states.every((s) => CLOSED.includes(s)) ? 'RECENT' : 'URGENCY' },
  );
  const reloadCounts = counts.reload;
  const reloadList = list.reload;
  useEffect(
    () =>
      onLive('referral.updated', () => {
        void reloadCounts();
        void reloadList();
      }),
    [reloadCounts, reloadList],
  );
  const rc = counts.data?.referralCounts;
  const byState = new Map((rc?.byState ?? []).map((s) => [s.state, s.count]));
  const nodes = list.data?.referrals.nodes ?? [];
  const isOpen = !flag && states.length === OPEN.length && OPEN.every((s) => states.includes(s));
  return (
    <>
      <div className="actions" role="group" aria-label="收发件 Box">
        {(['INCOMING', 'OUTGOING', 'ALL'] as ReferralBox[]).map((b) => (
          <button
            key={b}
            aria-pressed={box === b}
            className={box === b ? 'primary' : ''}
            onClick={() => setBox(b)}
          >
            {b === 'INCOMING' ? (
              <T zh="转入" en="Incoming" />
            ) : b === 'OUTGOING' ? (
              <T zh="转出" en="Outgoing" />
            ) : (
              <T zh="全部" en="All" />
            )}
          </button>
        ))}
        {sends ? (
          <button
            data-action="new-referral"
            aria-pressed={creating}
            onClick={() => {
              setEditingSettings(false);
              setCreating(true);
            }}
          >
            <T zh="新建转诊" en="New referral" />
          </button>
        ) : null}
      </div>
      {settings.data ? (
        <ReferralTimings
          settings={settings.data.referralSettings}
          editing={editingSettings}
          onEdit={
            setsTimings
              ? () => {
                  setCreating(false);
                  setEditingSettings(!editingSettings);
                }
              : undefined
          }
        />
      ) : null}
      <ErrorNote error={counts.error ?? list.error ?? settings.error} />
      {rc ? (
        <div className="cards" data-testid="referral-counts">
          <button className="card" aria-pressed={isOpen} onClick={() => pick(OPEN)} data-count="open">
            <T zh="待办" en="Open" />
            <span className="n">{OPEN.reduce((n, s) => n + (byState.get(s) ?? 0), 0)}</span>
          </button>
          <button
            className="card bad"
            data-count="overdue"
            aria-pressed={flag === 'overdue'}
            onClick={() => setFlag('overdue')}
          >
            <T zh="超时未接收" en="Overdue" />
            <span className="n">{rc.overdue}</span>
          </button>
          <button
            className="card warn"
            data-count="escalated"
            aria-pressed={flag === 'escalated'}
            onClick={() => setFlag('escalated')}
          >
            <T zh="已升级" en="Escalated" />
            <span className="n">{rc.escalated}</span>
          </button>
          <div className="card" data-count="total">
            <T zh="合计" en="Total" />
            <span className="n">{rc.total}</span>
          </div>
          {STATES.map((s) => (
            <button
              key={s}
              className="card"
              data-count={s}
              aria-pressed={!flag && states.length === 1 && states[0] === s}
              onClick={() => pick([s])}
            >
              <Label table={STATE_LABELS} code={s} />
              <span className="n">{byState.get(s) ?? 0}</span>
            </button>
          ))}
        </div>
      ) : null}
      <div className="split">
        <section className="scroll" aria-label="工作列表 Worklist">
          <table data-testid="worklist">
            <thead>
              <tr>
                <th>
                  <T zh="单号" en="Number" />
                </th>
                <th>
                  <T zh="患者" en="Patient" />
                </th>
                <th>
                  {box === 'INCOMING' ? (
                    <T zh="转出机构" en="From" />
                  ) : box === 'OUTGOING' ? (
                    <T zh="转入机构" en="To" />
                  ) : (
                    <T zh="转出 → 转入" en="From → to" />
                  )}
                </th>
                <th>
                  <T zh="紧急" en="Urgency" />
                </th>
                <th>
                  <T zh="状态" en="State" />
                </th>
                <th>
                  <T zh="时限" en="Due" />
                </th>
              </tr>
            </thead>
            <tbody>
              {nodes.map((r) => (
                <tr
                  key={r.id}
                  data-number={r.number}
                  className={[overdue(r) ? 'overdue' : '', r.escalationLevel > 0 ? 'escalated' : ''].join(
                    ' ',
                  )}
                  aria-selected={selected === r.id}
                >
                  <td>
                    <button className="link" onClick={() => setSelected(r.id)}>
                      {r.number}
                    </button>
                  </td>
                  <td>{r.patient?.name ?? '—'}</td>
                  {/* The other side: the own institution is the sender of every outgoing row. */}
                  <td data-testid="institution">
                    {box === 'INCOMING'
                      ? r.fromInstitution?.name
                      : box === 'OUTGOING'
                        ? r.toInstitution?.name
                        : `${r.fromInstitution?.name ?? '—'} → ${r.toInstitution?.name ?? '—'}`}
                  </td>
                  <td>
                    <Label table={URGENCY_LABELS} code={r.urgency} />
                  </td>
                  <td>
                    <Label table={STATE_LABELS} code={r.state} />
                    {overdue(r) ? (
                      <span className="badge bad">
                        {' '}
                        <T zh="超时" en="Overdue" />
                      </span>
                    ) : null}
                    {r.escalationLevel > 0 ? (
                      <span className="badge warn">
                        {' '}
                        <T zh="升级" en="Escalated" /> {r.escalationLevel}
                      </span>
                    ) : null}
                  </td>
                  <td>{formatTime(r.dueAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <div>
          {/* A new referral's form, or the timings', takes the column: it is the one thing being worked on. */}
          {rc && !creating && !editingSettings ? (
            <Chart
              label="按状态的转诊数 Referrals by state"
              option={{
                tooltip: {},
                grid: { left: 40, right: 8, top: 8, bottom: 40 },
                xAxis: {
                  type: 'category',
                  data: STATES.map((s) => STATE_LABELS[s][0]),
                  axisLabel: { interval: 0, rotate: 30 },
                },
                yAxis: { type: 'value', minInterval: 1 },
                series: [
                  {
                    type: 'bar',
                    data: STATES.map((s) => byState.get(s) ?? 0),
                    itemStyle: { color: '#0b6e99' },
                  },
                ],
              }}
            />
          ) : null}
          {creating ? (
            <NewReferral
              institutionId={me.data?.me.institution.id}
              onClose={() => setCreating(false)}
              onCreated={(id) => {
                setCreating(false);
                setBox('OUTGOING');
                setSelected(id);
                void counts.reload();
                void list.reload();
              }}
            />
          ) : editingSettings && settings.data ? (
            <ReferralSettingsForm
              current={settings.data.referralSettings}
              onStale={settings.reload}
              onClose={() => setEditingSettings(false)}
              onSaved={async () => {
                // Read back: the timings shown are the api's, not the form's.
                await settings.reload();
                setEditingSettings(false);
              }}
            />
          ) : selected ? (
            <Detail
              key={selected}
              id={selected}
              roles={roles}
              institutionId={me.data?.me.institution.id}
              onChanged={() => {
                void counts.reload();
                void list.reload();
              }}
            />
          ) : null}
        </div>
      </div>
    </>
  );
}
