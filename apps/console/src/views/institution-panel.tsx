import { useState } from 'react';
import { gql, rereadOnConflict } from '../api/client';
import {
  CreateDepartment,
  CreateInstitution,
  CreatePractitioner,
  InstitutionDetail,
  UpdateInstitution,
  type InstitutionDetailResult,
  type InstitutionKind,
  type InstitutionsResult,
  type PractitionerTitle,
  type Tier,
} from '../api/generated';
import { ErrorNote, KIND_LABELS, Label, T, TIER_LABELS, TITLE_LABELS } from '../i18n';
import { useQuery } from '../use-query';
import { NamedSelect, SideForm, TextField, useSubmit } from './side-form';

type Inst = InstitutionsResult['institutions']['nodes'][number];

/** A new department: its code (unique in the institution), name and the specialty it practises. */
function AddDepartment({ institutionId, onAdded }: { institutionId: string; onAdded: () => void }) {
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [specialty, setSpecialty] = useState('');
  const { busy, error, submit } = useSubmit();
  const add = () =>
    submit(async () => {
      await gql(CreateDepartment, {
        input: { institutionId, code: code.trim(), name: name.trim(), specialty: specialty.trim() || null },
      });
      setCode('');
      setName('');
      setSpecialty('');
      onAdded();
    });
  return (
    <div data-testid="add-department">
      <div className="actions">
        <input name="deptCode" aria-label="科室代码 Code" placeholder="代码 Code" size={6} value={code} onChange={(e) => setCode(e.target.value)} />
        <input name="deptName" aria-label="科室名称 Name" placeholder="名称 Name" value={name} onChange={(e) => setName(e.target.value)} />
        <input name="deptSpecialty" aria-label="专科 Specialty" placeholder="专科代码 e.g. GENERAL_PRACTICE" value={specialty} onChange={(e) => setSpecialty(e.target.value)} />
        <button data-action="add-department" disabled={busy || !code.trim() || !name.trim()} onClick={() => void add()}>
          <T zh="添加科室" en="Add department" />
        </button>
      </div>
      <ErrorNote error={error} />
    </div>
  );
}

/** A new member of staff: name, title, department, licence number (checked unique), specialties. */
function AddPractitioner({
  institutionId,
  departments,
  onAdded,
}: {
  institutionId: string;
  departments: { id: string; name: string }[];
  onAdded: () => void;
}) {
  const [name, setName] = useState('');
  const [title, setTitle] = useState<PractitionerTitle>('ATTENDING_PHYSICIAN');
  const [departmentId, setDepartmentId] = useState('');
  const [licence, setLicence] = useState('');
  const [specialties, setSpecialties] = useState('');
  const { busy, error, submit } = useSubmit();
  const add = () =>
    submit(async () => {
      await gql(CreatePractitioner, {
        input: {
          institutionId,
          name: name.trim(),
          title,
          departmentId: departmentId || null,
          licenceNumber: licence.trim(),
          specialties: specialties
            .split(/[,，、\s]+/)
            .map((s) => s.trim())
            .filter(Boolean),
        },
      });
      setName('');
      setLicence('');
      setSpecialties('');
      onAdded();
    });
  return (
    <div data-testid="add-practitioner">
      <div className="actions">
        <input name="staffName" aria-label="姓名 Name" placeholder="姓名 Name" size={8} value={name} onChange={(e) => setName(e.target.value)} />
        <select name="staffTitle" aria-label="职称 Title" value={title} onChange={(e) => setTitle(e.target.value as PractitionerTitle)}>
          {Object.entries(TITLE_LABELS).map(([code, [zh, en]]) => (
            <option key={code} value={code}>
              {zh} {en}
            </option>
          ))}
        </select>
        <NamedSelect
          name="staffDepartment"
          aria-label="科室 Department"
          value={departmentId}
          onValue={setDepartmentId}
          none="— 科室 Department"
          options={departments}
        />
        <input name="staffLicence" aria-label="执业证书编码 Licence number" placeholder="执业证书编码 Licence" value={licence} onChange={(e) => setLicence(e.target.value)} />
        <input name="staffSpecialties" aria-label="专长 Specialties" placeholder="专长代码,逗号分隔 e.g. CARDIOLOGY" value={specialties} onChange={(e) => setSpecialties(e.target.value)} />
        <button data-action="add-practitioner" disabled={busy || !name.trim() || !licence.trim()} onClick={() => void add()}>
          <T zh="添加人员" en="Add staff" />
        </button>
      </div>
      <ErrorNote error={error} />
    </div>
  );
}

