import { useEffect, useState } from 'react';
import { gql } from '../api/client';
import {
  PartnerExperts,
  ReferralTargets,
  RequestConsultation,
  type ConsultationKind,
  type PartnerExpertsResult,
} from '../api/generated';
import { CONSULTATION_KIND_LABELS, T, URGENCY_LABELS } from '../i18n';
import { useAllPages } from '../use-query';
import { AttachmentPicker, useAttachmentUploads } from './attachments';
import { PatientPicker, type Patient } from './patient-picker';
import { SideForm, useSubmit } from './side-form';

type Expert = PartnerExpertsResult['practitioners']['nodes'][number];

/**
 * 申请会诊: a consultation for a patient, naming experts of a partner hospital (or only the
 * specialty wanted), with the patient's signed consent when it is already at hand (booking asks
 * for it otherwise). The request then waits in the list above for booking.
 */
export function NewConsultation({ onCreated, onClose }: { onCreated: () => void; onClose: () => void }) {
  const [patient, setPatient] = useState<Patient | null>(null);
  const [kind, setKind] = useState<ConsultationKind>('VIDEO');
  const [urgency, setUrgency] = useState('ROUTINE');
  const [purpose, setPurpose] = useState('');
  const [caseSummary, setSummary] = useState('');
  const [question, setQuestion] = useState('');
  const [specialty, setSpecialty] = useState('');
  const [partner, setPartner] = useState('');
  const [experts, setExperts] = useState<Expert[]>([]);
  const [named, setNamed] = useState<Set<string>>(new Set());
  const [consent, setConsent] = useState({
    signedBy: '',
    relationship: '本人',
    signedAt: '',
    documentUri: '',
  });
  const uploads = useAttachmentUploads();
  const scan = useAttachmentUploads();
  const scanId = scan.attachments[0]?.documentId;
  const { busy, error, setError, submit } = useSubmit();
  const targets = useAllPages(async (after) => (await gql(ReferralTargets, { after })).institutions);
  const partners = (targets.data ?? []).filter((i) => i.tier === 'EXTERNAL');
  useEffect(() => {
    setExperts([]);
    if (!partner) return undefined;
    let live = true;
    gql(PartnerExperts, { institutionId: partner }).then(
      (r) => live && setExperts(r.practitioners.nodes),
      (err: unknown) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [partner]);
  const toggle = (id: string) => {
    const next = new Set(named);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setNamed(next);
  };
  // Consent is given whole or not at all.
  // The scan as an upload or an address; an upload, when there is one, is what is sent.
  const consentGiven = !!(
    consent.signedBy.trim() ||
    consent.signedAt ||
    consent.documentUri.trim() ||
    scan.items.length
  );
  const consentWhole = !!(
    consent.signedBy.trim() &&
    consent.relationship.trim() &&
    consent.signedAt &&
    (scanId || consent.documentUri.trim())
  );
  const ready =
    !!patient &&
    purpose.trim().length > 0 &&
    caseSummary.trim().length > 0 &&
    question.trim().length > 0 &&
    (named.size > 0 || specialty.trim().length > 0) &&
    (!consentGiven || consentWhole) &&
    !uploads.uploading &&
    !scan.uploading;
  const request = () =>
    submit(async () => {
      await gql(RequestConsultation, {
        input: {
          patientId: patient!.id,
          kind,
          urgency,
          purpose: purpose.trim(),
          caseSummary: caseSummary.trim(),
          question: question.trim(),
          expertIds: [...named],
          specialty: specialty.trim() || null,
          attachments: uploads.attachments,
          consent: consentGiven
            ? {
                signedBy: consent.signedBy.trim(),
                relationship: consent.relationship.trim(),
                signedAt: new Date(consent.signedAt).toISOString(),
                ...(scanId ? { documentId: scanId } : { documentUri: consent.documentUri.trim() }),
              }
            : null,
        },
      });
      onCreated();
    });
  const field = (key: keyof typeof consent, zh: string, en: string, type = 'text') => (
    <label>
      {zh} <span className="en">{en}</span>{' '}
      <input
        type={type}
        value={consent[key]}
        onChange={(e) => setConsent({ ...consent, [key]: e.target.value })}
      />
    </label>
  );
  return (
    <SideForm
      name="new-consultation"
      title={<T zh="申请会诊" en="Request a consultation" />}
      error={error ?? targets.error}
      onClose={onClose}
      actions={
        <button
          className="primary"
          data-action="request"
          disabled={busy || !ready}
          onClick={() => void request()}
        >
          <T zh="提交申请" en="Request" />
        </button>
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
        <label htmlFor="nc-kind">
          <T zh="类型" en="Kind" />
        </label>
      </dt>
      <dd>
        <select id="nc-kind" value={kind} onChange={(e) => setKind(e.target.value as ConsultationKind)}>
          {Object.entries(CONSULTATION_KIND_LABELS).map(([code, [zh, en]]) => (
            <option key={code} value={code}>
              {zh} {en}
            </option>
          ))}
        </select>{' '}
        <select aria-label="紧急程度 Urgency" value={urgency} onChange={(e) => setUrgency(e.target.value)}>
          {Object.entries(URGENCY_LABELS).map(([code, [zh, en]]) => (
            <option key={code} value={code}>
              {zh} {en}
            </option>
          ))}
        </select>
      </dd>
      <dt>
        <label htmlFor="nc-purpose">
          <T zh="会诊目的" en="Purpose" />
        </label>
      </dt>
      <dd>
        <textarea id="nc-purpose" rows={2} value={purpose} onChange={(e) => setPurpose(e.target.value)} />
      </dd>
      <dt>
        <label htmlFor="nc-summary">
          <T zh="病历摘要" en="Case summary" />
        </label>
      </dt>
      <dd>
        <textarea id="nc-summary" rows={3} value={caseSummary} onChange={(e) => setSummary(e.target.value)} />
      </dd>
      <AttachmentPicker id="nc-attachments" uploads={uploads} />
      <dt>
        <label htmlFor="nc-question">
          <T zh="需解答的问题" en="Question" />
        </label>
      </dt>
      <dd>
        <textarea id="nc-question" rows={2} value={question} onChange={(e) => setQuestion(e.target.value)} />
      </dd>
      <dt>
        <label htmlFor="nc-partner">
          <T zh="指定专家" en="Named experts" />
        </label>
      </dt>
      <dd>
        <select id="nc-partner" value={partner} onChange={(e) => setPartner(e.target.value)}>
          <option value="">合作医院 Partner hospital</option>
          {partners.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
        <ul data-testid="nc-experts" style={{ listStyle: 'none', paddingLeft: 0 }}>
          {experts.map((x) => (
            <li key={x.id}>
              <label>
                <input
                  type="checkbox"
                  data-expert={x.id}
                  checked={named.has(x.id)}
                  onChange={() => toggle(x.id)}
                />{' '}
                {x.name} <span className="en">{x.specialties.join(' / ')}</span>
              </label>
            </li>
          ))}
        </ul>
        <input
          aria-label="或所需专科 Or the specialty wanted"
          placeholder="或所需专科 Or the specialty, e.g. CARDIOLOGY"
          value={specialty}
          onChange={(e) => setSpecialty(e.target.value)}
        />
      </dd>
      <dt>
        <T zh="知情同意" en="Consent" />
      </dt>
      <dd className="actions" data-testid="nc-consent">
        {field('signedBy', '签署人', 'Signed by')}
        {field('relationship', '关系', 'Relationship')}
        {field('signedAt', '签署时间', 'Signed at', 'datetime-local')}
        {field('documentUri', '扫描件地址', 'Scanned form, by address')}
      </dd>
      <AttachmentPicker
        id="nc-consent-scan"
        uploads={scan}
        single
        label={{ zh: '或上传扫描件', en: 'Or upload the scanned form' }}
      />
    </SideForm>
  );
}
