import { useEffect, useState } from 'react';
import { gql } from '../api/client';
import {
  AddConsultationAttachments,
  ConsultationDetail as DetailQuery,
  type ConsultationDetailResult,
  type ConsultationState,
} from '../api/generated';
import { onLive } from '../api/live';
import {
  CONSULTATION_KIND_LABELS,
  CONSULTATION_STATE_LABELS,
  CONSULTATION_STEP_LABELS,
  ErrorNote,
  formatTime,
  Label,
  SEX_LABELS,
  T,
  TITLE_LABELS,
  URGENCY_LABELS,
} from '../i18n';
import { useQuery } from '../use-query';
import { AddAttachments, AttachmentList, DownloadButton } from './attachments';
import { PatientPair, PrintSheet, SheetPair, SheetRow } from './print-sheet';

type Consultation = ConsultationDetailResult['consultation'];
type Report = Consultation['reports'][number];

const diagnosesOf = (r: Report) => r.suggestedDiagnoses.map((d) => (d.code ? `${d.name} (${d.code})` : d.name)).join(';');

/** While the experts still read the case, its requesting side may add studies (the api's ATTACHING_STATES). */
const ATTACHING: ConsultationState[] = ['REQUESTED', 'SCHEDULED', 'IN_PROGRESS'];

/** The signed report in force: the highest version (amendments are new versions). */
function latest(reports: Report[]): Report | null {
  return reports.reduce<Report | null>((a, r) => (!a || r.version > a.version ? r : a), null);
}

function Field({ zh, en, children, name }: { zh: string; en: string; children: React.ReactNode; name?: string }) {
  return (
    <>
      <dt>
        <T zh={zh} en={en} />
      </dt>
      <dd data-field={name}>{children}</dd>
    </>
  );
}

/**
 * One consultation as the api shows it to the caller: the request (purpose, question, case
 * summary, consent, studies by address or uploaded), the experts, the session, the signed report
 * in force with its earlier versions, and the timeline. The requesting doctor reads the expert's
 * opinion here, and prints it as the report both sides keep in the record.
 */
