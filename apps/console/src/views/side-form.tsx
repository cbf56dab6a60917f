import { useCallback, useState, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from 'react';
import { ErrorNote, Label, T } from '../i18n';

/**
 * A form's sending: `busy` while one is on its way (its buttons wait), and the refusal to show.
 * A form stays open on a refusal, with what was typed, so the user can correct it.
 */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = useCallback(async (send: () => Promise<unknown>) => {
    setBusy(true);
    // The refusal shown was the last send's: a new one starts without it (what it reports next,
    // say a 已保存, never stands beside a refusal it replaced).
    setError(null);
    try {
      await send();
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, submit };
}

/**
 * The frame of a form in a view's side column (a new referral, consultation or supply request, a
 * report): its title, its fields as a definition list, the refusal, its buttons and Cancel.
 */
export function SideForm({
  name,
  title,
  error,
  actions,
  onClose,
  attrs,
  children,
}: {
  /** `new-referral` → `data-testid="new-referral"`, its title `#new-referral-title`. */
  name: string;
  title: ReactNode;
  error: unknown;
  actions: ReactNode;
  onClose: () => void;
  attrs?: Record<string, string>;
  children: ReactNode;
}) {
  return (
    <section className="panel side-form" aria-labelledby={`${name}-title`} data-testid={name} {...attrs}>
      <h2 id={`${name}-title`}>{title}</h2>
      <dl className="form">{children}</dl>
      <ErrorNote error={error} />
      <div className="actions">
        {actions}
        <button onClick={onClose}>
          <T zh="取消" en="Cancel" />
        </button>
      </div>
    </section>
  );
}

/** Runs a row's decision with its buttons held while it is on its way. */
export function useRunning(act: (fn: () => Promise<unknown>) => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const run = (fn: () => Promise<unknown>) => {
    setBusy(true);
    void act(fn).finally(() => setBusy(false));
  };
  return { busy, run };
}

/**
 * One text field of a form's definition list: its label (Chinese, English on request) and the
 * input, which takes any other input attribute (name, type, size, placeholder…).
 */
export function TextField({
  id,
  zh,
  en,
  value,
  onValue,
  note,
  ...input
}: {
  id: string;
  zh: string;
  en: string;
  value: string;
  onValue: (v: string) => void;
  note?: ReactNode;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange'>) {
  return (
    <>
      <dt>
        <label htmlFor={id}>
          <T zh={zh} en={en} />
        </label>
      </dt>
      <dd>
        <input id={id} value={value} onChange={(e) => onValue(e.target.value)} {...input} />
        {note}
      </dd>
    </>
  );
}

/**
 * A set of choices as checkboxes, each labelled from a label table and marked `data-<attr>` with
 * its code (what the tests and the keyboard find it by).
 */
export function CheckboxSet<C extends string>({
  options,
  labels,
  chosen,
  onChange,
  attr,
}: {
  options: readonly C[];
  labels: Record<string, [string, string]>;
  chosen: readonly C[];
  onChange: (next: C[]) => void;
  attr: string;
}) {
  return (
    <span className="actions">
      {options.map((c) => (
        <label key={c}>
          <input
            type="checkbox"
            {...{ [`data-${attr}`]: c }}
            checked={chosen.includes(c)}
            onChange={() => onChange(chosen.includes(c) ? chosen.filter((x) => x !== c) : [...chosen, c])}
          />{' '}
          <Label table={labels} code={c} />
        </label>
      ))}
    </span>
  );
}

/**
 * A choice of one named thing (an institution, a unit, a department) by its id; `none`, when given,
 * is the first option, chosen by the empty value. Other select attributes (name, id, aria-label)
 * pass through.
 */
export function NamedSelect({
  options,
  value,
  onValue,
  none,
  ...select
}: {
  options: readonly { id: string; name: string }[];
  value: string;
  onValue: (id: string) => void;
  none?: string;
} & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'value' | 'onChange'>) {
  return (
    <select value={value} onChange={(e) => onValue(e.target.value)} {...select}>
      {none !== undefined ? <option value="">{none}</option> : null}
      {options.map((o) => (
        <option key={o.id} value={o.id}>
          {o.name}
        </option>
      ))}
    </select>
  );
}
