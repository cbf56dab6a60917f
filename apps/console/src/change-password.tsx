import { useState, type FormEvent } from 'react';
import { gql, replaceSession } from './api/client';
import { ChangePassword } from './api/generated';
import { ErrorNote, T } from './i18n';
import { SideForm, TextField, useSubmit } from './views/side-form';

/** The api's rule (10–128 characters, letters and digits); it checks it all the same. */
export function passwordReady(p: string): boolean {
  return p.length >= 10 && p.length <= 128 && /[A-Za-z]/.test(p) && /\d/.test(p);
}

export function PasswordRule() {
  return (
    <div className="note">
      <T zh="至少 10 位,须同时包含字母和数字" en="At least 10 characters, with letters and digits" />
    </div>
  );
}

/**
 * The signed-in user's own password, changed with the current one. The change ends every session
 * of the user (other devices included); this page goes on with the new one it is given.
 */
export function ChangePasswordForm({ onClose }: { onClose: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [done, setDone] = useState(false);
  const { busy, error, submit } = useSubmit();
  const mismatch = again.length > 0 && again !== next;
  const ready = current.length > 0 && passwordReady(next) && next === again;
  const change = () =>
    submit(async () => {
      await replaceSession(async () => (await gql(ChangePassword, { currentPassword: current, newPassword: next })).changePassword.token);
      setCurrent('');
      setNext('');
      setAgain('');
      setDone(true);
    });
  return (
    <SideForm
      name="change-password"
      title={<T zh="修改密码" en="Change my password" />}
      error={error}
      onClose={onClose}
      actions={
        <button className="primary" data-action="change-password" disabled={busy || !ready} onClick={() => void change()}>
          <T zh="修改" en="Change" />
        </button>
      }
    >
      <TextField id="pw-current" zh="当前密码" en="Current password" type="password" autoComplete="current-password" value={current} onValue={setCurrent} />
      <TextField id="pw-new" zh="新密码" en="New password" type="password" autoComplete="new-password" value={next} onValue={setNext} note={<PasswordRule />} />
      <TextField
        id="pw-again"
        zh="再次输入新密码"
        en="New password again"
        type="password"
        autoComplete="new-password"
        value={again}
        onValue={setAgain}
        note={
          mismatch ? (
            <div className="error">
              <T zh="两次输入不一致" en="The two do not match" />
            </div>
          ) : null
        }
      />
      {done ? (
        <dd data-testid="password-changed" className="note">
          <T zh="密码已修改;其他设备上的登录已结束" en="Changed; signed out everywhere else" />
        </dd>
      ) : null}
    </SideForm>
  );
}

/**
 * The only screen for a user whose password an admin chose (a new account, a reset): the api
 * answers nothing else until it is replaced. The password just typed at sign-in is confirmed
 * without asking again; after a reload it is asked for.
 */
export function FirstPassword({
  typed,
  onChanged,
  onSignOut,
}: {
  typed: string | null;
  onChanged: () => Promise<void>;
  onSignOut: () => void;
}) {
  const [current, setCurrent] = useState(typed ?? '');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const mismatch = again.length > 0 && again !== next;
  const ready = current.length > 0 && passwordReady(next) && next === again;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!ready) return;
    setBusy(true);
    setError(null);
    try {
      await replaceSession(async () => (await gql(ChangePassword, { currentPassword: current, newPassword: next })).changePassword.token);
      await onChanged();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <main className="signin">
      <form onSubmit={submit} aria-labelledby="first-password-title" data-testid="first-password">
        <h1 id="first-password-title">
          <T zh="设置您自己的密码" en="Choose your own password" />
        </h1>
        <p className="note">
          <T
            zh="您的密码由管理员设置(新账户或密码重置),须先换成只有您知道的密码才能继续使用。"
            en="An administrator set your password (a new account or a reset); choose one only you know to go on."
          />
        </p>
        {typed === null ? (
          <label>
            <T zh="当前密码" en="Current password" />
            <input id="first-current" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required />
          </label>
        ) : null}
        <label>
          <T zh="新密码" en="New password" />
          <input id="first-new" type="password" autoComplete="new-password" autoFocus value={next} onChange={(e) => setNext(e.target.value)} required />
        </label>
        <PasswordRule />
        <label>
          <T zh="再次输入新密码" en="New password again" />
          <input id="first-again" type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} required />
        </label>
        {mismatch ? (
          <div className="error">
            <T zh="两次输入不一致" en="The two do not match" />
          </div>
        ) : null}
        <button type="submit" data-action="set-first-password" disabled={busy || !ready}>
          <T zh="保存并进入" en="Save and continue" />
        </button>
        <button type="button" data-action="first-password-sign-out" onClick={onSignOut}>
          <T zh="退出" en="Sign out" />
        </button>
        <ErrorNote error={error} />
      </form>
    </main>
  );
}