export function ConsultationDetail({
  id,
  onClose,
  requestingFor,
}: {
  id: string;
  onClose: () => void;
  /** The institution whose clinicians and coordinators the user acts for, when on a requesting side. */
  requestingFor?: string;
}) {
  const q = useQuery(DetailQuery, { id });
  const [printing, setPrinting] = useState(false);
  const reload = q.reload;
  useEffect(
    () => onLive('consultation.status', (p) => (p as { id?: string }).id === id && void reload()),
    [id, reload],
  );
  const c = q.data?.consultation;
  if (!c) return <ErrorNote error={q.error} />;
  const report = latest(c.reports);
  const nameOf = (practitionerId: string) => c.experts.find((e) => e.practitionerId === practitionerId)?.expert;
  const earlier = c.reports.filter((r) => r !== report).sort((a, b) => b.version - a.version);
  const attaches = !!requestingFor && c.requestingInstitutionId === requestingFor && ATTACHING.includes(c.state);
  return (
    <section className="panel" aria-labelledby="consultation-title" data-testid="consultation-detail" data-consultation={c.id}>
      <h2 id="consultation-title">
        {c.number}{' '}
        <span className="badge">
          <Label table={CONSULTATION_STATE_LABELS} code={c.state} />
        </span>
      </h2>
      <div className="actions">
        {report ? (
          <button data-action="open-report-print" aria-pressed={printing} onClick={() => setPrinting(!printing)}>
            <T zh="打印会诊报告" en="Print the report" />
          </button>
        ) : null}
        <button data-action="close-consultation" onClick={onClose}>
          <T zh="关闭" en="Close" />
        </button>
      </div>
      {printing && report ? <ReportSheet c={c} report={report} onClose={() => setPrinting(false)} /> : null}
      <dl className="form">
        <Field zh="类型" en="Kind">
          <Label table={CONSULTATION_KIND_LABELS} code={c.kind} /> · <Label table={URGENCY_LABELS} code={c.urgency} />
        </Field>
        <Field zh="患者" en="Patient" name="patient">
          {c.patient ? (
            <>
              {c.patient.name} · <Label table={SEX_LABELS} code={c.patient.sex} /> · {c.patient.birthYear ?? '—'}
            </>
          ) : (
            '—'
          )}
        </Field>
        <Field zh="申请机构" en="Requested by">
          {c.requestingInstitution?.name ?? '—'} · {formatTime(c.createdAt)}
        </Field>
        <Field zh="会诊目的" en="Purpose" name="purpose">
          {c.purpose}
        </Field>
        <Field zh="咨询问题" en="Question" name="question">
          {c.question}
        </Field>
        <Field zh="病历摘要" en="Case summary" name="caseSummary">
          {c.caseSummary}
        </Field>
        <Field zh="专家" en="Experts" name="experts">
          {c.experts.length
            ? c.experts
                .map((e) => `${e.expert?.name ?? '—'}${e.assigned ? '' : '(指定)'}`)
                .join('、')
            : `${c.requestedSpecialty ?? ''} ${c.requestedTitle ?? ''}`.trim() || '—'}
        </Field>
        <Field zh="时间" en="Scheduled">
          {c.scheduledStart ? `${formatTime(c.scheduledStart)} – ${formatTime(c.scheduledEnd)}` : '—'}
          {c.meetingUrl ? (
            <>
              {' '}
              · <a href={c.meetingUrl}>{c.meetingUrl}</a>
            </>
          ) : null}
        </Field>
        <Field zh="知情同意" en="Consent" name="consent">
          {c.consent ? (
            <>
              {c.consent.signedBy}({c.consent.relationship})· {formatTime(c.consent.signedAt)} ·{' '}
              {c.consent.documentId ? (
                <DownloadButton documentId={c.consent.documentId} name={`知情同意书-${c.number}`} />
              ) : (
                <a href={c.consent.documentUri}>{c.consent.documentUri}</a>
              )}
            </>
          ) : (
            '—'
          )}
        </Field>
        {c.attachments.length || attaches ? (
          <Field zh="检查资料" en="Studies" name="attachments">
            {c.attachments.length ? <AttachmentList attachments={c.attachments} /> : null}
            {attaches ? (
              <AddAttachments
                id={`consultation-${c.id}`}
                withNote
                onAdd={async (attachments, note) => {
                  await gql(AddConsultationAttachments, { input: { id: c.id, attachments, note } });
                  await reload();
                }}
              />
            ) : null}
          </Field>
        ) : null}
        {c.cancelReason || c.declineReason ? (
          <Field zh="原因" en="Why">
            {c.cancelReason ?? c.declineReason}
          </Field>
        ) : null}
      </dl>
      <h2>
        <T zh="会诊报告" en="Report" />
      </h2>
      {report ? (
        <div data-testid="consultation-report" data-version={report.version}>
          <dl className="form">
            <Field zh="会诊意见" en="Opinion" name="opinion">
              {report.opinion}
            </Field>
            <Field zh="建议诊断" en="Suggested diagnoses" name="diagnoses">
              {diagnosesOf(report) || '—'}
            </Field>
            <Field zh="诊疗建议" en="Recommendations" name="recommendations">
              {report.recommendations}
            </Field>
            <Field zh="签署" en="Signed" name="signed">
              {nameOf(report.authorPractitionerId)?.name ?? '—'} · {formatTime(report.signedAt)} ·{' '}
              <T zh={`第 ${report.version} 版`} en={`version ${report.version}`} />
              {report.amendmentReason ? ` · ${report.amendmentReason}` : ''}
            </Field>
          </dl>
          {earlier.length ? (
            <details data-testid="earlier-reports">
              <summary>
                <T zh={`此前的 ${earlier.length} 个版本`} en={`${earlier.length} earlier version(s)`} />
              </summary>
              <ol>
                {earlier.map((r) => (
                  <li key={r.id} data-version={r.version}>
                    <T zh={`第 ${r.version} 版`} en={`version ${r.version}`} /> · {formatTime(r.signedAt)} · {r.opinion}
                  </li>
                ))}
              </ol>
            </details>
          ) : null}
        </div>
      ) : (
        <p className="note" data-testid="no-report">
          {c.reportDueAt ? (
            <T zh={`尚无报告,应于 ${formatTime(c.reportDueAt)} 前提交`} en={`No report yet; due by ${formatTime(c.reportDueAt)}`} />
          ) : (
            <T zh="尚无报告" en="No report yet" />
          )}
        </p>
      )}
      <h2>
        <T zh="时间线" en="Timeline" />
      </h2>
      <ol data-testid="consultation-timeline">
        {c.timeline.map((s) => (
          <li key={s.id}>
            {formatTime(s.at)} · <Label table={CONSULTATION_STEP_LABELS} code={s.action} /> →{' '}
            <Label table={CONSULTATION_STATE_LABELS} code={s.toState} /> {s.note ? `· ${s.note}` : ''}
          </li>
        ))}
      </ol>
    </section>
  );
}

