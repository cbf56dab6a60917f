import { useCallback, useState, type ReactNode } from 'react';
import { ErrorNote, T } from '../i18n';

/**
 * A form's sending: `busy` while one is on its way (its buttons wait), and the refusal to show.
 * A form stays open on a refusal, with what was typed, so the user can correct it.
 */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = useCallback(async (send: () => Promise<unknown>) => {
    setBusy(true);
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
