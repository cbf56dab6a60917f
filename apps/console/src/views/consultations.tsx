import { useEffect, useMemo, useState } from 'react';
import { gql } from '../api/client';
import {
  CancelConsultation,
  CompleteConsultation,
  Consultations,
  DeclineConsultation,
  EndConsultation,
  ExpertAvailability,
  Me,
  StartConsultation,
  SubmitConsultationReport,
  type ConsultationsResult,
} from '../api/generated';
import { onLive } from '../api/live';
import { Chart } from '../chart';
import {
  CONSULTATION_KIND_LABELS,
  CONSULTATION_STATE_LABELS,
  ErrorNote,
  formatTime,
  Label,
  T,
  URGENCY_LABELS,
} from '../i18n';
import { useAction, useQuery } from '../use-query';
import { BookingPanel } from './consultation-booking';
import { AvailabilityEditor } from './availability-editor';
import { SideForm, useRunning } from './side-form';
import { NewConsultation } from './new-consultation';
import { ConsultationDetail } from './consultation-detail';
import { routeParts } from '../route';

type Consultation = ConsultationsResult['consultations']['nodes'][number];

const WEEKDAYS = ['周一', '周二', '周三', '周四', '周五', '周六', '周日'];
const OPEN_STATES = ['REQUESTED', 'SCHEDULED', 'IN_PROGRESS'];
const CLOSED_STATES = ['DECLINED', 'CANCELLED', 'NO_SHOW'];
/** Reads (imaging, ECG, pathology) are reported against the study, with or without a live session. */
const READ_KINDS = ['IMAGING_READ', 'ECG_READ', 'PATHOLOGY_READ'];

/** Monday 00:00 of the week `offset` weeks from this one, in the consortium's zone as the browser shows it. */
function weekStart(offset: number): Date {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() - ((d.getDay() + 6) % 7) + offset * 7);
  return d;
}

