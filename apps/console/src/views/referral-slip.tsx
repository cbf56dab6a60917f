import { useEffect, useState } from 'react';
import { gql } from '../api/client';
import { PatientRecord, ReferralSlip as SlipQuery, type Role } from '../api/generated';
import { ErrorNote, formatTime, INSURANCE_LABELS, Label, T, URGENCY_LABELS } from '../i18n';
import { PatientPair, PrintSheet, SheetPair, SheetRow } from './print-sheet';
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
  const submitted = formatTime(r.submittedAt ?? r.createdAt);
  return (
    <PrintSheet
      testId="referral-slip"
      action="slip"
      issuer={r.fromInstitution?.name ?? ''}
      title={up ? <T zh="双向转诊单(上转)" en="Referral slip (up)" /> : <T zh="双向转诊单(下转)" en="Referral slip (down)" />}
      number={r.number}
      onClose={onClose}
    >
      <table>
        <tbody>
          <PatientPair patient={r.patient} />
          <SheetPair
            left={{ zh: '身份证号', en: 'ID number', name: 'idNumber', value: idNumber ?? '' }}
            right={{ zh: '联系电话', en: 'Phone', name: 'contactPhone', value: r.contactPhone }}
          />
          <SheetPair
            left={{ zh: '费别', en: 'Insurance', value: <Label table={INSURANCE_LABELS} code={r.insuranceType} /> }}
            right={{ zh: '紧急程度', en: 'Urgency', value: <Label table={URGENCY_LABELS} code={r.urgency} /> }}
          />
          <SheetRow zh="初步诊断" en="Diagnosis" name="diagnosis">
            {r.diagnosisName} ({r.diagnosisCode})
          </SheetRow>
          <SheetRow zh="转往医疗机构及科室" en="To" name="to">
            {r.toInstitution?.name ?? ''}
            {r.toDepartment ? ` ${r.toDepartment.name}` : ''}
          </SheetRow>
          <SheetRow zh="转诊目的" en="Purpose" name="purpose">
            {r.purpose}
          </SheetRow>
          <SheetRow zh="病情摘要" en="Clinical summary" name="summary">
            {r.clinicalSummary}
          </SheetRow>
          {r.dischargeSummary ? (
            <SheetRow zh="出院小结" en="Discharge summary">
              {r.dischargeSummary}
            </SheetRow>
          ) : null}
          {r.rehabPlan ? (
            <SheetRow zh="康复与随访计划" en="Follow-up plan">
              {r.rehabPlan}
            </SheetRow>
          ) : null}
          {r.medicationPlan.length ? (
            <SheetRow zh="用药方案" en="Medication plan">
              <ul data-field="medication">
                {r.medicationPlan.map((m, i) => (
                  <li key={i}>{[m.drug, m.dose, m.route, m.frequency, m.duration].filter(Boolean).join(' ')}</li>
                ))}
              </ul>
            </SheetRow>
          ) : null}
          <SheetRow zh="转诊注意事项" en="Notes">
            {r.attentionNotes ?? ''}
          </SheetRow>
          {/* What travels with the patient: the receiving side finds the files in the system by these names. */}
          <SheetRow zh="随附资料" en="Attachments" name="attachments">
            {r.attachments.map((a) => a.name).join('、')}
          </SheetRow>
          <SheetRow zh="预约 / 床位" en="Appointment / bed">
            {r.appointmentAt ? `${formatTime(r.appointmentAt)} ${r.appointmentPlace ?? ''}` : ''}
            {r.bed ? ` ${r.bed}` : ''}
          </SheetRow>
          <SheetRow zh="转诊时限" en="Answer by">
            {submitted} — {formatTime(r.responseDueAt ?? r.dueAt)}
          </SheetRow>
        </tbody>
      </table>
      <table className="slip-signatures">
        <tbody>
          <SheetPair
            left={{ zh: '转诊医生', en: 'Referring doctor', name: 'doctor', value: r.fromPractitioner?.name ?? '' }}
            right={{ zh: '签名', en: 'Signature', value: null }}
          />
          <SheetPair
            left={{ zh: '审核人签名', en: 'Reviewed by', value: null }}
            right={{ zh: '转出机构(盖章)', en: 'Institution stamp', value: r.fromInstitution?.phone ?? '' }}
          />
          <SheetPair
            left={{ zh: '患方签字', en: 'Patient or family', value: null }}
            right={{ zh: '转诊日期', en: 'Date', value: submitted.split(' ')[0] }}
          />
        </tbody>
      </table>
    </PrintSheet>
  );
}
