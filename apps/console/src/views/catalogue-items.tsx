import { useState, type FormEvent } from 'react';
import { gql, rereadOnConflict } from '../api/client';
import {
  CatalogueItems,
  FindFormularyItems,
  Institutions,
  RemapCatalogueItem,
  UpdateStock,
  type CatalogueItemsResult,
  type CatalogueItemsVariables,
  type FindFormularyItemsResult,
  type MappingStatus,
} from '../api/generated';
import { ErrorNote, formatTime, Label, MAPPING_STATUS_LABELS, T } from '../i18n';
import { useAction, useAllPages, usePagedQuery } from '../use-query';
import { SearchPicker } from './patient-picker';
import { NamedSelect, SideForm, TextField, useRunning, useSubmit } from './side-form';
import { PagedFooter } from './paged-footer';

type Item = CatalogueItemsResult['catalogueItems']['nodes'][number];
type Target = FindFormularyItemsResult['formulary']['nodes'][number];
type Act = (fn: () => Promise<unknown>) => Promise<void>;

const STOCK_SOURCE_LABELS: Record<string, [string, string]> = {
  IMPORT: ['随目录导入', 'From the import'],
  MANUAL: ['手工设置', 'Set by hand'],
  SUPPLY: ['配送入库', 'From a delivery'],
};

const TARGET_NAMES = { input: 'remap-search', find: 'find-target', found: 'remap-found', picked: 'remap-target', attr: 'target' };

/** What the signed-in user may do with a member's catalogue, by the api's rules (which decide all the same). */
export interface CatalogueRights {
  /** Consortium admins and the lead hospital's pharmacists read every member's. */
  seesAll: boolean;
  keeps: (institutionId: string) => boolean;
  decides: (institutionId: string) => boolean;
}

/**
 * Maps an item onto another unified-list item, with the reason kept in its history. Sends the
 * mapping's version as read: a decision made meanwhile is refused, and the list then shows it.
 */
function RemapForm({ item, onDone, onStale, onClose }: { item: Item; onDone: () => void; onStale: () => void; onClose: () => void }) {
  const [target, setTarget] = useState<Target | null>(null);
  const [reason, setReason] = useState('');
  const { busy, error, setError, submit } = useSubmit();
  const save = () =>
    submit(async () => {
      await gql(RemapCatalogueItem, {
        itemId: item.id,
        formularyItemId: target!.id,
        reason: reason.trim(),
        expectedVersion: item.mapping?.version ?? null,
      }).catch(rereadOnConflict(onStale));
      onDone();
    });
  return (
    <SideForm
      name="remap-form"
      title={
        <>
          <T zh="改对照" en="Map to another item" /> {item.genericName} {item.spec ?? ''}
        </>
      }
      error={error}
      onClose={onClose}
      actions={
        <button className="primary" data-action="save-remap" disabled={busy || !target || reason.trim().length < 2} onClick={() => void save()}>
          <T zh="保存" en="Save" />
        </button>
      }
    >
      <dt>
        <T zh="现对照" en="Mapped now" />
      </dt>
      <dd>
        {item.mapping?.formularyItem ? `${item.mapping.formularyItem.genericName} ${item.mapping.formularyItem.spec ?? ''}` : '—'}
      </dd>
      <dt>
        <label htmlFor={TARGET_NAMES.input}>
          <T zh="改为统一目录条目" en="Unified-list item" />
        </label>
      </dt>
      <dd>
        <SearchPicker
          names={TARGET_NAMES}
          placeholder="通用名或代码 Name or code"
          search={async (q) => (await gql(FindFormularyItems, { search: q })).formulary.nodes}
          describe={(f) => `${f.genericName} ${f.spec ?? ''} ${f.dosageForm ?? ''}`}
          notFound={<T zh="统一目录中未找到" en="Not in the unified list" />}
          picked={target}
          onPick={setTarget}
          onError={setError}
        />
      </dd>
      <TextField id="remap-reason" zh="原因" en="Why" name="remapReason" value={reason} onValue={setReason} />
    </SideForm>
  );
}

/** On-hand quantity, set as an absolute figure in the item's unit. */
function StockCell({ item, institutionId, act, keeps }: { item: Item; institutionId: string; act: Act; keeps: boolean }) {
  const [onHand, setOnHand] = useState(item.stock ? String(item.stock.onHand) : '');
  const { busy, run } = useRunning(act);
  const amount = Number(onHand);
  const shown = item.stock ? (
    <div className="en">
      <Label table={STOCK_SOURCE_LABELS} code={item.stock.source} /> {formatTime(item.stock.updatedAt)}
    </div>
  ) : null;
  if (!keeps)
    return (
      <td data-testid="on-hand">
        {item.stock ? `${item.stock.onHand} ${item.unit ?? ''}` : <T zh="未知" en="Unknown" />}
        {shown}
      </td>
    );
  return (
    <td data-testid="on-hand">
      <div className="actions">
        <input aria-label="现有数量 On hand" type="number" min="0" step="any" size={6} value={onHand} onChange={(e) => setOnHand(e.target.value)} />
        <span>{item.unit ?? ''}</span>
        <button
          data-action="save-stock"
          disabled={busy || onHand.trim() === '' || !(amount >= 0)}
          onClick={() => run(() => gql(UpdateStock, { input: { institutionId, items: [{ catalogueItemId: item.id, onHand: amount }] } }))}
        >
          <T zh="保存" en="Save" />
        </button>
      </div>
      {shown}
    </td>
  );
}