/**
 * The report as the paper both sides archive (受邀方's signed opinion, kept in the inviting
 * institution's record): printed alone, as the referral slip is.
 */
function ReportSheet({ c, report, onClose }: { c: Consultation; report: Report; onClose: () => void }) {
  const author = c.experts.find((e) => e.practitionerId === report.authorPractitionerId)?.expert;
  return (
    <PrintSheet
      testId="report-sheet"
      action="report"
      issuer={author?.institution.name ?? ''}
      title={<T zh="远程会诊报告" en="Remote consultation report" />}
      number={c.number}
      onClose={onClose}
    >
      <table>
        <tbody>
          <PatientPair patient={c.patient} />
          <SheetPair
            left={{ zh: '邀请方', en: 'Requested by', value: c.requestingInstitution?.name ?? '' }}
            right={{ zh: '类型', en: 'Kind', value: <Label table={CONSULTATION_KIND_LABELS} code={c.kind} /> }}
          />
          <SheetRow zh="会诊时间" en="Held">
            {formatTime(c.startedAt ?? c.scheduledStart)}
          </SheetRow>
          <SheetRow zh="会诊目的 / 问题" en="Purpose / question">
            {c.purpose};{c.question}
          </SheetRow>
          <SheetRow zh="病历摘要" en="Case summary">
            {c.caseSummary}
          </SheetRow>
          <SheetRow zh="会诊意见" en="Opinion" name="opinion">
            {report.opinion}
          </SheetRow>
          <SheetRow zh="建议诊断" en="Suggested diagnoses">
            {diagnosesOf(report)}
          </SheetRow>
          <SheetRow zh="诊疗建议" en="Recommendations" name="recommendations">
            {report.recommendations}
          </SheetRow>
          {report.amendmentReason ? (
            <SheetRow zh="修订说明" en="Amended because">
              {report.amendmentReason}
            </SheetRow>
          ) : null}
        </tbody>
      </table>
      <table className="slip-signatures">
        <tbody>
          <SheetPair
            left={{
              zh: '会诊专家',
              en: 'Expert',
              name: 'expert',
              value: author ? (
                <>
                  {author.name} <Label table={TITLE_LABELS} code={author.title} />
                </>
              ) : (
                ''
              ),
            }}
            right={{
              zh: '电子签署',
              en: 'Signed',
              name: 'signed',
              value: (
                <>
                  {formatTime(report.signedAt)} · <T zh={`第 ${report.version} 版`} en={`version ${report.version}`} />
                </>
              ),
            }}
          />
          <SheetRow zh="报告指纹" en="Report hash" name="hash">
            <span className="en">{report.contentHash}</span>
          </SheetRow>
          <SheetPair left={{ zh: '邀请方医生签收', en: 'Received by', value: null }} right={{ zh: '日期', en: 'Date', value: null }} />
        </tbody>
      </table>
    </PrintSheet>
  );
}
