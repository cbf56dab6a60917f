import { useMemo, useState } from 'react';
import { gql } from '../api/client';
import {
  CreateSupplyRequest,
  FindFormularyItems,
  type FindFormularyItemsResult,
  type SupplyUrgency,
} from '../api/generated';
import { T } from '../i18n';
import { SearchPicker } from './patient-picker';
import { SideForm, useSubmit } from './side-form';

type Item = FindFormularyItemsResult['formulary']['nodes'][number];

const ITEM_NAMES = {
  input: 'ns-search',
  find: 'find-item',
  found: 'ns-found',
  picked: 'ns-item',
  attr: 'item',
};

/**
 * 缺药登记: a drug of the unified list the institution lacks, asked of the central pharmacy. One
 * idempotency key per form, so pressing again after a lost answer cannot raise it twice; the api
 * checks who may raise it and for which institution.
 */
export function NewSupplyRequest({ onCreated, onClose }: { onCreated: () => void; onClose: () => void }) {
  const idempotencyKey = useMemo(() => `console-${crypto.randomUUID()}`, []);
  const [item, setItem] = useState<Item | null>(null);
  const [quantity, setQuantity] = useState('');
  const [urgency, setUrgency] = useState<SupplyUrgency>('ROUTINE');
  const [reason, setReason] = useState('');
  const { busy, error, setError, submit } = useSubmit();
  const amount = Number(quantity);
  const ready = !!item && amount > 0 && reason.trim().length >= 2;
  const raise = () =>
    submit(async () => {
      await gql(CreateSupplyRequest, {
        input: {
          formularyItemId: item!.id,
          quantity: amount,
          urgency,
          reason: reason.trim(),
          idempotencyKey,
        },
      });
      onCreated();
    });
  return (
    <SideForm
      name="new-supply"
      title={<T zh="登记缺药" en="Raise a supply request" />}
      error={error}
      onClose={onClose}
      actions={
        <button
          className="primary"
          data-action="raise"
          disabled={busy || !ready}
          onClick={() => void raise()}
        >
          <T zh="提交登记" en="Raise" />
        </button>
      }
    >
      <dt>
        <label htmlFor="ns-search">
          <T zh="药品" en="Drug" />
        </label>
      </dt>
      <dd>
        <SearchPicker
          names={ITEM_NAMES}
          placeholder="统一目录:名称或代码 Name or code"
          search={async (q) => (await gql(FindFormularyItems, { search: q })).formulary.nodes}
          describe={(f) => `${f.genericName} ${f.spec ?? ''} ${f.dosageForm ?? ''}`}
          notFound={<T zh="统一目录中未找到" en="Not in the unified list" />}
          picked={item}
          onPick={setItem}
          onError={setError}
        />
      </dd>
      <dt>
        <label htmlFor="ns-quantity">
          <T zh="数量" en="Quantity" />
        </label>
      </dt>
      <dd>
        <input
          id="ns-quantity"
          type="number"
          min="0.001"
          step="any"
          value={quantity}
          onChange={(e) => setQuantity(e.target.value)}
        />
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
    </SideForm>
  );
}
