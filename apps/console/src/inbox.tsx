import { useCallback, useEffect, useState } from 'react';
import { gql } from './api/client';
import { MarkNotificationsRead, Notifications } from './api/generated';
import { onLive } from './api/live';
import { ErrorNote, formatTime, T } from './i18n';
import { NotificationSettings } from './notification-settings';
import { useQuery } from './use-query';

/** The console view each kind of notification link belongs to (`/<head>/…`). */
const VIEW_OF_LINK: Record<string, string> = {
  referrals: 'referrals',
  consultations: 'consultations',
  'supply-requests': 'drugs',
  drugs: 'drugs',
  unification: 'unification',
  assessments: 'assessment',
  'key-tasks': 'assessment',
};

/** Where a notification's link opens in the console: `/referrals/<id>` opens that referral, `/consultations/<id>` that consultation. */
export function routeOf(link: string | null, views: string[]): string | null {
  if (!link) return null;
  const [, head, id] = link.split('/');
  const view = VIEW_OF_LINK[head];
  if (!view || !views.includes(view)) return null;
  return (view === 'referrals' || view === 'consultations') && id ? `#/${view}/${id}` : `#/${view}`;
}

/**
 * The user's inbox (站内通知): the unread count in the header, counted again when the api pushes a
 * new notification; the latest twenty, each opened where it points and marked read. Its 通知设置
 * opens the user's channel preferences in the panel.
 */
export function Inbox({ views }: { views: string[] }) {
  const [open, setOpen] = useState(false);
  const [settings, setSettings] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const q = useQuery(Notifications);
  const reload = q.reload;
  useEffect(() => onLive('notification', () => void reload()), [reload]);
  const inbox = q.data?.notifications;
  const read = useCallback(
    async (vars: { ids?: string[]; all: boolean }) => {
      try {
        await gql(MarkNotificationsRead, { ids: vars.ids ?? null, all: vars.all });
        setError(null);
      } catch (err) {
        setError(err);
      }
      await reload();
    },
    [reload],
  );
  const unread = inbox?.unreadCount ?? 0;
  return (
    <div className="inbox">
      <button
        type="button"
        data-testid="inbox-button"
        aria-expanded={open}
        aria-controls="inbox"
        onClick={() => {
          setSettings(false);
          setOpen(!open);
        }}
      >
        <T zh="通知" en="Notifications" />{' '}
        <span className={`badge ${unread ? 'bad' : ''}`} data-testid="unread" data-count={inbox ? unread : ''}>
          {unread}
        </span>
      </button>
      {open && settings ? (
        <section id="inbox" className="panel inbox-panel" aria-label="通知设置 Notification settings">
          <NotificationSettings onClose={() => setSettings(false)} />
        </section>
      ) : open ? (
        <section id="inbox" className="panel inbox-panel" data-testid="inbox" aria-label="通知 Notifications">
          <div className="actions">
            <strong>
              <T zh="最近通知" en="Latest" />
            </strong>
            <button type="button" data-action="read-all" disabled={!unread} onClick={() => void read({ all: true })}>
              <T zh="全部标为已读" en="Mark all read" />
            </button>
            <button type="button" data-action="notification-settings" onClick={() => setSettings(true)}>
              <T zh="通知设置" en="Settings" />
            </button>
          </div>
          <ErrorNote error={q.error ?? error} />
          {inbox && !inbox.nodes.length ? (
            <p>
              <T zh="暂无通知" en="Nothing yet" />
            </p>
          ) : null}
          <ul>
            {(inbox?.nodes ?? []).map((n) => {
              const route = routeOf(n.link, views);
              return (
                <li key={n.id} data-notification={n.id} data-read={String(!!n.readAt)} className={n.readAt ? '' : 'unread'}>
                  <div>
                    {route ? (
                      <a
                        href={route}
                        onClick={() => {
                          setOpen(false);
                          if (!n.readAt) void read({ ids: [n.id], all: false });
                        }}
                      >
                        {n.title}
                      </a>
                    ) : (
                      n.title
                    )}{' '}
                    <span className="en">{formatTime(n.createdAt)}</span>
                  </div>
                  {n.body ? <div className="body">{n.body}</div> : null}
                  {n.readAt ? null : (
                    <button type="button" className="link" data-action="read" onClick={() => void read({ ids: [n.id], all: false })}>
                      <T zh="标为已读" en="Mark read" />
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
