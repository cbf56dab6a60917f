import { useState, type FormEvent } from 'react';
import { gql, GqlError } from '../api/client';
import {
  Me,
  PartnerExperts,
  PatientList,
  PatientRecord,
  RegisterPatient,
  type ChronicCondition,
  type PatientListVariables,
} from '../api/generated';
import { CHRONIC_LABELS, ErrorNote, formatTime, Label, SEX_LABELS, T } from '../i18n';
import { today } from '../months';
import { usePagedQuery, useQuery } from '../use-query';
import { CheckboxSet, SideForm, TextField, useSubmit } from './side-form';
import { PagedFooter } from './paged-footer';

/**
 * One patient as the api shows them to the caller: unmasked for the clinical roles of an
 * institution related to the patient, masked otherwise. Every opening is a read in the audit trail.
 */
function PatientCard({ id, onClose }: { id: string; onClose: () => void }) {
  const q = useQuery(PatientRecord, { id });
  const p = q.data?.patient;
  return (
    <section className="panel" data-testid="patient" data-id={id} data-masked={p ? String(p.masked) : ''}>
      <div className="actions">
        <h2 style={{ margin: 0 }}>{p?.name ?? '…'}</h2>
        <button onClick={onClose}>
          <T zh="关闭" en="Close" />
        </button>
      </div>
      <ErrorNote error={q.error} />
      {p ? (
        <dl className="form">
          <dt>
            <T zh="性别 · 出生" en="Sex · born" />
          </dt>
          <dd>
            <Label table={SEX_LABELS} code={p.sex} /> · {p.birthDate ?? p.birthYear ?? '—'}
          </dd>
          <dt>
            <T zh="身份证号" en="ID number" />
          </dt>
          <dd data-testid="id-number" className="en">
            {p.idNumber} {p.masked ? <span className="badge">已脱敏 Masked</span> : null}
          </dd>
          <dt>
            <T zh="手机号" en="Mobile" />
          </dt>
          <dd className="en">{p.phone ?? '—'}</dd>
          <dt>
            <T zh="常住地" en="Residence" />
          </dt>
          <dd className="en">{p.residenceDivisionCode}</dd>
          <dt>
            <T zh="慢病" en="Chronic conditions" />
          </dt>
          <dd data-testid="conditions">
            {p.chronicConditions.length
              ? p.chronicConditions.map((c, i) => (
                  <span key={c}>
                    {i ? '、' : ''}
                    <Label table={CHRONIC_LABELS} code={c} />
                  </span>
                ))
              : '—'}
          </dd>
          <dt>
            <T zh="家庭医生签约" en="Family doctor" />
          </dt>
          <dd>
            {p.familyDoctorContract
              ? `${p.familyDoctorContract.practitioner?.name ?? ''} · ${p.familyDoctorContract.institution?.name ?? ''} · ${p.familyDoctorContract.signedOn}`
              : '—'}
          </dd>
          <dt>
            <T zh="登记" en="Registered" />
          </dt>
          <dd>
            {p.registeredByInstitution?.name ?? ''} · {formatTime(p.createdAt)}
          </dd>
        </dl>
      ) : null}
    </section>
  );
}

/**
 * 登记患者: the resident ID number is checked by the api (check character, a real birth date);
 * sex and birth date come from it. A number registered already is refused: its patient is
 * opened when the caller's institution may see them, else the refusal says who to ask.
 */
