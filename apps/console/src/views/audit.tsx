import { useState, type FormEvent } from 'react';
import { AuditEvents, VerifyAuditChain, type AuditEventFilter } from '../api/generated';
import { ErrorNote, formatTime, T } from '../i18n';
import { useQuery } from '../use-query';

/** The audit trail with filters, and the result of the tamper-evident chain check. */
export function AuditView() {
  const [filter, setFilter] = useState<AuditEventFilter>({});
  const [draft, setDraft] = useState({ action: '', entityType: '', actorUserId: '' });
  const events = useQuery(AuditEvents, { filter });
  const chain = useQuery(VerifyAuditChain);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFilter({
      action: draft.action || null,
      entityType: draft.entityType || null,
      actorUserId: draft.actorUserId || null,
    });
  };
  const v = chain.data?.verifyAuditChain;
  return (
    <>
      <ErrorNote error={events.error ?? chain.error} />
      {v ? (
        <p data-testid="chain">
          <T zh="哈希链校验" en="Chain check" />:{' '}
          <span className={`badge ${v.ok ? 'ok' : 'bad'}`} data-ok={String(v.ok)}>
            {v.ok ? <T zh="完整" en="Intact" /> : <T zh="已损坏" en="Broken" />}
          </span>{' '}
          <T zh="已校验" en="Checked" /> <span data-testid="chain-checked">{v.checked}</span> ·{' '}
          <T zh="未封存" en="Unsealed" /> {v.unsealed} {v.reason ? `· ${v.reason}` : ''}{' '}
          <button onClick={() => void chain.reload()}>
            <T zh="重新校验" en="Check again" />
          </button>
        </p>
      ) : null}
      <form className="filters" onSubmit={submit} aria-label="筛选 Filters">
        <label>
          <T zh="动作(前缀)" en="Action (prefix)" />
          <input
            name="action"
            value={draft.action}
            onChange={(e) => setDraft({ ...draft, action: e.target.value })}
          />
        </label>
        <label>
          <T zh="对象类型" en="Entity type" />
          <input
            name="entityType"
            value={draft.entityType}
            onChange={(e) => setDraft({ ...draft, entityType: e.target.value })}
          />
        </label>
        <label>
          <T zh="操作人 ID" en="Actor user id" />
          <input
            name="actorUserId"
            value={draft.actorUserId}
            onChange={(e) => setDraft({ ...draft, actorUserId: e.target.value })}
          />
        </label>
        <button type="submit" className="primary">
          <T zh="筛选" en="Filter" />
        </button>
      </form>
      <div className="scroll">
        <table data-testid="audit-events">
          <thead>
            <tr>
              <th>
                <T zh="时间" en="When" />
              </th>
              <th>
                <T zh="动作" en="Action" />
              </th>
              <th>
                <T zh="对象" en="Entity" />
              </th>
              <th>
                <T zh="操作人" en="Actor" />
              </th>
              <th>
                <T zh="结果" en="Outcome" />
              </th>
            </tr>
          </thead>
          <tbody>
            {(events.data?.auditEvents.nodes ?? []).map((e) => (
              <tr key={e.id} data-id={e.id}>
                <td>{formatTime(e.occurredAt)}</td>
                <td>{e.action}</td>
                <td>
                  {e.entityType} {e.entityId ? <span className="en">{e.entityId.slice(0, 8)}</span> : null}
                </td>
                <td className="en">{e.actorUserId?.slice(0, 8) ?? '—'}</td>
                <td>
                  <span className={`badge ${e.outcome === 'SUCCESS' ? 'ok' : 'bad'}`}>{e.outcome}</span>{' '}
                  {e.errorCode ?? ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
