import { useState, type FormEvent } from 'react';
import { gql, rereadOnConflict } from '../api/client';
import {
  CreateUser,
  DeactivateUser,
  Institutions,
  Me,
  PartnerExperts,
  ReactivateUser,
  ResetUserPassword,
  UpdateUser,
  Users,
  type Role,
  type UsersResult,
  type UsersVariables,
} from '../api/generated';
import { ErrorNote, formatTime, Label, ROLE_LABELS, T, TITLE_LABELS } from '../i18n';
import { useAction, useAllPages, usePagedQuery, useQuery } from '../use-query';
import type { ViewProps } from './registry';
import { CheckboxSet, NamedSelect, SideForm, TextField, useRunning, useSubmit } from './side-form';
import { PasswordRule, passwordReady } from '../change-password';
import { PagedFooter } from './paged-footer';

type Page = UsersResult['users'];
type User = Page['nodes'][number];
type Act = (fn: () => Promise<unknown>) => Promise<void>;

const ALL_ROLES = Object.keys(ROLE_LABELS) as Role[];
/** What an institution admin may grant (the api's INSTITUTION_GRANTABLE, which decides all the same). */
const INSTITUTION_ROLES: Role[] = ['CLINICIAN', 'REFERRAL_COORDINATOR', 'EXPERT', 'INSTITUTION_ADMIN', 'PHARMACIST'];

/** The staff record a user acts as (a doctor's or expert's name on referrals and reports), from the institution's. */
function PractitionerPicker({
  institutionId,
  value,
  onChange,
}: {
  institutionId: string;
  value: string;
  onChange: (id: string) => void;
}) {
  const staff = useQuery(PartnerExperts, { institutionId }, !institutionId);
  return (
    <select name="practitionerId" value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">— 不关联 None</option>
      {(staff.data?.practitioners.nodes ?? []).map((p) => (
        <option key={p.id} value={p.id}>
          {p.name} {TITLE_LABELS[p.title]?.[0] ?? ''}
        </option>
      ))}
    </select>
  );
}

/**
 * A new user, or an existing one's name, phone, roles, staff record and (for a consortium admin)
 * institution. Role changes apply at once; a move to another institution ends the user's sessions.
 * An edit sends the version the form opened with, so a change another admin made meanwhile is
 * refused rather than overwritten: the list then shows the user as they are now, and the form
 * keeps what was typed until it is closed and opened again.
 */
function UserForm({
  user,
  admin,
  own,
  institutions,
  meId,
  onDone,
  onStale,
  onClose,
}: {
  user: User | null;
  admin: boolean;
  own: { id: string; name: string };
  /** The consortium's institutions for a consortium admin's choice (null while they load). */
  institutions: { id: string; name: string }[] | null;
  /** The signed-in admin: their own password is changed under 修改密码, not reset here. */
  meId: string | undefined;
  onDone: () => void;
  onStale: () => void;
  onClose: () => void;
}) {
  // The version the form opened with: the list may reload meanwhile, the form's fields do not.
  const [version] = useState(user?.version);
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState(user?.displayName ?? '');
  const [institutionId, setInstitutionId] = useState(user?.institution.id ?? own.id);
  const [roles, setRoles] = useState<Role[]>(user?.roles ?? []);
  const [phone, setPhone] = useState('');
  const [clearPhone, setClearPhone] = useState(false);
  const [password, setPassword] = useState('');
  const [practitionerId, setPractitionerId] = useState(user?.practitionerId ?? '');
  const { busy, error, submit } = useSubmit();
  const offered = admin ? ALL_ROLES : INSTITUTION_ROLES;
  const ready =
    displayName.trim().length > 0 && roles.length > 0 && (user !== null || (username.trim().length >= 3 && passwordReady(password)));
  const save = () =>
    submit(async () => {
      if (user) {
        await gql(UpdateUser, {
          input: {
            id: user.id,
            version: version ?? user.version,
            displayName: displayName.trim(),
            roles,
            practitionerId: practitionerId || null,
            ...(phone.trim() ? { phone: phone.trim() } : clearPhone ? { phone: null } : {}),
            ...(institutionId !== user.institution.id ? { institutionId } : {}),
          },
        }).catch(rereadOnConflict(onStale));
      } else {
        await gql(CreateUser, {
          input: {
            username: username.trim(),
            displayName: displayName.trim(),
            institutionId,
            roles,
            password,
            phone: phone.trim() || null,
            practitionerId: practitionerId || null,
          },
        });
      }
      onDone();
    });
  return (
    <SideForm
      name="user-form"
      title={
        user ? (
          <>
            <T zh="编辑用户" en="Edit the user" /> {user.username} <span className="en">v{version}</span>
          </>
        ) : (
          <T zh="新建用户" en="New user" />
        )
      }
      attrs={user ? { 'data-version': String(version) } : undefined}
      error={error}
      onClose={onClose}
      actions={
        <button className="primary" data-action="save-user" disabled={busy || !ready} onClick={() => void save()}>
          <T zh="保存" en="Save" />
        </button>
      }
    >
      {user ? null : (
        <>
          <TextField
            id="u-username"
            zh="登录名"
            en="Login name"
            name="username"
            placeholder="小写字母、数字、. _ - a-z 0-9 . _ -"
            value={username}
            onValue={setUsername}
          />
        </>
      )}
      <TextField id="u-name" zh="姓名" en="Name" name="displayName" value={displayName} onValue={setDisplayName} />
      <dt>
        <T zh="机构" en="Institution" />
      </dt>
      <dd>
        {admin ? (
          <NamedSelect
            name="institutionId"
            value={institutionId}
            onValue={(id) => {
              setInstitutionId(id);
              setPractitionerId('');
            }}
            options={institutions ?? [{ id: institutionId, name: user?.institution.name ?? own.name }]}
          />
        ) : (
          own.name
        )}
        {user && institutionId !== user.institution.id ? (
          <div className="note">
            <T zh="调动后该用户需重新登录" en="Moving ends the user's sessions" />
          </div>
        ) : null}
      </dd>
      <dt>
        <T zh="角色" en="Roles" />
      </dt>
      <dd>
        <CheckboxSet options={offered} labels={ROLE_LABELS} chosen={roles} onChange={setRoles} attr="role" />
      </dd>
      <dt>
        <T zh="对应医务人员" en="Staff record" />
      </dt>
      <dd>
        <PractitionerPicker institutionId={institutionId} value={practitionerId} onChange={setPractitionerId} />
      </dd>
      <TextField
        id="u-phone"
        zh="手机号"
        en="Mobile"
        name="phone"
        placeholder={
          user ? `${user.phoneMasked ? `当前 ${user.phoneMasked},` : '未登记,'}不修改则留空 Leave empty to keep` : ''
        }
        value={phone}
        onValue={setPhone}
        note={
          user?.phoneMasked && !phone.trim() ? (
            <label className="note">
              <input type="checkbox" name="clearPhone" checked={clearPhone} onChange={(e) => setClearPhone(e.target.checked)} />{' '}
              <T zh="清除手机号(不再发短信)" en="Remove the number (no more SMS)" />
            </label>
          ) : null
        }
      />
      {user && user.id !== meId ? (
        <>
          <dt>
            <T zh="密码" en="Password" />
          </dt>
          <dd>
            <ResetPassword userId={user.id} />
          </dd>
        </>
      ) : null}
      {user ? null : (
        <>
          <TextField
            id="u-password"
            zh="初始密码"
            en="Initial password"
            name="password"
            type="password"
            autoComplete="new-password"
            value={password}
            onValue={setPassword}
            note={<PasswordRule />}
          />
        </>
      )}
    </SideForm>
  );
}