function RegisterForm({
  institutionId,
  onDone,
  onExisting,
  onClose,
}: {
  institutionId: string;
  onDone: (id: string) => void;
  onExisting: (id: string) => void;
  onClose: () => void;
}) {
  const [name, setName] = useState('');
  const [idNumber, setIdNumber] = useState('');
  const [phone, setPhone] = useState('');
  const [division, setDivision] = useState('');
  const [conditions, setConditions] = useState<ChronicCondition[]>([]);
  const [doctor, setDoctor] = useState('');
  const [signedOn, setSignedOn] = useState(today);
  const staff = useQuery(PartnerExperts, { institutionId });
  const { busy, error, setError, submit } = useSubmit();
  const ready = name.trim().length > 0 && /^\d{17}[\dXx]$/.test(idNumber.trim()) && /^\d{6}(\d{3})?(\d{3})?$/.test(division.trim());
  const register = () =>
    submit(async () => {
      try {
        const { registerPatient } = await gql(RegisterPatient, {
          input: {
            name: name.trim(),
            idNumber: idNumber.trim(),
            phone: phone.trim() || null,
            residenceDivisionCode: division.trim(),
            chronicConditions: conditions,
            familyDoctorContract: doctor ? { institutionId, practitionerId: doctor, signedOn } : null,
          },
        });
        onDone(registerPatient.id);
      } catch (err) {
        const existing = err instanceof GqlError ? err.extensions.existingPatientId : undefined;
        if (typeof existing === 'string') {
          setError(null);
          onExisting(existing);
          return;
        }
        throw err;
      }
    });
  return (
    <SideForm
      name="register-patient"
      title={<T zh="登记患者" en="Register a patient" />}
      error={error}
      onClose={onClose}
      actions={
        <button className="primary" data-action="register" disabled={busy || !ready} onClick={() => void register()}>
          <T zh="登记" en="Register" />
        </button>
      }
    >
      <TextField id="rp-name" zh="姓名" en="Name" name="name" value={name} onValue={setName} />
      <TextField id="rp-id" zh="居民身份证号" en="Resident ID number" name="idNumber" size={20} maxLength={18} autoComplete="off" value={idNumber} onValue={setIdNumber} />
      <TextField id="rp-phone" zh="手机号" en="Mobile" name="phone" value={phone} onValue={setPhone} />
      <TextField
        id="rp-division"
        zh="常住地行政区划代码"
        en="Residence division code"
        name="residenceDivisionCode"
        placeholder="6/9/12 位 digits"
        value={division}
        onValue={setDivision}
      />
      <dt>
        <T zh="慢病" en="Chronic conditions" />
      </dt>
      <dd>
        <CheckboxSet options={Object.keys(CHRONIC_LABELS) as ChronicCondition[]} labels={CHRONIC_LABELS} chosen={conditions} onChange={setConditions} attr="condition" />
      </dd>
      <dt>
        <T zh="家庭医生签约" en="Family doctor" />
      </dt>
      <dd className="actions">
        <select name="doctor" aria-label="签约医生 Family doctor" value={doctor} onChange={(e) => setDoctor(e.target.value)}>
          <option value="">— 未签约 None</option>
          {(staff.data?.practitioners.nodes ?? []).map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
        {doctor ? (
          <input type="date" name="signedOn" aria-label="签约日期 Signed on" value={signedOn} onChange={(e) => setSignedOn(e.target.value)} />
        ) : null}
      </dd>
    </SideForm>
  );
}

/**
 * 患者: the patients the caller's institution may see, found by name or the last characters of
 * the ID number or mobile (always masked in the list); one opened as the api shows it to the
 * caller; and registration.
 */
export function PatientsView() {
  const me = useQuery(Me);
  const [draft, setDraft] = useState({ name: '', idSuffix: '', phoneSuffix: '' });
  const [filter, setFilter] = useState<PatientListVariables>({});
  const list = usePagedQuery(PatientList, filter, (d) => d.patients);
  const [open, setOpen] = useState<string | null>(null);
  const [registering, setRegistering] = useState(false);
  const nodes = list.nodes;
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilter({
      name: draft.name.trim() || null,
      idSuffix: draft.idSuffix.trim() || null,
      phoneSuffix: draft.phoneSuffix.trim() || null,
    });
  };
  const institutionId = me.data?.me.institution.id;
  const clinician = !!me.data?.me.roles.includes('CLINICIAN');
  return (
    <>
      <form className="filters" onSubmit={apply} aria-label="查找 Find">
        <label>
          <T zh="姓名" en="Name" />
          <input name="name" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
        </label>
        <label>
          <T zh="身份证号末位" en="ID number ends with" />
          <input name="idSuffix" size={5} maxLength={4} value={draft.idSuffix} onChange={(e) => setDraft({ ...draft, idSuffix: e.target.value })} />
        </label>
        <label>
          <T zh="手机号末位" en="Mobile ends with" />
          <input name="phoneSuffix" size={5} maxLength={4} value={draft.phoneSuffix} onChange={(e) => setDraft({ ...draft, phoneSuffix: e.target.value })} />
        </label>
        <button type="submit" className="primary">
          <T zh="查找" en="Find" />
        </button>
        {clinician ? (
          <button type="button" data-action="register-patient" onClick={() => setRegistering(true)}>
            <T zh="登记患者" en="Register a patient" />
          </button>
        ) : null}
      </form>
      <ErrorNote error={list.error ?? list.moreError} />
      {registering && institutionId ? (
        <RegisterForm
          institutionId={institutionId}
          onClose={() => setRegistering(false)}
          onDone={(id) => {
            setRegistering(false);
            setOpen(id);
            void list.reload();
          }}
          onExisting={(id) => {
            setRegistering(false);
            setOpen(id);
          }}
        />
      ) : null}
      {open ? <PatientCard key={open} id={open} onClose={() => setOpen(null)} /> : null}
      <table data-testid="patients">
        <thead>
          <tr>
            <th>
              <T zh="姓名" en="Name" />
            </th>
            <th>
              <T zh="性别" en="Sex" />
            </th>
            <th>
              <T zh="出生年份" en="Born" />
            </th>
            <th>
              <T zh="身份证号" en="ID number" />
            </th>
            <th>
              <T zh="手机号" en="Mobile" />
            </th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((p) => (
            <tr key={p.id} data-id={p.id}>
              <td>
                <button className="link" data-action="open-patient" onClick={() => setOpen(p.id)}>
                  {p.name}
                </button>
              </td>
              <td>
                <Label table={SEX_LABELS} code={p.sex} />
              </td>
              <td>{p.birthYear ?? '—'}</td>
              <td className="en">{p.idNumber}</td>
              <td className="en">{p.phone ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <PagedFooter
        name="patients"
        list={list}
        empty={
          <T
            zh="没有找到:患者由本机构登记、签约,或经转诊、会诊与本机构相关后才会显示"
            en="None found: a patient shows once this institution registered or contracts them, or a referral or consultation relates them to it"
          />
        }
      />
    </>
  );
}