/**
 * One institution: its particulars, departments and staff; its admins (and consortium admins) add
 * departments and staff here. The api decides who may.
 */
export function InstitutionPanel({
  id,
  canEdit,
  institutions,
  onChanged,
  onClose,
}: {
  id: string;
  canEdit: boolean;
  /** A consortium admin's choice of parent when editing the institution; null: no editing here. */
  institutions: Inst[] | null;
  onChanged: () => void;
  onClose: () => void;
}) {
  const q = useQuery(InstitutionDetail, { id });
  const [editing, setEditing] = useState(false);
  const inst = q.data?.institution;
  const staff = q.data?.practitioners.nodes ?? [];
  const changed = () => {
    void q.reload();
    onChanged();
  };
  return (
    <section className="panel" data-testid="institution" data-id={id} data-version={inst?.version}>
      <div className="actions">
        <h2 style={{ margin: 0 }}>{inst?.name ?? '…'}</h2>
        {inst && institutions && !editing ? (
          <button data-action="edit-institution" onClick={() => setEditing(true)}>
            <T zh="编辑机构" en="Edit" />
          </button>
        ) : null}
        <button onClick={onClose}>
          <T zh="关闭" en="Close" />
        </button>
      </div>
      <ErrorNote error={q.error} />
      {inst && institutions && editing ? (
        <InstitutionForm
          institutions={institutions}
          current={inst}
          onStale={changed}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            changed();
          }}
        />
      ) : null}
      {inst ? (
        <>
          <p data-testid="particulars">
            <Label table={KIND_LABELS} code={inst.kind} /> · <Label table={TIER_LABELS} code={inst.tier} />
            {inst.grade ? ` · ${inst.grade}` : ''} · <span className="en">{inst.divisionCode}</span>
            {inst.parent ? <> · <T zh="上级" en="Parent" /> {inst.parent.name}</> : null}
            {inst.address ? ` · ${inst.address}` : ''}
            {inst.phone ? ` · ${inst.phone}` : ''}
          </p>
          <h3>
            <T zh="科室" en="Departments" /> <span className="en">{inst.departments.length}</span>
          </h3>
          <table data-testid="departments">
            <tbody>
              {inst.departments.map((d) => (
                <tr key={d.id} data-code={d.code}>
                  <td className="en">{d.code}</td>
                  <td>{d.name}</td>
                  <td>{d.specialty ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {canEdit ? <AddDepartment institutionId={id} onAdded={changed} /> : null}
          <h3>
            <T zh="人员" en="Staff" /> <span className="en">{staff.length}{q.data?.practitioners.pageInfo.hasNextPage ? '+' : ''}</span>
          </h3>
          <table data-testid="practitioners">
            <tbody>
              {staff.map((p) => (
                <tr key={p.id} data-id={p.id} data-licence={p.licenceNumber}>
                  <td>{p.name}</td>
                  <td>
                    <Label table={TITLE_LABELS} code={p.title} />
                  </td>
                  <td>{p.department?.name ?? '—'}</td>
                  <td>{p.specialties.join('、')}</td>
                  <td className="en">{p.licenceNumber}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {canEdit ? <AddPractitioner institutionId={id} departments={inst.departments} onAdded={changed} /> : null}
        </>
      ) : null}
    </section>
  );
}

const KINDS = Object.keys(KIND_LABELS) as InstitutionKind[];
const TIERS = Object.keys(TIER_LABELS) as Tier[];

type Detail = InstitutionDetailResult['institution'];

/**
 * A new member institution, or an existing one's particulars and place in the tree, for a
 * consortium admin; the api checks kind against tier and the parent's tier. An edit sends the
 * fields changed here and the version it opened with, so a change made meanwhile is refused
 * rather than overwritten: the panel then shows the institution as it is now, and the form keeps
 * what was typed until it is closed and opened again.
 */
export function InstitutionForm({
  institutions,
  current: opened,
  onSaved,
  onStale,
  onClose,
}: {
  institutions: Inst[];
  current?: Detail;
  onSaved: () => void;
  onStale?: () => void;
  onClose: () => void;
}) {
  const [current] = useState(opened);
  const [name, setName] = useState(current?.name ?? '');
  const [kind, setKind] = useState<InstitutionKind>(current?.kind ?? 'VILLAGE_CLINIC');
  const [tier, setTier] = useState<Tier>(current?.tier ?? 'VILLAGE');
  const [parentId, setParentId] = useState(current?.parentId ?? '');
  const [divisionCode, setDivisionCode] = useState(current?.divisionCode ?? '');
  const [grade, setGrade] = useState(current?.grade ?? '');
  const [address, setAddress] = useState(current?.address ?? '');
  const [phone, setPhone] = useState(current?.phone ?? '');
  const { busy, error, submit } = useSubmit();
  const ready = name.trim().length > 0 && divisionCode.trim().length > 0;
  const values = {
    name: name.trim(),
    kind,
    tier,
    parentId: parentId || null,
    divisionCode: divisionCode.trim(),
    grade: grade.trim() || null,
    address: address.trim() || null,
    phone: phone.trim() || null,
  };
  const save = () =>
    submit(async () => {
      if (current) {
        const was: Record<string, unknown> = { ...current, parentId: current.parentId ?? null };
        const changed = Object.fromEntries(Object.entries(values).filter(([k, v]) => v !== was[k]));
        await gql(UpdateInstitution, { input: { id: current.id, version: current.version, ...changed } }).catch(
          rereadOnConflict(() => onStale?.()),
        );
      } else {
        await gql(CreateInstitution, { input: values });
      }
      onSaved();
    });
  const name_ = current ? 'edit-institution' : 'new-institution';
  const idp = current ? 'ei' : 'ni';
  return (
    <SideForm
      name={name_}
      title={
        current ? (
          <>
            <T zh="编辑机构" en="Edit the institution" /> {current.name} <span className="en">v{current.version}</span>
          </>
        ) : (
          <T zh="新建机构" en="New institution" />
        )
      }
      attrs={current ? { 'data-version': String(current.version) } : undefined}
      error={error}
      onClose={onClose}
      actions={
        <button className="primary" data-action={current ? 'save-institution' : 'create-institution'} disabled={busy || !ready} onClick={() => void save()}>
          <T zh="保存" en="Save" />
        </button>
      }
    >
      <TextField id={`${idp}-name`} name="ni-name" zh="名称" en="Name" value={name} onValue={setName} />
      <dt>
        <T zh="类型与层级" en="Kind and tier" />
      </dt>
      <dd className="actions">
        <select name="kind" value={kind} onChange={(e) => setKind(e.target.value as InstitutionKind)}>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_LABELS[k][0]} {KIND_LABELS[k][1]}
            </option>
          ))}
        </select>
        <select name="tier" value={tier} onChange={(e) => setTier(e.target.value as Tier)}>
          {TIERS.map((t) => (
            <option key={t} value={t}>
              {TIER_LABELS[t][0]} {TIER_LABELS[t][1]}
            </option>
          ))}
        </select>
      </dd>
      <dt>
        <T zh="上级机构" en="Parent" />
      </dt>
      <dd>
        <NamedSelect
          name="parentId"
          value={parentId}
          onValue={setParentId}
          none="— 无 None"
          options={institutions.filter((i) => i.id !== current?.id)}
        />
      </dd>
      <TextField id={`${idp}-division`} name="ni-division" zh="行政区划代码" en="Division code" value={divisionCode} onValue={setDivisionCode} />
      <TextField id={`${idp}-grade`} name="ni-grade" zh="等级" en="Grade" value={grade} onValue={setGrade} />
      <TextField id={`${idp}-address`} name="ni-address" zh="地址" en="Address" value={address} onValue={setAddress} />
      <TextField id={`${idp}-phone`} name="ni-phone" zh="电话" en="Phone" value={phone} onValue={setPhone} />
    </SideForm>
  );
}