/**
 * A new password for a user who lost theirs: their sessions end at once and a lockout is lifted.
 * Tell it to them in person; one's own is changed under 修改密码 with the current one.
 */
function ResetPassword({ userId }: { userId: string }) {
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const { busy, error, submit } = useSubmit();
  const reset = () =>
    submit(async () => {
      await gql(ResetUserPassword, { id: userId, newPassword: password });
      setPassword('');
      setDone(true);
    });
  return (
    <div data-testid="reset-password">
      <div className="actions">
        <input
          type="password"
          name="newPassword"
          autoComplete="new-password"
          aria-label="新密码 New password"
          placeholder="新密码 New password"
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
            setDone(false);
          }}
        />
        <button data-action="reset-password" disabled={busy || !passwordReady(password)} onClick={() => void reset()}>
          <T zh="重置密码" en="Reset the password" />
        </button>
        {done ? (
          <span className="badge ok" data-testid="password-reset">
            <T zh="已重置,其会话已结束" en="Reset; their sessions ended" />
          </span>
        ) : null}
      </div>
      <PasswordRule />
      <ErrorNote error={error} />
    </div>
  );
}

/** Deactivate (with a reason: it ends every session at once) or reactivate one user. */
function AccessActions({ u, me, act, onEdit }: { u: User; me: string | undefined; act: Act; onEdit: () => void }) {
  const [reason, setReason] = useState('');
  const { busy, run } = useRunning(act);
  return (
    <td>
      <div className="actions">
        <button data-action="edit-user" disabled={busy} onClick={onEdit}>
          <T zh="编辑" en="Edit" />
        </button>
        {u.active ? (
          u.id === me ? null : (
            <>
              <input aria-label="停用原因 Reason" placeholder="原因 Reason" size={10} value={reason} onChange={(e) => setReason(e.target.value)} />
              <button data-action="deactivate" disabled={busy || reason.trim().length < 1} onClick={() => run(() => gql(DeactivateUser, { id: u.id, reason: reason.trim() }))}>
                <T zh="停用" en="Deactivate" />
              </button>
            </>
          )
        ) : (
          <button data-action="reactivate" disabled={busy} onClick={() => run(() => gql(ReactivateUser, { id: u.id }))}>
            <T zh="重新启用" en="Reactivate" />
          </button>
        )}
      </div>
    </td>
  );
}

/**
 * The users an admin administers (a consortium admin: the consortium's; an institution admin: their
 * institution's): find, create, edit roles, deactivate and reactivate. Taking access away ends the
 * user's sessions and sockets at once; the api decides who may grant what.
 */
