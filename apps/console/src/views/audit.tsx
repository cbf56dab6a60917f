import { useState, type FormEvent } from 'react';
import { AuditEvents, VerifyAuditChain, type AuditEventFilter } from '../api/generated';
import { auditActionLabel, ErrorNote, formatTime, Label, OUTCOME_LABELS, T, useEnglish } from '../i18n';
import { usePagedQuery, useQuery } from '../use-query';
import { ENTITY_TYPE_LABELS } from '../audit-labels';
import { PagedFooter } from './paged-footer';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The audit trail with filters, page by page, and the result of the tamper-evident chain check. */
export function AuditView() {
  const en = useEnglish();
  const [filter, setFilter] = useState<AuditEventFilter>({});
  const [draft, setDraft] = useState({ action: '', entityType: '', actorUserId: '' });
  const events = usePagedQuery(AuditEvents, { filter }, (d) => d.auditEvents);
  const chain = useQuery(VerifyAuditChain);
  const { nodes } = events;

  const apply = (next: typeof draft) => {
    // The table shows an actor's id shortened: a typed prefix of a listed actor means that actor.
    const typed = next.actorUserId.trim().toLowerCase();
    const listed = [...new Set(nodes.map((e) => e.actorUserId))].filter((id) => !!id && id.startsWith(typed));
    const actor = typed && !UUID.test(typed) && listed.length === 1 ? listed[0]! : typed;
    setDraft({ ...next, actorUserId: actor });
    setFilter({
      action: next.action || null,
      entityType: next.entityType || null,
      actorUserId: actor || null,
    });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    apply(draft);
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
          <select
            name="entityType"
            value={draft.entityType}
            onChange={(e) => setDraft({ ...draft, entityType: e.target.value })}
          >
            <option value="">{en ? 'Any' : '全部'}</option>
            {Object.entries(ENTITY_TYPE_LABELS).map(([code, [zh]]) => (
              <option key={code} value={code}>
                {en ? code : `${zh} ${code}`}
              </option>
            ))}
          </select>
        </label>
        <label>
          <T zh="操作人 ID" en="Actor user id" />
          <input
            name="actorUserId"
            value={draft.actorUserId}
            size={38}
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
            {nodes.map((e) => (
              <tr
                key={e.id}
                data-id={e.id}
                data-entity-type={e.entityType ?? ''}
                data-actor={e.actorUserId ?? ''}
              >
                <td>{formatTime(e.occurredAt)}</td>
                <td data-action-code={e.action}>
                  {auditActionLabel(e.action)} <span className="en">{e.action}</span>
                </td>
                <td>
                  {e.entityType ? <Label table={ENTITY_TYPE_LABELS} code={e.entityType} /> : null}{' '}
                  {e.entityId ? <span className="en">{e.entityId.slice(0, 8)}</span> : null}
                </td>
                <td>
                  {/* Names need not be unique: a click filters by the whole id. */}
                  {e.actorUserId ? (
                    <>
                      <button
                        type="button"
                        className="link"
                        title={`${e.actorUserId} · 按此操作人筛选 Filter by this actor`}
                        onClick={() => apply({ ...draft, actorUserId: e.actorUserId! })}
                      >
                        {e.actorName ?? e.actorUserId.slice(0, 8)}
                      </button>{' '}
                      <span className="en">
                        {e.actorInstitutionName ? `${e.actorInstitutionName} · ` : ''}
                        {e.actorUserId.slice(0, 8)}
                      </span>
                    </>
                  ) : (
                    // Jobs (a deadline's escalation, a scheduled seal) act with no user.
                    <T zh="系统" en="System" />
                  )}
                </td>
                <td>
                  <span
                    className={`badge ${e.outcome === 'SUCCESS' ? 'ok' : 'bad'}`}
                    data-outcome={e.outcome}
                  >
                    <Label table={OUTCOME_LABELS} code={e.outcome} />
                  </span>{' '}
                  {e.errorCode ?? ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <PagedFooter name="audit" list={events} end={<T zh="(已到最早)" en="(the earliest reached)" />} />
      <ErrorNote error={events.moreError} />
    </>
  );
}
