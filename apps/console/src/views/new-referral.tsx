import { useMemo, useState } from 'react';
import { gql } from '../api/client';
import {
  CreateReferral,
  ReferralTargets,
  type InsuranceType,
  type ReferralDirection,
  type Urgency,
} from '../api/generated';
import { INSURANCE_LABELS, T, URGENCY_LABELS } from '../i18n';
import { AttachmentPicker, useAttachmentUploads } from './attachments';
import { PatientPicker, type Patient } from './patient-picker';
import { SideForm, useSubmit } from './side-form';
import { useAllPages } from '../use-query';

interface Medication {
  drug: string;
  dose: string;
  route: string;
  frequency: string;
  duration: string;
}

const INSURANCE = Object.entries(INSURANCE_LABELS).map(
  ([code, [zh, en]]) => [code as InsuranceType, `${zh} ${en}`] as const,
);
const EMPTY_MEDICATION: Medication = { drug: '', dose: '', route: '', frequency: '', duration: '' };
const MEDICATION_FIELDS: [keyof Medication, string][] = [
  ['drug', '药品 Drug'],
  ['dose', '剂量 Dose'],
  ['route', '途径 Route'],
  ['frequency', '频次 Frequency'],
  ['duration', '疗程 Duration'],
];

/** Targets listed county first, then townships and villages, then partners outside the county. */
const TIER_ORDER = ['COUNTY', 'TOWNSHIP', 'VILLAGE', 'EXTERNAL'];

/**
 * A new referral (转诊单), up or down: the patient found by name or the last characters of the ID
 * number (masked, as every list), the receiving institution and department, the diagnosis and
 * purpose; a down-referral also carries its discharge summary, follow-up plan and medication plan.
 * Saved as a draft or submitted at once. The form keeps one idempotency key, so pressing again
 * after a lost answer cannot send the referral twice; the api checks everything again.
 */
