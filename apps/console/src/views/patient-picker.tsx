import { useState, type ReactNode } from 'react';
import { gql } from '../api/client';
import { FindPatients, type FindPatientsResult } from '../api/generated';
import { Label, SEX_LABELS, T } from '../i18n';

export type Patient = FindPatientsResult['patients']['nodes'][number];

/** The element names of one picker: its field (for a form's label), buttons and lists. */
interface PickerNames {
  /** The search field's id. */
  input: string;
  /** `data-action` of the Find button. */
  find: string;
  /** `data-testid` of the list found and of the one picked. */
  found: string;
  picked: string;
  /** The data attribute naming a found or picked one by id (`data-patient`). */
  attr: string;
}

/**
 * Finds something by a search the api answers, lists it and picks one; the one picked is shown
 * with a Change button. What it searches, and how a result reads, are the caller's.
 */
export function SearchPicker<R extends { id: string }>({
  names,
  placeholder,
  search,
  describe,
  notFound,
  picked,
  onPick,
  onError,
}: {
  names: PickerNames;
  placeholder: string;
  search: (q: string) => Promise<R[]>;
  describe: (r: R) => ReactNode;
  notFound: ReactNode;
  picked: R | null;
  onPick: (r: R | null) => void;
  onError: (err: unknown) => void;
}) {
  const [q, setQ] = useState('');
  const [found, setFound] = useState<R[] | null>(null);
  const find = async () => {
    try {
      setFound(await search(q.trim()));
      onError(null);
    } catch (err) {
      onError(err);
    }
  };
  const named = (r: R) => ({ [`data-${names.attr}`]: r.id });
  if (picked)
    return (
      <span data-testid={names.picked} {...named(picked)}>
        {describe(picked)}{' '}
        <button className="link" onClick={() => onPick(null)}>
          <T zh="更换" en="Change" />
        </button>
      </span>
    );
  return (
    <>
      <div className="actions">
        <input
          id={names.input}
          placeholder={placeholder}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && q.trim()) void find();
          }}
        />
        <button data-action={names.find} disabled={!q.trim()} onClick={() => void find()}>
          <T zh="查找" en="Find" />
        </button>
      </div>
      {found ? (
        found.length ? (
          <ul data-testid={names.found}>
            {found.map((r) => (
              <li key={r.id}>
                <button className="link" {...named(r)} onClick={() => onPick(r)}>
                  {describe(r)}
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p className="note">{notFound}</p>
        )
      ) : null}
    </>
  );
}

const PATIENT_NAMES: PickerNames = {
  input: 'pp-search',
  find: 'find-patient',
  found: 'found-patients',
  picked: 'picked-patient',
  attr: 'patient',
};

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
  return (
    <SearchPicker
      names={PATIENT_NAMES}
      placeholder="姓名或身份证号末位 Name or last ID digits"
      search={async (q) => {
        // Digits (or a final X) are the end of an ID number; anything else is a name.
        const bySuffix = /^[0-9]{1,3}[0-9Xx]?$/.test(q);
        return (await gql(FindPatients, bySuffix ? { idSuffix: q.toUpperCase() } : { name: q })).patients
          .nodes;
      }}
      describe={(p) => (
        <>
          {p.name} · <Label table={SEX_LABELS} code={p.sex} /> · {p.birthYear ?? '—'} · {p.idNumber}
        </>
      )}
      notFound={<T zh="未找到可见的患者" en="No patient you may see matches" />}
      picked={patient}
      onPick={onPick}
      onError={onError}
    />
  );
}
