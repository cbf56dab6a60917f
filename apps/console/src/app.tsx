import { useEffect, useState, type FormEvent } from 'react';
import { gql, onSignedOut, session } from './api/client';
import { Login, Me, type MeResult } from './api/generated';
import { closeLive } from './api/live';
import { EnglishContext, ErrorNote, Label, ROLE_LABELS, T } from './i18n';
import { Inbox } from './inbox';
import { routeParts } from './route';
import { ChangePasswordForm, FirstPassword } from './change-password';
import { viewsFor } from './views/registry';

type User = MeResult['me'];

function currentRoute(): string {
  return routeParts().view;
}

function SignIn({ onSignedIn }: { onSignedIn: (u: User, password: string) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const { login } = await gql(Login, { username, password });
      session.token = login.token;
      // The same shape as a reload's: the signed-in user as the api sees it now.
      onSignedIn((await gql(Me)).me, password);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="signin">
      <form onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">
          <T zh="医共体管理驾驶舱" en="Consortium console" />
        </h1>
        <label>
          <T zh="用户名" en="User name" />
          <input
            name="username"
            autoComplete="username"
            autoFocus
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
        </label>
        <label>
          <T zh="密码" en="Password" />
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <button type="submit" disabled={busy}>
          <T zh="登录" en="Sign in" />
        </button>
        <ErrorNote error={error} />
      </form>
    </main>
  );
}

export function App() {
  const [user, setUser] = useState<User | null>(null);
  const [checking, setChecking] = useState(!!session.token);
  const [route, setRoute] = useState(currentRoute());
  const [english, setEnglish] = useState(localStorage.getItem('yg.console.en') === '1');

  useEffect(() => {
    const onHash = () => setRoute(currentRoute());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const [changingPassword, setChangingPassword] = useState(false);
  // Kept only while an admin-chosen password waits to be replaced, and dropped with it.
  const [typed, setTyped] = useState<string | null>(null);
  const signedIn = (u: User, password: string) => {
    setTyped(u.passwordChangeRequired ? password : null);
    setUser(u);
  };
  useEffect(
    () =>
      onSignedOut(() => {
        session.token = null;
        closeLive();
        setUser(null);
        setTyped(null);
        setChangingPassword(false);
      }),
    [],
  );
  useEffect(() => {
    if (!session.token) return;
    gql(Me)
      .then(({ me }) => setUser(me))
      .catch(() => (session.token = null))
      .finally(() => setChecking(false));
  }, []);

  const toggleEnglish = () => {
    localStorage.setItem('yg.console.en', english ? '0' : '1');
    setEnglish(!english);
  };
  const signOut = () => {
    setChangingPassword(false);
    setTyped(null);
    session.token = null;
    closeLive();
    setUser(null);
    window.location.hash = '';
  };

  if (checking) return null;
  if (!user)
    return (
      <EnglishContext.Provider value={english}>
        <SignIn onSignedIn={signedIn} />
      </EnglishContext.Provider>
    );
  if (user.passwordChangeRequired)
    return (
      <EnglishContext.Provider value={english}>
        <FirstPassword
          typed={typed}
          onSignOut={signOut}
          onChanged={async () => {
            setTyped(null);
            setUser((await gql(Me)).me);
          }}
        />
      </EnglishContext.Provider>
    );
  const views = viewsFor(user.roles);
  const active = views.find((v) => v.id === route) ?? views[0];
  const View = active.component;
  return (
    <EnglishContext.Provider value={english}>
      <a className="skip" href="#main">
        <T zh="跳到正文" en="Skip to content" />
      </a>
      <header className="top">
        <strong>
          <T zh="医共体管理驾驶舱" en="Consortium console" />
        </strong>
        <span className="who" data-testid="who">
          {user.displayName} · {user.institution.name} ·{' '}
          {user.roles.map((r) => (
            <Label key={r} table={ROLE_LABELS} code={r} />
          ))}
        </span>
        <Inbox views={views.map((v) => v.id)} />
        <button type="button" onClick={toggleEnglish} aria-pressed={english}>
          {english ? '中文' : 'English'}
        </button>
        <button type="button" data-action="open-change-password" aria-pressed={changingPassword} onClick={() => setChangingPassword(!changingPassword)}>
          <T zh="修改密码" en="Password" />
        </button>
        <button type="button" onClick={signOut}>
          <T zh="退出" en="Sign out" />
        </button>
      </header>
      <div className="frame">
        <nav aria-label="菜单 Menu" data-testid="menu">
          <ul>
            {views.map((v) => (
              <li key={v.id}>
                <a href={`#/${v.id}`} data-view={v.id} aria-current={v.id === active.id ? 'page' : undefined}>
                  <T zh={v.zh} en={v.en} />
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" tabIndex={-1} data-testid={`view-${active.id}`}>
          <h1>
            <T zh={active.zh} en={active.en} />
          </h1>
          {changingPassword ? <ChangePasswordForm onClose={() => setChangingPassword(false)} /> : null}
          <View key={active.id} roles={user.roles} />
        </main>
      </div>
    </EnglishContext.Provider>
  );
}
