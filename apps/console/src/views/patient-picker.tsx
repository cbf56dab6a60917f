import { useState } from 'react';
import { gql } from '../api/client';
import { FindPatients, type FindPatientsResult } from '../api/generated';
import { Label, SEX_LABELS, T } from '../i18n';

export type Patient = FindPatientsResult['patients']['nodes'][number];

/**
 * Finds a patient the user may see by name or the last characters of the ID number (masked, as
 * every list) and picks one. Its search field is `#pp-search`: a form labels it.
 */
export function PatientPicker({
  patient,
  onPick,
  onError,
}: {
  patient: Patient | null;
  onPick: (p: Patient | null) => void;
  onError: (err: unknown) => void;
}) {
  const [search, setSearch] = useState('');
  const [found, setFound] = useState<Patient[] | null>(null);
  const find = async () => {
    const q = search.trim();
    // Digits (or a final X) are the end of an ID number; anything else is a name.
    const bySuffix = /^[0-9]{1,3}[0-9Xx]?$/.test(q);
    try {
      const { patients } = await gql(FindPatients, bySuffix ? { idSuffix: q.toUpperCase() } : { name: q });
      setFound(patients.nodes);
      onError(null);
    } catch (err) {
      onError(err);
    }
  };
  if (patient)
    return (
      <span data-testid="picked-patient" data-patient={patient.id}>
        {patient.name} · <Label table={SEX_LABELS} code={patient.sex} /> · {patient.birthYear ?? '—'} · {patient.idNumber}{' '}
        <button className="link" onClick={() => onPick(null)}>
          <T zh="更换" en="Change" />
        </button>
      </span>
    );
  return (
    <>
      <div className="actions">
        <input
          id="pp-search"
          placeholder="姓名或身份证号末位 Name or last ID digits"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && search.trim()) void find();
          }}
        />
        <button data-action="find-patient" disabled={!search.trim()} onClick={() => void find()}>
          <T zh="查找" en="Find" />
        </button>
      </div>
      {found ? (
        found.length ? (
          <ul data-testid="found-patients">
            {found.map((p) => (
              <li key={p.id}>
                <button className="link" data-patient={p.id} onClick={() => onPick(p)}>
                  {p.name} · <Label table={SEX_LABELS} code={p.sex} /> · {p.birthYear ?? '—'} · {p.idNumber}
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p className="note">
            <T zh="未找到可见的患者" en="No patient you may see matches" />
          </p>
        )
      ) : null}
    </>
  );
}
