import { useState } from 'react';
import { gql } from './api/client';
import {
  NotificationPreferences,
  UpdateNotificationPreferences,
  type NotificationPreferencesResult,
  type OutsideChannel,
} from './api/generated';
import { ErrorNote, T } from './i18n';
import { useQuery } from './use-query';
import { CheckboxSet, TextField, useSubmit } from './views/side-form';

const CHANNELS: OutsideChannel[] = ['SMS', 'WEBHOOK'];
const CHANNEL_LABELS: Record<string, [string, string]> = {
  SMS: ['短信', 'SMS'],
  WEBHOOK: ['Webhook 推送', 'Webhook'],
};

type Preferences = NotificationPreferencesResult['notificationPreferences'];

/**
 * The signed-in user's notification settings (通知设置): the inbox always, and the outside channels
 * chosen, as the api has them. Saved through the api and read back; a webhook's signing secret,
 * which the api shows once when a new address is set, is shown here then.
 */
export function NotificationSettings({ onClose }: { onClose: () => void }) {
  const q = useQuery(NotificationPreferences);
  const [secret, setSecret] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const prefs = q.data?.notificationPreferences;
  return (
    <div data-testid="notification-settings" aria-labelledby="notification-settings-title" role="group">
      <div className="actions">
        <strong id="notification-settings-title">
          <T zh="通知设置" en="Notification settings" />
        </strong>
        <button type="button" data-action="close-notification-settings" onClick={onClose}>
          <T zh="返回通知" en="Back to the inbox" />
        </button>
      </div>
      <ErrorNote error={q.error} />
      {prefs ? (
        <PreferencesForm
          // What the api answered, read again after each save: the form starts from it.
          key={JSON.stringify(prefs)}
          prefs={prefs}
          onSaved={async (newSecret) => {
            // Said once the form shows what the api now has (the refusal it showed before gone).
            await q.reload();
            setSecret(newSecret);
            setSaved(true);
          }}
          onEdit={() => setSaved(false)}
        />
      ) : null}
      {saved ? (
        <p className="note" data-testid="notification-settings-saved">
          <T zh="已保存" en="Saved" />
        </p>
      ) : null}
      {secret ? (
        <div data-testid="webhook-secret">
          <T zh="签名密钥(仅显示这一次,请配置到接收端)" en="Signing secret, shown this once: give it to the receiver" />
          <pre>
            <code>{secret}</code>
          </pre>
        </div>
      ) : null}
    </div>
  );
}

function PreferencesForm({
  prefs,
  onSaved,
  onEdit,
}: {
  prefs: Preferences;
  onSaved: (secret: string | null) => Promise<void>;
  onEdit: () => void;
}) {
  const [channels, setChannels] = useState<OutsideChannel[]>(prefs.channels);
  const [url, setUrl] = useState(prefs.webhookUrl ?? '');
  const { busy, error, submit } = useSubmit();
  const changed =
    url.trim() !== (prefs.webhookUrl ?? '') ||
    channels.length !== prefs.channels.length ||
    channels.some((c) => !prefs.channels.includes(c));
  const save = () =>
    submit(async () => {
      // The api checks the choice (a webhook needs its address) and the address itself.
      const { updateNotificationPreferences: answer } = await gql(UpdateNotificationPreferences, {
        input: { channels: CHANNELS.filter((c) => channels.includes(c)), webhookUrl: url.trim() || null },
      });
      await onSaved(answer.webhookSecret ?? null);
    });
  return (
    <>
      <dl className="form">
        <dt>
          <T zh="站内通知" en="Inbox" />
        </dt>
        <dd className="note">
          <T zh="始终接收" en="Always on" />
        </dd>
        <dt>
          <T zh="另经" en="Also by" />
        </dt>
        <dd>
          <CheckboxSet
            options={CHANNELS}
            labels={CHANNEL_LABELS}
            chosen={channels}
            attr="channel"
            onChange={(next) => {
              onEdit();
              setChannels(next);
            }}
          />
          <div className="note" data-testid="sms-to">
            {prefs.smsTo ? (
              <T
                zh={`短信发往账户登记的手机号 ${prefs.smsTo},不含患者信息`}
                en={`Texts go to ${prefs.smsTo}, the number on your account, without patient details`}
              />
            ) : (
              <T zh="账户未登记手机号,不能选短信;请管理员登记" en="No number on your account, so no texts: ask your administrator to add one" />
            )}
          </div>
        </dd>
        <TextField
          id="np-webhook-url"
          zh="Webhook 地址"
          en="Webhook address"
          type="url"
          placeholder="https://"
          value={url}
          onValue={(v) => {
            onEdit();
            setUrl(v);
          }}
          note={
            <div className="note">
              <T zh="HTTP POST,附 HMAC 签名" en="HTTP POST, signed with HMAC" />{' '}
              {/* The api keeps the address only with the channel: said before it is gone. */}
              <T zh="不选 Webhook 时,地址与签名密钥不予保留" en="Without Webhook, the address and its signing secret are not kept" />
            </div>
          }
        />
      </dl>
      <ErrorNote error={error} />
      <div className="actions">
        <button
          type="button"
          className="primary"
          data-action="save-notification-settings"
          disabled={busy || !changed}
          onClick={() => void save()}
        >
          <T zh="保存" en="Save" />
        </button>
      </div>
    </>
  );
}