export function UsersView({ roles }: ViewProps) {
  const admin = roles.includes('CONSORTIUM_ADMIN');
  const me = useQuery(Me);
  const institutions = useAllPages(async (after) =>
    admin ? (await gql(Institutions, { after })).institutions : { nodes: [], pageInfo: { endCursor: null, hasNextPage: false } },
  );
  const [draft, setDraft] = useState({ search: '', institutionId: '', role: '', active: 'true' });
  const [filter, setFilter] = useState<UsersVariables>({ active: true });
  const list = usePagedQuery(Users, filter, (d) => d.users);
  const { error: actionError, act } = useAction(list.reload);
  // The user being edited, read from the list as it is now (a stale copy would undo others' changes).
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const nodes = list.nodes;
  const editedUser = editing && editing !== 'new' ? (nodes.find((u) => u.id === editing) ?? null) : null;
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilter({
      search: draft.search.trim() || null,
      institutionId: draft.institutionId || null,
      role: (draft.role || null) as Role | null,
      active: draft.active === '' ? null : draft.active === 'true',
    });
  };
  const own = me.data ? { id: me.data.me.institution.id, name: me.data.me.institution.name } : null;
  return (
    <>
      <form className="filters" onSubmit={apply} aria-label="筛选 Filters">
        <label>
          <T zh="登录名或姓名" en="Login or name" />
          <input name="search" value={draft.search} onChange={(e) => setDraft({ ...draft, search: e.target.value })} />
        </label>
        {admin ? (
          <label>
            <T zh="机构" en="Institution" />
            <NamedSelect
              name="institution"
              value={draft.institutionId}
              onValue={(institutionId) => setDraft({ ...draft, institutionId })}
              none="全部 Any"
              options={institutions.data ?? []}
            />
          </label>
        ) : null}
        <label>
          <T zh="角色" en="Role" />
          <select name="role" value={draft.role} onChange={(e) => setDraft({ ...draft, role: e.target.value })}>
            <option value="">全部 Any</option>
            {ALL_ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r][0]} {r}
              </option>
            ))}
          </select>
        </label>
        <label>
          <T zh="状态" en="State" />
          <select name="active" value={draft.active} onChange={(e) => setDraft({ ...draft, active: e.target.value })}>
            <option value="true">在用 Active</option>
            <option value="false">已停用 Deactivated</option>
            <option value="">全部 Any</option>
          </select>
        </label>
        <button type="submit" className="primary">
          <T zh="筛选" en="Filter" />
        </button>
        <button type="button" data-action="new-user" onClick={() => setEditing('new')}>
          <T zh="新建用户" en="New user" />
        </button>
      </form>
      <ErrorNote error={list.error ?? actionError ?? list.moreError ?? institutions.error} />
      {own && (editing === 'new' || editedUser) ? (
        <UserForm
          key={editedUser?.id ?? 'new'}
          user={editedUser}
          admin={admin}
          own={own}
          institutions={institutions.data}
          meId={me.data?.me.id}
          onClose={() => setEditing(null)}
          onStale={() => void list.reload()}
          onDone={() => {
            setEditing(null);
            void list.reload();
          }}
        />
      ) : null}
      <div className="scroll">
        <table data-testid="users">
          <thead>
            <tr>
              <th>
                <T zh="登录名" en="Login" />
              </th>
              <th>
                <T zh="姓名" en="Name" />
              </th>
              <th>
                <T zh="机构" en="Institution" />
              </th>
              <th>
                <T zh="角色" en="Roles" />
              </th>
              <th>
                <T zh="最近登录" en="Last login" />
              </th>
              <th>
                <T zh="状态" en="State" />
              </th>
              <th>
                <T zh="操作" en="Action" />
              </th>
            </tr>
          </thead>
          <tbody>
            {nodes.map((u) => (
              <tr key={u.id} data-id={u.id} data-username={u.username} data-active={String(u.active)} data-version={u.version}>
                <td className="en">{u.username}</td>
                <td>{u.displayName}</td>
                <td>{u.institution.name}</td>
                <td data-roles={u.roles.join(',')}>
                  {u.roles.map((r) => (
                    <span key={r} className="badge">
                      <Label table={ROLE_LABELS} code={r} />
                    </span>
                  ))}
                </td>
                <td>{formatTime(u.lastLoginAt)}</td>
                <td>
                  {u.active ? (
                    <span className="badge ok">
                      <T zh="在用" en="Active" />
                    </span>
                  ) : (
                    <span className="badge bad">
                      <T zh="已停用" en="Deactivated" /> {formatTime(u.deactivatedAt)}
                    </span>
                  )}
                  {u.active && u.passwordChangeRequired ? (
                    <span className="badge warn" data-testid="awaiting-own-password">
                      <T zh="待本人改密" en="Own password pending" />
                    </span>
                  ) : null}
                </td>
                <AccessActions u={u} me={me.data?.me.id} act={act} onEdit={() => setEditing(u.id)} />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <PagedFooter name="users" list={list} empty={<T zh="没有符合条件的用户" en="No user matches" />} />
    </>
  );
}