export function NewReferral({
  institutionId,
  onCreated,
  onClose,
}: {
  /** The sender: the signed-in user's institution, never a target. */
  institutionId: string | undefined;
  onCreated: (id: string) => void;
  onClose: () => void;
}) {
  const idempotencyKey = useMemo(() => `console-${crypto.randomUUID()}`, []);
  const targets = useAllPages(async (after) => (await gql(ReferralTargets, { after })).institutions);
  const institutions = targets.data;
  const [patient, setPatient] = useState<Patient | null>(null);
  const [direction, setDirection] = useState<ReferralDirection>('UP');
  const [toInstitutionId, setTo] = useState('');
  const [toDepartmentId, setDepartment] = useState('');
  const [urgency, setUrgency] = useState<Urgency>('ROUTINE');
  const [diagnosisCode, setCode] = useState('');
  const [diagnosisName, setDiagnosis] = useState('');
  const [purpose, setPurpose] = useState('');
  const [clinicalSummary, setSummary] = useState('');
  const [insuranceType, setInsurance] = useState<InsuranceType>('URBAN_RURAL_RESIDENT');
  const [contactPhone, setPhone] = useState('');
  const [dischargeSummary, setDischarge] = useState('');
  const [rehabPlan, setRehab] = useState('');
  const [medications, setMedications] = useState<Medication[]>([{ ...EMPTY_MEDICATION }]);
  const uploads = useAttachmentUploads();
  const { busy, error, setError, submit } = useSubmit();

  const target = (institutions ?? []).find((i) => i.id === toInstitutionId);
  const down = direction === 'DOWN';
  const plan = medications.filter((m) => Object.values(m).some((v) => v.trim()));
  const ready =
    !!patient &&
    !!toInstitutionId &&
    diagnosisCode.trim() !== '' &&
    diagnosisName.trim() !== '' &&
    purpose.trim() !== '' &&
    clinicalSummary.trim() !== '' &&
    contactPhone.trim() !== '' &&
    (!down || (dischargeSummary.trim() !== '' && rehabPlan.trim() !== '' && plan.length > 0)) &&
    !uploads.uploading;

  const create = (andSubmit: boolean) =>
    submit(async () => {
      const { createReferral } = await gql(CreateReferral, {
        input: {
          patientId: patient!.id,
          direction,
          toInstitutionId,
          toDepartmentId: toDepartmentId || null,
          urgency,
          diagnosisCode: diagnosisCode.trim().toUpperCase(),
          diagnosisName: diagnosisName.trim(),
          purpose: purpose.trim(),
          clinicalSummary: clinicalSummary.trim(),
          insuranceType,
          contactPhone: contactPhone.trim(),
          attachments: uploads.attachments,
          dischargeSummary: down ? dischargeSummary.trim() : null,
          rehabPlan: down ? rehabPlan.trim() : null,
          medicationPlan: down ? plan.map((m) => ({ ...m })) : [],
          submit: andSubmit,
          idempotencyKey,
        },
      });
      onCreated(createReferral.id);
    });

  return (
    <SideForm
      name="new-referral"
      title={<T zh="新建转诊单" en="New referral" />}
      error={error ?? targets.error}
      onClose={onClose}
      actions={
        <>
          <button
            className="primary"
            data-action="create-submit"
            disabled={busy || !ready}
            onClick={() => void create(true)}
          >
            <T zh="提交转诊" en="Submit" />
          </button>
          <button data-action="create-draft" disabled={busy || !ready} onClick={() => void create(false)}>
            <T zh="存为草稿" en="Save draft" />
          </button>
        </>
      }
    >
      <dt>
        <label htmlFor="pp-search">
          <T zh="患者" en="Patient" />
        </label>
      </dt>
      <dd>
        <PatientPicker patient={patient} onPick={setPatient} onError={setError} />
      </dd>
      <dt>
        <T zh="方向" en="Direction" />
      </dt>
      <dd role="radiogroup" aria-label="方向 Direction">
        {(['UP', 'DOWN'] as ReferralDirection[]).map((d) => (
          <label key={d}>
            <input
              type="radio"
              name="nr-direction"
              value={d}
              checked={direction === d}
              onChange={() => setDirection(d)}
            />{' '}
            {d === 'UP' ? <T zh="上转" en="Upward" /> : <T zh="下转" en="Downward" />}{' '}
          </label>
        ))}
      </dd>
      <dt>
        <label htmlFor="nr-to">
          <T zh="接收机构" en="To" />
        </label>
      </dt>
      <dd>
        <select
          id="nr-to"
          value={toInstitutionId}
          onChange={(e) => {
            setTo(e.target.value);
            setDepartment('');
          }}
        >
          <option value="">—</option>
          {[...(institutions ?? [])]
            .filter((i) => i.id !== institutionId)
            .sort(
              (a, b) =>
                TIER_ORDER.indexOf(a.tier) - TIER_ORDER.indexOf(b.tier) || a.name.localeCompare(b.name, 'zh'),
            )
            .map((i) => (
              <option key={i.id} value={i.id}>
                {i.name}
              </option>
            ))}
        </select>{' '}
        {target?.departments.length ? (
          <select
            aria-label="接收科室 Department"
            value={toDepartmentId}
            onChange={(e) => setDepartment(e.target.value)}
          >
            <option value="">科室(可选) Department, optional</option>
            {target.departments.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        ) : null}
      </dd>
      <dt>
        <label htmlFor="nr-urgency">
          <T zh="紧急程度" en="Urgency" />
        </label>
      </dt>
      <dd>
        <select id="nr-urgency" value={urgency} onChange={(e) => setUrgency(e.target.value as Urgency)}>
          {Object.entries(URGENCY_LABELS).map(([code, [zh, en]]) => (
            <option key={code} value={code}>
              {zh} {en}
            </option>
          ))}
        </select>
      </dd>
      <dt>
        <label htmlFor="nr-code">
          <T zh="初步诊断" en="Diagnosis" />
        </label>
      </dt>
      <dd>
        <input
          id="nr-code"
          aria-label="ICD-10 编码 Code"
          placeholder="ICD-10, 如 I10"
          size={8}
          value={diagnosisCode}
          onChange={(e) => setCode(e.target.value)}
        />{' '}
        <input
          aria-label="诊断名称 Diagnosis name"
          placeholder="诊断名称 Name"
          value={diagnosisName}
          onChange={(e) => setDiagnosis(e.target.value)}
        />
      </dd>
      <dt>
        <label htmlFor="nr-purpose">
          <T zh="转诊目的" en="Purpose" />
        </label>
      </dt>
      <dd>
        <input id="nr-purpose" size={50} value={purpose} onChange={(e) => setPurpose(e.target.value)} />
      </dd>
      <dt>
        <label htmlFor="nr-summary">
          <T zh="病情摘要" en="Clinical summary" />
        </label>
      </dt>
      <dd>
        <textarea
          id="nr-summary"
          rows={3}
          cols={50}
          value={clinicalSummary}
          onChange={(e) => setSummary(e.target.value)}
        />
      </dd>
      <AttachmentPicker id="nr-attachments" uploads={uploads} />
      {down ? (
        <>
          <dt>
            <label htmlFor="nr-discharge">
              <T zh="出院小结" en="Discharge summary" />
            </label>
          </dt>
          <dd>
            <textarea
              id="nr-discharge"
              rows={3}
              cols={50}
              value={dischargeSummary}
              onChange={(e) => setDischarge(e.target.value)}
            />
          </dd>
          <dt>
            <label htmlFor="nr-rehab">
              <T zh="康复/随访计划" en="Follow-up plan" />
            </label>
          </dt>
          <dd>
            <textarea
              id="nr-rehab"
              rows={2}
              cols={50}
              value={rehabPlan}
              onChange={(e) => setRehab(e.target.value)}
            />
          </dd>
          <dt>
            <T zh="用药计划" en="Medication plan" />
          </dt>
          <dd data-testid="nr-medications">
            {medications.map((m, i) => (
              <div className="actions" key={i} data-medication={i}>
                {MEDICATION_FIELDS.map(([field, label]) => (
                  <input
                    key={field}
                    aria-label={label}
                    placeholder={label}
                    size={field === 'drug' ? 20 : 8}
                    value={m[field]}
                    onChange={(e) =>
                      setMedications(
                        medications.map((x, j) => (j === i ? { ...x, [field]: e.target.value } : x)),
                      )
                    }
                  />
                ))}
              </div>
            ))}
            <button
              data-action="add-medication"
              onClick={() => setMedications([...medications, { ...EMPTY_MEDICATION }])}
            >
              <T zh="添加药品" en="Add a drug" />
            </button>
          </dd>
        </>
      ) : null}
      <dt>
        <label htmlFor="nr-insurance">
          <T zh="费别" en="Insurance" />
        </label>
      </dt>
      <dd>
        <select
          id="nr-insurance"
          value={insuranceType}
          onChange={(e) => setInsurance(e.target.value as InsuranceType)}
        >
          {INSURANCE.map(([code, label]) => (
            <option key={code} value={code}>
              {label}
            </option>
          ))}
        </select>
      </dd>
      <dt>
        <label htmlFor="nr-phone">
          <T zh="联系电话" en="Contact phone" />
        </label>
      </dt>
      <dd>
        <input
          id="nr-phone"
          type="tel"
          size={14}
          value={contactPhone}
          onChange={(e) => setPhone(e.target.value)}
        />
      </dd>
    </SideForm>
  );
}