/**
 * A member's own drug catalogue (本机构药品目录): each item, what it maps onto in the unified list
 * and its stock. Its admins and pharmacists set stock; pharmacists (and consortium admins) correct
 * a mapping the matcher or a person got wrong.
 */
export function CatalogueItemsSection({ ownInstitutionId, rights }: { ownInstitutionId: string; rights: CatalogueRights }) {
  const members = useAllPages(async (after) =>
    rights.seesAll ? (await gql(Institutions, { after })).institutions : { nodes: [], pageInfo: { endCursor: null, hasNextPage: false } },
  );
  const [draft, setDraft] = useState({ institutionId: ownInstitutionId, search: '', status: '' });
  const [filter, setFilter] = useState<CatalogueItemsVariables>({ institutionId: ownInstitutionId });
  const list = usePagedQuery(CatalogueItems, filter, (d) => d.catalogueItems);
  const { error: actionError, act } = useAction(list.reload);
  const [remapping, setRemapping] = useState<string | null>(null);
  const institutionId = filter.institutionId ?? ownInstitutionId;
  const remapped = remapping ? (list.nodes.find((i) => i.id === remapping) ?? null) : null;
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setRemapping(null);
    setFilter({
      institutionId: draft.institutionId,
      search: draft.search.trim() || null,
      mappingStatus: (draft.status || null) as MappingStatus | null,
    });
  };
  const keeps = rights.keeps(institutionId);
  const decides = rights.decides(institutionId);
  return (
    <section aria-labelledby="catalogue-items-title" data-testid="catalogue-items">
      <h2 id="catalogue-items-title">
        <T zh="机构药品目录" en="Institution catalogue" />
      </h2>
      <form className="filters" onSubmit={apply} aria-label="机构目录筛选 Catalogue filters">
        {rights.seesAll ? (
          <label>
            <T zh="机构" en="Institution" />
            <NamedSelect
              name="catalogue-institution"
              value={draft.institutionId}
              onValue={(institutionId) => setDraft({ ...draft, institutionId })}
              options={(members.data ?? []).filter((i) => i.kind !== 'PARTNER_HOSPITAL')}
            />
          </label>
        ) : null}
        <label>
          <T zh="名称或编码" en="Name or code" />
          <input name="catalogue-search" value={draft.search} onChange={(e) => setDraft({ ...draft, search: e.target.value })} />
        </label>
        <label>
          <T zh="对照状态" en="Mapping" />
          <select name="catalogue-status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value })}>
            <option value="">全部 Any</option>
            {Object.entries(MAPPING_STATUS_LABELS).map(([code, [zh, en]]) => (
              <option key={code} value={code}>
                {zh} {en}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary">
          <T zh="筛选" en="Filter" />
        </button>
      </form>
      <ErrorNote error={list.error ?? actionError ?? list.moreError ?? members.error} />
      {remapped ? (
        <RemapForm
          key={remapped.id}
          item={remapped}
          onStale={() => void list.reload()}
          onClose={() => setRemapping(null)}
          onDone={() => {
            setRemapping(null);
            void list.reload();
          }}
        />
      ) : null}
      <div className="scroll">
        <table data-testid="catalogue-item-rows">
          <thead>
            <tr>
              <th><T zh="院内编码" en="Local code" /></th>
              <th><T zh="药品" en="Drug" /></th>
              <th><T zh="对照统一目录" en="Mapped onto" /></th>
              <th><T zh="现有数量" en="On hand" /></th>
              {decides ? <th><T zh="操作" en="Action" /></th> : null}
            </tr>
          </thead>
          <tbody>
            {list.nodes.map((i) => (
              // Keyed by stock version: a saved quantity starts the input afresh from the api's.
              <tr key={`${i.id}:${i.stock?.version ?? 0}`} data-id={i.id} data-mapping-status={i.mapping?.status ?? ''}>
                <td className="en">{i.localCode}</td>
                <td>
                  {i.genericName} {i.brandName ? `(${i.brandName})` : ''}
                  <div className="en">
                    {i.dosageForm ?? ''} {i.spec ?? ''} {i.nationalCode ?? ''}
                  </div>
                </td>
                <td data-testid="mapped-onto" data-formulary={i.mapping?.formularyItem?.id ?? ''}>
                  {i.mapping?.formularyItem ? `${i.mapping.formularyItem.genericName} ${i.mapping.formularyItem.spec ?? ''}` : '—'}
                  <div className="en">
                    {i.mapping ? <Label table={MAPPING_STATUS_LABELS} code={i.mapping.status} /> : null}
                    {i.mapping?.note ? ` · ${i.mapping.note}` : ''}
                  </div>
                </td>
                <StockCell item={i} institutionId={institutionId} act={act} keeps={keeps} />
                {decides ? (
                  <td>
                    <button data-action="remap-item" disabled={!i.mapping} onClick={() => setRemapping(i.id)}>
                      <T zh="改对照" en="Remap" />
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <PagedFooter
        name="catalogue-items"
        list={list}
        action="more-catalogue-items"
        empty={<T zh="没有符合条件的条目" en="No item matches" />}
      />
    </section>
  );
}