function dayKey(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function hhmm(iso: string): string {
  return new Date(iso).toTimeString().slice(0, 5);
}

/** Where the session stands: not booked, to come, live, held and awaiting its report, done, not held. */
function SessionState({ c, now }: { c: Consultation; now: number }) {
  const attrs = {
    'data-testid': 'session',
    'data-started': c.startedAt ?? '',
    'data-ended': c.endedAt ?? '',
    'data-report-due': c.reportDueAt ?? '',
  };
  if (CLOSED_STATES.includes(c.state))
    return (
      <td {...attrs}>
        <T zh="未举行" en="Not held" />
      </td>
    );
  if (!c.scheduledStart)
    return (
      <td {...attrs}>
        <T zh="待预约" en="Awaiting booking" />
      </td>
    );
  // A read (imaging, ECG, pathology) may be reported without a live session.
  if (!c.startedAt && (c.state === 'REPORTED' || c.state === 'COMPLETED')) {
    return (
      <td {...attrs}>
        <T zh="无实时会话" en="No live session" />
      </td>
    );
  }
  if (!c.startedAt) {
    return (
      <td {...attrs}>
        <T zh="待开始" en="To start" /> <span className="en">{formatTime(c.scheduledStart)}</span>
      </td>
    );
  }
  if (!c.endedAt) {
    return (
      <td {...attrs}>
        <span className="badge ok">
          <T zh="进行中" en="Live" />
        </span>{' '}
        <span className="en">{hhmm(c.startedAt)} 起</span>
      </td>
    );
  }
  const awaiting = c.state === 'IN_PROGRESS';
  const overdue = awaiting && !!c.reportDueAt && new Date(c.reportDueAt).getTime() < now;
  return (
    <td {...attrs}>
      <T zh="已结束" en="Ended" />{' '}
      <span className="en">
        {hhmm(c.startedAt)}–{hhmm(c.endedAt)}
      </span>
      {awaiting ? (
        <div>
          <span className={`badge ${overdue ? 'bad' : 'warn'}`}>
            {overdue ? <T zh="报告已超时" en="Report overdue" /> : <T zh="待出报告" en="Report due" />}
          </span>{' '}
          <span className="en">{formatTime(c.reportDueAt)}</span>
        </div>
      ) : null}
    </td>
  );
}

/**
 * What the expert does next with a consultation, by the api's states: decline one they are named
 * in or booked for; for one they are booked for, start it, end the live session, write the report
 * (a read may be reported without a session) and amend a signed one.
 */
function ExpertActions({
  c,
  assigned,
  act,
  onReport,
}: {
  c: Consultation;
  /** Booked for it, not only named in the request. */
  assigned: boolean;
  act: (fn: () => Promise<unknown>) => Promise<void>;
  onReport: () => void;
}) {
  const [reason, setReason] = useState('');
  const { busy, run } = useRunning(act);
  const reportable =
    assigned &&
    (c.state === 'REPORTED' ||
    (c.state === 'IN_PROGRESS' && !!c.endedAt) ||
      (READ_KINDS.includes(c.kind) && (c.state === 'SCHEDULED' || c.state === 'IN_PROGRESS')));
  return (
    <td>
      <div className="actions">
        {assigned && c.state === 'SCHEDULED' && !READ_KINDS.includes(c.kind) ? (
          <button className="primary" data-action="start" disabled={busy} onClick={() => run(() => gql(StartConsultation, { input: { id: c.id } }))}>
            <T zh="开始会诊" en="Start" />
          </button>
        ) : null}
        {assigned && c.state === 'IN_PROGRESS' && !c.endedAt ? (
          <button className="primary" data-action="end" disabled={busy} onClick={() => run(() => gql(EndConsultation, { input: { id: c.id } }))}>
            <T zh="结束会诊" en="End" />
          </button>
        ) : null}
        {reportable ? (
          <button className={c.state === 'REPORTED' ? '' : 'primary'} data-action="report" disabled={busy} onClick={onReport}>
            {c.state === 'REPORTED' ? <T zh="修订报告" en="Amend report" /> : <T zh="写报告" en="Write report" />}
          </button>
        ) : null}
        {c.state === 'REQUESTED' || c.state === 'SCHEDULED' ? (
          <>
            <input aria-label="谢绝原因 Reason" placeholder="原因 Reason" value={reason} onChange={(e) => setReason(e.target.value)} size={10} />
            <button data-action="decline" disabled={busy || reason.trim().length < 2} onClick={() => run(() => gql(DeclineConsultation, { input: { id: c.id, reason: reason.trim() } }))}>
              <T zh="谢绝" en="Decline" />
            </button>
          </>
        ) : null}
      </div>
    </td>
  );
}

/**
 * What the requesting side does with its own consultation: move a booked one to another time,
 * cancel one not yet held (with a reason), and confirm a reported one complete.
 */
function RequesterActions({
  c,
  act,
  onReschedule,
}: {
  c: Consultation;
  act: (fn: () => Promise<unknown>) => Promise<void>;
  onReschedule: () => void;
}) {
  const [reason, setReason] = useState('');
  const { busy, run } = useRunning(act);
  return (
    <td>
      <div className="actions">
        {c.state === 'REPORTED' ? (
          <button className="primary" data-action="complete" disabled={busy} onClick={() => run(() => gql(CompleteConsultation, { input: { id: c.id } }))}>
            <T zh="确认完成" en="Complete" />
          </button>
        ) : null}
        {c.state === 'SCHEDULED' ? (
          <button data-action="reschedule" disabled={busy} onClick={onReschedule}>
            <T zh="改期" en="Reschedule" />
          </button>
        ) : null}
        {c.state === 'REQUESTED' || c.state === 'SCHEDULED' ? (
          <>
            <input aria-label="取消原因 Reason" placeholder="原因 Reason" value={reason} onChange={(e) => setReason(e.target.value)} size={10} />
            <button data-action="cancel" disabled={busy || reason.trim().length < 2} onClick={() => run(() => gql(CancelConsultation, { input: { id: c.id, reason: reason.trim() } }))}>
              <T zh="取消会诊" en="Cancel" />
            </button>
          </>
        ) : null}
      </div>
    </td>
  );
}

/** The expert's report: signed on submission; a signed one is amended with a reason, as a new version. */
function ReportForm({
  c,
  act,
  onClose,
}: {
  c: Consultation;
  act: (fn: () => Promise<unknown>) => Promise<void>;
  onClose: () => void;
}) {
  const [opinion, setOpinion] = useState('');
  const [recommendations, setRecommendations] = useState('');
  const [diagnosis, setDiagnosis] = useState('');
  const [amendmentReason, setAmendmentReason] = useState('');
  const { busy, run } = useRunning(act);
  const amending = c.state === 'REPORTED';
  const ready =
    opinion.trim().length >= 2 && recommendations.trim().length >= 2 && (!amending || amendmentReason.trim().length > 0);
  const sign = () =>
    run(async () => {
      await gql(SubmitConsultationReport, {
        input: {
          id: c.id,
          opinion: opinion.trim(),
          recommendations: recommendations.trim(),
          suggestedDiagnoses: diagnosis.trim() ? [{ name: diagnosis.trim() }] : [],
          amendmentReason: amending ? amendmentReason.trim() : null,
        },
      });
      onClose();
    });
  return (
    // A refusal shows above the list (the view's `act`), not here.
    <SideForm
      name="report-form"
      attrs={{ 'data-consultation': c.number }}
      title={
        <>
          {amending ? <T zh="修订会诊报告" en="Amend the report" /> : <T zh="会诊报告" en="Consultation report" />} {c.number}
        </>
      }
      error={null}
      onClose={onClose}
      actions={
        <button className="primary" data-action="sign" disabled={busy || !ready} onClick={sign}>
          <T zh="签署并提交" en="Sign and submit" />
        </button>
      }
    >
      <dt>
        <label htmlFor="report-opinion"><T zh="会诊意见" en="Opinion" /></label>
      </dt>
      <dd>
        <textarea id="report-opinion" rows={4} cols={60} value={opinion} onChange={(e) => setOpinion(e.target.value)} />
      </dd>
      <dt>
        <label htmlFor="report-diagnosis"><T zh="建议诊断" en="Suggested diagnosis" /></label>
      </dt>
      <dd>
        <input id="report-diagnosis" value={diagnosis} onChange={(e) => setDiagnosis(e.target.value)} size={40} />
      </dd>
      <dt>
        <label htmlFor="report-recommendations"><T zh="诊疗建议" en="Recommendations" /></label>
      </dt>
      <dd>
        <textarea id="report-recommendations" rows={4} cols={60} value={recommendations} onChange={(e) => setRecommendations(e.target.value)} />
      </dd>
      {amending ? (
        <>
          <dt>
            <label htmlFor="report-amendment"><T zh="修订原因" en="Why amended" /></label>
          </dt>
          <dd>
            <input id="report-amendment" value={amendmentReason} onChange={(e) => setAmendmentReason(e.target.value)} size={40} />
          </dd>
        </>
      ) : null}
    </SideForm>
  );
}

/** Consultations: the expert's week (offered windows, days off, bookings), requests, session state. */
function consultationInHash(): string | null {
  const { view, id } = routeParts();
  return view === 'consultations' ? id : null;
}

export function ConsultationsView() {
  const me = useQuery(Me);
  const list = useQuery(Consultations, {});
  const [offset, setOffset] = useState(0);
  const nodes = list.data?.consultations.nodes ?? [];
  // The expert's own calendar; others see the first expert named in their consultations.
  const expertId =
    me.data?.me.roles.includes('EXPERT') && me.data.me.practitionerId
      ? me.data.me.practitionerId
      : (nodes.flatMap((c) => c.experts).find((e) => e.expert)?.practitionerId ?? null);
  const expertName = nodes.flatMap((c) => c.experts).find((e) => e.practitionerId === expertId)?.expert?.name;
  const days = useMemo(() => {
    const start = weekStart(offset);
    return Array.from({ length: 8 }, (_, i) => {
      const d = new Date(start);
      d.setDate(start.getDate() + i);
      return d;
    });
  }, [offset]);
  const availability = useQuery(
    ExpertAvailability,
    { expertId: expertId ?? '', from: days[0].toISOString(), to: days[7].toISOString() },
    !expertId,
  );
  const reload = list.reload;
  useEffect(() => onLive('consultation.status', () => void reload()), [reload]);
  // The signed-in expert acts on the consultations they are booked for; the api decides all the same.
  const myPractitionerId = me.data?.me.roles.includes('EXPERT') ? me.data.me.practitionerId : null;
  // Named in a request (may decline it) or booked for it (holds and reports it).
  const myPart = (c: Consultation) => c.experts.find((e) => e.practitionerId === myPractitionerId);
  const [reporting, setReporting] = useState<string | null>(null);
  // A consultation opened by its address (`#/consultations/<id>`, as a notification links it).
  const [opened, setOpened] = useState<string | null>(consultationInHash);
  useEffect(() => {
    const pick = () => setOpened(consultationInHash());
    window.addEventListener('hashchange', pick);
    return () => window.removeEventListener('hashchange', pick);
  }, []);
  const { error: actionError, act } = useAction(reload);
  const reportOn = nodes.find((c) => c.id === reporting);
  // The requesting side books its institution's requests: its clinicians and referral centre.
  const myInstitution = me.data?.me.institution.id;
  const books = !!me.data?.me.roles.some((r) => r === 'CLINICIAN' || r === 'REFERRAL_COORDINATOR');
  const bookable = (c: Consultation) => books && c.requestingInstitutionId === myInstitution;
  // An action column for the expert and for the requesting side.
  const acts = !!myPractitionerId || books;
  // The consultation whose free times are open, and the state it was opened in: booked meanwhile
  // by someone else, a request's panel closes rather than turn into a reschedule.
  const [booking, setBooking] = useState<{ id: string; state: string } | null>(null);
  const requestsNew = !!me.data?.me.roles.includes('CLINICIAN');
  const [requesting, setRequesting] = useState(false);
  // Booking a request, or moving a booked consultation: the same panel of free times.
  const bookingOn = nodes.find(
    (c) => c.id === booking?.id && c.state === booking.state && (c.state === 'REQUESTED' || c.state === 'SCHEDULED'),
  );

  const week = days.slice(0, 7);
  const bookings = new Map<string, Consultation[]>();
  for (const c of nodes) {
    if (!c.scheduledStart) continue;
    const k = dayKey(new Date(c.scheduledStart));
    bookings.set(k, [...(bookings.get(k) ?? []), c]);
  }
  const schedule = availability.data?.expertAvailability;
  // An expert keeps their own schedule here; what is offered for booking follows it.
  const ownCalendar = !!myPractitionerId && expertId === myPractitionerId;
  const [editingHours, setEditingHours] = useState(false);
  const windows = new Map<string, NonNullable<typeof schedule>['windows']>();
  for (const w of schedule?.windows ?? []) {
    const k = dayKey(new Date(w.start));
    windows.set(k, [...(windows.get(k) ?? []), w]);
  }
  const daysOff = new Set(
    (schedule?.exceptions ?? []).filter((e) => e.kind === 'DAY_OFF').map((e) => e.date),
  );
  const byState = new Map<string, number>();
  for (const c of nodes) byState.set(c.state, (byState.get(c.state) ?? 0) + 1);
  const requests = nodes.filter((c) => c.state === 'REQUESTED');
  const open = nodes.filter((c) => OPEN_STATES.includes(c.state));
  const now = Date.now();

  return (
    <>
      <ErrorNote error={list.error ?? availability.error} />
      <div className="cards" data-testid="consultation-counts">
        {Object.keys(CONSULTATION_STATE_LABELS).map((s) => (
          <div className="card" key={s} data-count={s}>
            <Label table={CONSULTATION_STATE_LABELS} code={s} />
            <span className="n">{byState.get(s) ?? 0}</span>
          </div>
        ))}
      </div>
      <section aria-labelledby="calendar-title">
        <h2 id="calendar-title">
          <T zh="专家日历:出诊与预约" en="Expert calendar: hours and bookings" />{' '}
          {expertName ? `· ${expertName}` : ''}
        </h2>
        <div className="actions">
          <button data-action="prev-week" onClick={() => setOffset(offset - 1)}>
            <T zh="上一周" en="Previous week" />
          </button>
          <button data-action="this-week" disabled={offset === 0} onClick={() => setOffset(0)}>
            <T zh="本周" en="This week" />
          </button>
          <button data-action="next-week" onClick={() => setOffset(offset + 1)}>
            <T zh="下一周" en="Next week" />
          </button>
          {ownCalendar && schedule ? (
            <button data-action="edit-availability" aria-pressed={editingHours} onClick={() => setEditingHours(true)}>
              <T zh="编辑出诊安排" en="Edit the schedule" />
            </button>
          ) : null}
          <span className="en">
            <span className="legend slot">出诊 Hours</span>{' '}
            <span className="legend slot extra">加诊 Extra</span>{' '}
            <span className="legend dayoff">停诊 Day off</span>{' '}
            <span className="legend booking">预约 Booking</span>
          </span>
        </div>
        <div
          className="calendar"
          data-testid="calendar"
          data-from={days[0].toISOString()}
          data-loaded={String(!!schedule)}
        >
          {week.map((d, i) => {
            const k = dayKey(d);
            return (
              <div className={`day${daysOff.has(k) ? ' off' : ''}`} key={k} data-day={k}>
                <strong>
                  {WEEKDAYS[i]} {d.getMonth() + 1}/{d.getDate()}
                </strong>
                {daysOff.has(k) ? (
                  <div className="dayoff" data-dayoff={k}>
                    <T zh="停诊" en="Day off" />
                  </div>
                ) : null}
                {(windows.get(k) ?? []).map((w) => (
                  <div
                    className={`slot${w.extra ? ' extra' : ''}`}
                    key={`${w.start}-${w.mode}`}
                    data-window={w.start}
                    data-end={w.end}
                    data-mode={w.mode}
                    data-extra={String(w.extra)}
                    title={`${w.mode === 'REMOTE' ? 'Remote' : 'On site'} · ${w.sessionMinutes} min${w.extra ? ' · extra window' : ''}`}
                  >
                    {hhmm(w.start)}–{hhmm(w.end) === '00:00' ? '24:00' : hhmm(w.end)}{' '}
                    {w.mode === 'REMOTE' ? '远程' : '现场'}
                    {w.extra ? ' 加诊' : ''}
                  </div>
                ))}
                {(bookings.get(k) ?? []).map((c) => (
                  <div
                    className={`booking${CLOSED_STATES.includes(c.state) ? ' closed' : ''}`}
                    key={c.id}
                    data-booking={c.number}
                    data-state={c.state}
                    title={CONSULTATION_STATE_LABELS[c.state]?.[1] ?? c.state}
                  >
                    {hhmm(c.scheduledStart!)} {c.number}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      </section>
      <section aria-labelledby="requests-title">
        <h2 id="requests-title">
          <T zh="待预约的会诊申请" en="Requests awaiting booking" />{' '}
          <span data-testid="request-count">{requests.length}</span>
        </h2>
        <div className="scroll">
          <table data-testid="requests">
            <thead>
              <tr>
                <th>
                  <T zh="单号" en="Number" />
                </th>
                <th>
                  <T zh="类型" en="Kind" />
                </th>
                <th>
                  <T zh="紧急程度" en="Urgency" />
                </th>
                <th>
                  <T zh="申请机构" en="Requested by" />
                </th>
                <th>
                  <T zh="指定专家" en="Named experts" />
                </th>
                <th>
                  <T zh="目的" en="Purpose" />
                </th>
                <th>
                  <T zh="申请时间" en="Requested" />
                </th>
                {books ? (
                  <th>
                    <T zh="操作" en="Action" />
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {requests.map((c) => (
                <tr key={c.id} data-number={c.number}>
                  <td className="nowrap">{c.number}</td>
                  <td>
                    <Label table={CONSULTATION_KIND_LABELS} code={c.kind} />
                  </td>
                  <td>
                    <Label table={URGENCY_LABELS} code={c.urgency} />
                  </td>
                  <td>{c.requestingInstitution?.name}</td>
                  <td>
                    {c.experts
                      .filter((e) => e.named)
                      .map((e) => e.expert?.name)
                      .join('、') || (c.requestedSpecialty ? `${c.requestedSpecialty}` : '—')}
                  </td>
                  <td>{c.purpose}</td>
                  <td>{formatTime(c.createdAt)}</td>
                  {books ? (
                    <td>
                      {bookable(c) ? (
                        <button className="primary" data-action="book" aria-pressed={booking?.id === c.id} onClick={() => setBooking({ id: c.id, state: c.state })}>
                          <T zh="预约" en="Book" />
                        </button>
                      ) : (
                        '—'
                      )}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {requestsNew && !requesting ? (
        <div className="actions">
          <button data-action="new-consultation" onClick={() => setRequesting(true)}>
            <T zh="申请会诊" en="Request a consultation" />
          </button>
        </div>
      ) : null}
      {requesting ? (
        <NewConsultation
          onClose={() => setRequesting(false)}
          onCreated={() => {
            setRequesting(false);
            void reload();
          }}
        />
      ) : null}
      {bookingOn ? (
        <BookingPanel
          key={bookingOn.id}
          c={bookingOn}
          onClose={() => setBooking(null)}
          onBooked={() => {
            setBooking(null);
            void reload();
          }}
        />
      ) : null}
      {editingHours && ownCalendar && schedule && expertId ? (
        <AvailabilityEditor
          expertId={expertId}
          schedule={schedule}
          onClose={() => setEditingHours(false)}
          onPublished={() => {
            setEditingHours(false);
            void availability.reload();
          }}
        />
      ) : null}
      {reportOn ? <ReportForm key={reportOn.id} c={reportOn} act={act} onClose={() => setReporting(null)} /> : null}
      {opened ? (
        <ConsultationDetail
          key={opened}
          id={opened}
          requestingFor={books ? myInstitution : undefined}
          onClose={() => {
            window.location.hash = '#/consultations';
          }}
        />
      ) : null}
      {/* A table with an action column takes the whole width, the chart below it. */}
      <div className={acts ? undefined : 'split'}>
        {/* Not a capped scroll box: its last rows were cut off at the bottom of one; the page scrolls. */}
        <section aria-labelledby="consultations-title">
          <h2 id="consultations-title">
            <T zh="会诊与会话状态" en="Consultations and sessions" />
          </h2>
          <div data-testid="consultation-error">
            <ErrorNote error={actionError} />
          </div>
          <table data-testid="consultations">
            <thead>
              <tr>
                <th>
                  <T zh="单号" en="Number" />
                </th>
                <th>
                  <T zh="类型" en="Kind" />
                </th>
                <th>
                  <T zh="患者" en="Patient" />
                </th>
                <th>
                  <T zh="申请机构" en="Requested by" />
                </th>
                <th>
                  <T zh="时间" en="Scheduled" />
                </th>
                <th>
                  <T zh="状态" en="State" />
                </th>
                <th>
                  <T zh="会话" en="Session" />
                </th>
                {acts ? (
                  <th>
                    <T zh="操作" en="Action" />
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {nodes.map((c) => (
                <tr
                  key={c.id}
                  data-number={c.number}
                  data-state={c.state}
                  className={OPEN_STATES.includes(c.state) ? '' : 'closed'}
                >
                  <td className="nowrap">
                    <a href={`#/consultations/${c.id}`} data-link="consultation" aria-current={opened === c.id ? 'true' : undefined}>
                      {c.number}
                    </a>
                  </td>
                  <td>
                    <Label table={CONSULTATION_KIND_LABELS} code={c.kind} />
                  </td>
                  <td>{c.patient?.name ?? '—'}</td>
                  <td>{c.requestingInstitution?.name}</td>
                  <td>{formatTime(c.scheduledStart)}</td>
                  <td>
                    <Label table={CONSULTATION_STATE_LABELS} code={c.state} />
                  </td>
                  <SessionState c={c} now={now} />
                  {acts ? (
                    myPractitionerId && myPart(c) ? (
                      <ExpertActions c={c} assigned={!!myPart(c)?.assigned} act={act} onReport={() => setReporting(c.id)} />
                    ) : bookable(c) ? (
                      <RequesterActions c={c} act={act} onReschedule={() => setBooking({ id: c.id, state: c.state })} />
                    ) : (
                      <td>—</td>
                    )
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
          {list.data && nodes.length === 0 ? (
            <p className="note" data-testid="no-consultations">
              <T
                zh="暂无与本机构有关的远程会诊:会诊由本机构的医生申请,或请本机构的专家参加后显示在这里。"
                en="No consultation involves this institution yet: one shows here once a doctor of it requests one, or an expert of it is asked to join."
              />
            </p>
          ) : null}
          <p>
            <T zh="未结束" en="Open" />: <span data-testid="open-requests">{open.length}</span>
          </p>
        </section>
        <Chart
          label="按状态的会诊数 Consultations by state"
          option={{
            tooltip: { trigger: 'item' },
            series: [
              {
                type: 'pie',
                radius: ['35%', '65%'],
                data: [...byState].map(([s, n]) => ({
                  name: CONSULTATION_STATE_LABELS[s]?.[0] ?? s,
                  value: n,
                })),
              },
            ],
          }}
        />
      </div>
    </>
  );
}
