import { useEffect, useState } from 'react';
import { gql } from '../api/client';
import { PatientRecord, ReferralSlip as SlipQuery, type Role } from '../api/generated';
import { ErrorNote, formatTime, INSURANCE_LABELS, Label, SEX_LABELS, T, URGENCY_LABELS } from '../i18n';
import { useQuery } from '../use-query';

/** The roles whose single-patient read is unmasked (and audited): only they print the ID number. */
const UNMASKED_READERS: Role[] = ['CLINICIAN', 'REFERRAL_COORDINATOR'];

/**
 * The paper 双向转诊单 the patient carries, laid out from the referral as the api has it, with the
 * lines the paper form leaves for signatures and the institution's stamp. Printing shows this
 * alone (see `@media print`). The full ID number comes from the patient's own record, read (and
 * audited) only for the roles that may see it; anyone else prints the line empty.
 */
export function ReferralSlip({ id, roles, onClose }: { id: string; roles: Role[]; onClose: () => void }) {
  const q = useQuery(SlipQuery, { id });
  const r = q.data?.referral;
  const [idNumber, setIdNumber] = useState<string | null>(null);
  const reads = roles.some((role) => UNMASKED_READERS.includes(role));
  const patientId = r?.patientId;
  useEffect(() => {
    if (!patientId || !reads) return;
    // Best effort: without the right to read the patient, the line stays empty.
    gql(PatientRecord, { id: patientId })
      .then(({ patient }) => setIdNumber(patient.masked ? null : patient.idNumber))
      .catch(() => setIdNumber(null));
  }, [patientId, reads]);
  if (!r) return <ErrorNote error={q.error} />;
  const up = r.direction === 'UP';
  const Row = ({ zh, en, children }: { zh: string; en: string; children: React.ReactNode }) => (
    <tr>
      <th scope="row">
        <T zh={zh} en={en} />
      </th>
      <td colSpan={3}>{children}</td>
    </tr>
  );
  return (
    <div className="slip-frame" data-testid="referral-slip" data-referral={r.id}>
      <div className="slip-toolbar actions">
        <button className="primary" data-action="print-slip" onClick={() => window.print()}>
          <T zh="打印" en="Print" />
        </button>
        <button data-action="close-slip" onClick={onClose}>
          <T zh="关闭" en="Close" />
        </button>
      </div>
      <article className="slip">
        <h1>
          {r.fromInstitution?.name ?? ''}
          <br />
          {up ? <T zh="双向转诊单(上转)" en="Referral slip (up)" /> : <T zh="双向转诊单(下转)" en="Referral slip (down)" />}
        </h1>
        <p className="slip-number">
          <T zh="编号" en="No." />: <span data-field="number">{r.number}</span>
        </p>
        <table>
          <tbody>
            <tr>
              <th scope="row">
                <T zh="患者姓名" en="Patient" />
              </th>
              <td data-field="patient">{r.patient?.name ?? ''}</td>
              <th scope="row">
                <T zh="性别 / 出生年份" en="Sex / born" />
              </th>
              <td>
                {r.patient ? <Label table={SEX_LABELS} code={r.patient.sex} /> : null} / {r.patient?.birthYear ?? ''}
              </td>
            </tr>
            <tr>
              <th scope="row">
                <T zh="身份证号" en="ID number" />
              </th>
              <td data-field="idNumber">{idNumber ?? ''}</td>
              <th scope="row">
                <T zh="联系电话" en="Phone" />
              </th>
              <td data-field="contactPhone">{r.contactPhone}</td>
            </tr>
            <tr>
              <th scope="row">
                <T zh="费别" en="Insurance" />
              </th>
              <td>
                <Label table={INSURANCE_LABELS} code={r.insuranceType} />
              </td>
              <th scope="row">
                <T zh="紧急程度" en="Urgency" />
              </th>
              <td>
                <Label table={URGENCY_LABELS} code={r.urgency} />
              </td>
            </tr>
            <Row zh="初步诊断" en="Diagnosis">
              <span data-field="diagnosis">
                {r.diagnosisName} ({r.diagnosisCode})
              </span>
            </Row>
            <Row zh="转往医疗机构及科室" en="To">
              <span data-field="to">
                {r.toInstitution?.name ?? ''}
                {r.toDepartment ? ` ${r.toDepartment.name}` : ''}
              </span>
            </Row>
            <Row zh="转诊目的" en="Purpose">
              <span data-field="purpose">{r.purpose}</span>
            </Row>
            <Row zh="病情摘要" en="Clinical summary">
              <span data-field="summary">{r.clinicalSummary}</span>
            </Row>
            {r.dischargeSummary ? (
              <Row zh="出院小结" en="Discharge summary">
                {r.dischargeSummary}
              </Row>
            ) : null}
            {r.rehabPlan ? (
              <Row zh="康复与随访计划" en="Follow-up plan">
                {r.rehabPlan}
              </Row>
            ) : null}
            {r.medicationPlan.length ? (
              <Row zh="用药方案" en="Medication plan">
                <ul data-field="medication">
                  {r.medicationPlan.map((m, i) => (
                    <li key={i}>{[m.drug, m.dose, m.route, m.frequency, m.duration].filter(Boolean).join(' ')}</li>
                  ))}
                </ul>
              </Row>
            ) : null}
            <Row zh="转诊注意事项" en="Notes">
              {r.attentionNotes ?? ''}
            </Row>
            <Row zh="预约 / 床位" en="Appointment / bed">
              {r.appointmentAt ? `${formatTime(r.appointmentAt)} ${r.appointmentPlace ?? ''}` : ''}
              {r.bed ? ` ${r.bed}` : ''}
            </Row>
            <Row zh="转诊时限" en="Answer by">
              {formatTime(r.submittedAt ?? r.createdAt)} — {formatTime(r.responseDueAt ?? r.dueAt)}
            </Row>
          </tbody>
        </table>
        <table className="slip-signatures">
          <tbody>
            <tr>
              <th scope="row">
                <T zh="转诊医生" en="Referring doctor" />
              </th>
              <td data-field="doctor">{r.fromPractitioner?.name ?? ''}</td>
              <th scope="row">
                <T zh="签名" en="Signature" />
              </th>
              <td />
            </tr>
            <tr>
              <th scope="row">
                <T zh="审核人签名" en="Reviewed by" />
              </th>
              <td />
              <th scope="row">
                <T zh="转出机构(盖章)" en="Institution stamp" />
              </th>
              <td>{r.fromInstitution?.phone ?? ''}</td>
            </tr>
            <tr>
              <th scope="row">
                <T zh="患方签字" en="Patient or family" />
              </th>
              <td />
              <th scope="row">
                <T zh="转诊日期" en="Date" />
              </th>
              <td>{formatTime(r.submittedAt ?? r.createdAt).split(' ')[0]}</td>
            </tr>
          </tbody>
        </table>
      </article>
    </div>
  );
}
