import { useMemo, useState } from 'react';
import { gql } from '../api/client';
import {
  CreateSupplyRequest,
  FindFormularyItems,
  type FindFormularyItemsResult,
  type SupplyUrgency,
} from '../api/generated';
import { ErrorNote, T } from '../i18n';

type Item = FindFormularyItemsResult['formulary']['nodes'][number];

/**
 * 缺药登记: a drug of the unified list the institution lacks, asked of the central pharmacy. One
 * idempotency key per form, so pressing again after a lost answer cannot raise it twice; the api
 * checks who may raise it and for which institution.
 */
export function NewSupplyRequest({ onCreated, onClose }: { onCreated: () => void; onClose: () => void }) {
  const idempotencyKey = useMemo(() => `console-${crypto.randomUUID()}`, []);
  const [search, setSearch] = useState('');
  const [found, setFound] = useState<Item[] | null>(null);
  const [item, setItem] = useState<Item | null>(null);
  const [quantity, setQuantity] = useState('');
  const [urgency, setUrgency] = useState<SupplyUrgency>('ROUTINE');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const find = async () => {
    try {
      setFound((await gql(FindFormularyItems, { search: search.trim() })).formulary.nodes);
      setError(null);
    } catch (err) {
      setError(err);
    }
  };
  const amount = Number(quantity);
  const ready = !!item && amount > 0 && reason.trim().length >= 2;
  const raise = async () => {
    setBusy(true);
    try {
      await gql(CreateSupplyRequest, {
        input: { formularyItemId: item!.id, quantity: amount, urgency, reason: reason.trim(), idempotencyKey },
      });
      onCreated();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel side-form" aria-labelledby="new-supply-title" data-testid="new-supply">
      <h2 id="new-supply-title">
        <T zh="登记缺药" en="Raise a supply request" />
      </h2>
      <dl className="form">
        <dt>
          <label htmlFor="ns-search">
            <T zh="药品" en="Drug" />
          </label>
        </dt>
        <dd>
          {item ? (
            <span data-testid="ns-item" data-item={item.id}>
              {item.genericName} {item.spec ?? ''} {item.dosageForm ?? ''}{' '}
              <button className="link" onClick={() => setItem(null)}>
                <T zh="更换" en="Change" />
              </button>
            </span>
          ) : (
            <>
              <div className="actions">
                <input
                  id="ns-search"
                  placeholder="统一目录:名称或代码 Name or code"
                  value={search}
                  onChange={(e) => setSearch(e.target.value)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' && search.trim()) void find();
                  }}
                />
                <button data-action="find-item" disabled={!search.trim()} onClick={() => void find()}>
                  <T zh="查找" en="Find" />
                </button>
              </div>
              {found ? (
                found.length ? (
                  <ul data-testid="ns-found">
                    {found.map((f) => (
                      <li key={f.id}>
                        <button className="link" data-item={f.id} onClick={() => setItem(f)}>
                          {f.genericName} {f.spec ?? ''} {f.dosageForm ?? ''}
                        </button>
                      </li>
                    ))}
                  </ul>
                ) : (
                  <p className="note">
                    <T zh="统一目录中未找到" en="Not in the unified list" />
                  </p>
                )
              ) : null}
            </>
          )}
        </dd>
        <dt>
          <label htmlFor="ns-quantity">
            <T zh="数量" en="Quantity" />
          </label>
        </dt>
        <dd>
          <input id="ns-quantity" type="number" min="0.001" step="any" value={quantity} onChange={(e) => setQuantity(e.target.value)} />
        </dd>
        <dt>
          <label htmlFor="ns-urgency">
            <T zh="紧急程度" en="Urgency" />
          </label>
        </dt>
        <dd>
          <select id="ns-urgency" value={urgency} onChange={(e) => setUrgency(e.target.value as SupplyUrgency)}>
            <option value="ROUTINE">常规 Routine</option>
            <option value="URGENT">紧急 Urgent</option>
          </select>
        </dd>
        <dt>
          <label htmlFor="ns-reason">
            <T zh="原因" en="Reason" />
          </label>
        </dt>
        <dd>
          <textarea id="ns-reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
        </dd>
      </dl>
      <ErrorNote error={error} />
      <div className="actions">
        <button className="primary" data-action="raise" disabled={busy || !ready} onClick={() => void raise()}>
          <T zh="提交登记" en="Raise" />
        </button>
        <button onClick={onClose}>
          <T zh="取消" en="Cancel" />
        </button>
      </div>
    </section>
  );
}
