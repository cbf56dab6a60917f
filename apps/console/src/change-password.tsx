import { useState } from 'react';
import { gql, replaceSession } from './api/client';
import { ChangePassword } from './api/generated';
import { T } from './i18n';
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
