import { useState, type FormEvent } from 'react';
import { gql, rereadOnConflict } from '../api/client';
import {
  AddFormularyItem,
  Formulary,
  RetireFormularyItem,
  UpdateFormularyItem,
  type FormularyResult,
  type FormularyStatus,
  type FormularyTier,
  type FormularyVariables,
} from '../api/generated';
import { ErrorNote, formatTime, Label, T, TIER_LABELS } from '../i18n';
import { useAction, usePagedQuery } from '../use-query';
import { CheckboxSet, SideForm, TextField, useRunning, useSubmit } from './side-form';
import { PagedFooter } from './paged-footer';

type Item = FormularyResult['formulary']['nodes'][number];
type Act = (fn: () => Promise<unknown>) => Promise<void>;

const TIERS: FormularyTier[] = ['COUNTY', 'TOWNSHIP', 'VILLAGE'];

const VERSION_ACTIONS: Record<string, [string, string]> = {
  CREATE: ['加入', 'Added'],
  UPDATE: ['修改', 'Changed'],
  RETIRE: ['停用', 'Retired'],
};

/** An empty field is "no value": the api clears it (null), a field left out would stay as it was. */
const orNull = (v: string) => v.trim() || null;

/**
 * A new item (by national code, or by product key and spec; the dictionary fills the rest) or an
 * existing one's names, tiers, substitution group and note. An edit sends the version it opened
 * with, so a change made meanwhile is refused rather than overwritten: the list then shows the item
 * as it is now, and the form keeps what was typed until it is closed and opened again.
 */
function FormularyForm({
  item: current,
  onDone,
  onStale,
  onClose,
}: {
  item: Item | null;
  onDone: () => void;
  onStale: () => void;
  onClose: () => void;
}) {
  const [item] = useState(current);
  const [nationalCode, setNationalCode] = useState('');
  const [productKey, setProductKey] = useState('');
  const [genericName, setGenericName] = useState(item?.genericName ?? '');
  const [dosageForm, setDosageForm] = useState(item?.dosageForm ?? '');
  const [spec, setSpec] = useState(item?.spec ?? '');
  const [tiers, setTiers] = useState<FormularyTier[]>(item?.tiers ?? TIERS);
  const [group, setGroup] = useState(item?.substitutionGroup ?? '');
  const [note, setNote] = useState(item?.note ?? '');
  const [reason, setReason] = useState('');
  const { busy, error, submit } = useSubmit();
  const ready = tiers.length > 0 && (item !== null || !!nationalCode.trim() || !!productKey.trim());
  const save = () =>
    submit(async () => {
      if (item) {
        await gql(UpdateFormularyItem, {
          input: {
            id: item.id,
            expectedVersion: item.version,
            ...(genericName.trim() ? { genericName: genericName.trim() } : {}),
            dosageForm: orNull(dosageForm),
            spec: orNull(spec),
            tiers,
            substitutionGroup: orNull(group),
            note: orNull(note),
            reason: orNull(reason),
          },
        }).catch(rereadOnConflict(onStale));
      } else {
        // What the dictionary knows is taken from it unless typed here.
        await gql(AddFormularyItem, {
          input: {
            nationalCode: orNull(nationalCode),
            productKey: orNull(productKey),
            genericName: orNull(genericName),
            dosageForm: orNull(dosageForm),
            spec: orNull(spec),
            tiers,
            substitutionGroup: orNull(group),
            note: orNull(note),
          },
        });
      }
      onDone();
    });
  return (
    <SideForm
      name="formulary-form"
      title={
        item ? (
          <>
            <T zh="修改条目" en="Change the item" /> {item.genericName} <span className="en">v{item.version}</span>
          </>
        ) : (
          <T zh="加入统一目录" en="Add to the unified list" />
        )
      }
      error={error}
      onClose={onClose}
      actions={
        <button className="primary" data-action="save-formulary" disabled={busy || !ready} onClick={() => void save()}>
          <T zh="保存" en="Save" />
        </button>
      }
    >
      {item ? (
        <>
          <dt>
            <T zh="医保代码 / 品种键" en="Code / product key" />
          </dt>
          <dd className="en">{item.nationalCode ?? item.productKey}</dd>
        </>
      ) : (
        <>
          <TextField
            id="f-code"
            zh="医保药品代码"
            en="National code"
            name="nationalCode"
            placeholder="X… 23 位 / Z… 20 位"
            value={nationalCode}
            onValue={setNationalCode}
          />
          <TextField
            id="f-product"
            zh="品种键(无代码时,须填规格)"
            en="Product key, without a code (a spec is then required)"
            name="productKey"
            value={productKey}
            onValue={setProductKey}
          />
        </>
      )}
      <TextField
        id="f-name"
        zh="通用名"
        en="Generic name"
        name="genericName"
        placeholder={item ? '' : '默认取自国家目录 From the dictionary'}
        value={genericName}
        onValue={setGenericName}
      />
      <TextField id="f-form" zh="剂型" en="Dosage form" name="dosageForm" value={dosageForm} onValue={setDosageForm} />
      <TextField id="f-spec" zh="规格" en="Spec" name="spec" value={spec} onValue={setSpec} />
      <dt>
        <T zh="可配备层级" en="Tiers that may stock it" />
      </dt>
      <dd>
        <CheckboxSet options={TIERS} labels={TIER_LABELS} chosen={tiers} onChange={setTiers} attr="tier" />
      </dd>
      <TextField
        id="f-group"
        zh="替代组"
        en="Substitution group"
        name="substitutionGroup"
        placeholder="默认同品种键 The product key"
        value={group}
        onValue={setGroup}
      />
      <TextField id="f-note" zh="备注" en="Note" name="note" value={note} onValue={setNote} />
      {item ? <TextField id="f-reason" zh="修改原因" en="Why" name="reason" value={reason} onValue={setReason} /> : null}
    </SideForm>
  );
}

/** Edit, or retire with a reason (kept in the item's history); a retired item stays readable. */
function ItemActions({ item, act, onEdit }: { item: Item; act: Act; onEdit: () => void }) {
  const [reason, setReason] = useState('');
  const { busy, run } = useRunning(act);
  if (item.status !== 'ACTIVE') return <td>—</td>;
  return (
    <td>
      <div className="actions">
        <button data-action="edit-formulary" disabled={busy} onClick={onEdit}>
          <T zh="修改" en="Edit" />
        </button>
        <input aria-label="停用原因 Reason" placeholder="原因 Reason" size={10} value={reason} onChange={(e) => setReason(e.target.value)} />
        <button
          data-action="retire-formulary"
          disabled={busy || reason.trim().length < 2}
          onClick={() => run(() => gql(RetireFormularyItem, { input: { id: item.id, expectedVersion: item.version, reason: reason.trim() } }))}
        >
          <T zh="停用" en="Retire" />
        </button>
      </div>
    </td>
  );
}

/**
 * The consortium's unified drug list (统一药品目录): every member reads it; its keepers (consortium
 * admins, the lead hospital's pharmacists; the api decides) add, change and retire items, each
 * change a new version kept with the item.
 */
export function FormularySection({ keeper }: { keeper: boolean }) {
  const [draft, setDraft] = useState({ search: '', tier: '', status: 'ACTIVE' });
  const [filter, setFilter] = useState<FormularyVariables>({ status: 'ACTIVE' });
  const list = usePagedQuery(Formulary, filter, (d) => d.formulary);
  const { error: actionError, act } = useAction(list.reload);
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const edited = editing && editing !== 'new' ? (list.nodes.find((i) => i.id === editing) ?? null) : null;
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setFilter({
      search: draft.search.trim() || null,
      tier: (draft.tier || null) as FormularyTier | null,
      status: draft.status as FormularyStatus,
    });
  };
  return (
    <section aria-labelledby="formulary-title" data-testid="formulary">
      <h2 id="formulary-title">
        <T zh="统一药品目录" en="Unified drug list" />
      </h2>
      <form className="filters" onSubmit={apply} aria-label="目录筛选 List filters">
        <label>
          <T zh="名称或代码前缀" en="Name or code prefix" />
          <input name="formulary-search" value={draft.search} onChange={(e) => setDraft({ ...draft, search: e.target.value })} />
        </label>
        <label>
          <T zh="层级" en="Tier" />
          <select name="formulary-tier" value={draft.tier} onChange={(e) => setDraft({ ...draft, tier: e.target.value })}>
            <option value="">全部 Any</option>
            {TIERS.map((t) => (
              <option key={t} value={t}>
                {TIER_LABELS[t][0]} {TIER_LABELS[t][1]}
              </option>
            ))}
          </select>
        </label>
        <label>
          <T zh="状态" en="State" />
          <select name="formulary-status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value })}>
            <option value="ACTIVE">在用 Active</option>
            <option value="RETIRED">已停用 Retired</option>
          </select>
        </label>
        <button type="submit" className="primary">
          <T zh="筛选" en="Filter" />
        </button>
        {keeper ? (
          <button type="button" data-action="new-formulary" onClick={() => setEditing('new')}>
            <T zh="加入药品" en="Add a drug" />
          </button>
        ) : null}
      </form>
      <ErrorNote error={list.error ?? actionError ?? list.moreError} />
      {keeper && (editing === 'new' || edited) ? (
        <FormularyForm
          key={edited?.id ?? 'new'}
          item={edited}
          onStale={() => void list.reload()}
          onClose={() => setEditing(null)}
          onDone={() => {
            setEditing(null);
            void list.reload();
          }}
        />
      ) : null}
      <div className="scroll">
        <table data-testid="formulary-items">
          <thead>
            <tr>
              <th><T zh="通用名" en="Generic name" /></th>
              <th><T zh="剂型 / 规格" en="Form / spec" /></th>
              <th><T zh="医保代码 / 品种键" en="Code / product key" /></th>
              <th><T zh="可配备层级" en="Tiers" /></th>
              <th><T zh="替代组" en="Substitution group" /></th>
              <th><T zh="版本" en="Version" /></th>
              {keeper ? <th><T zh="操作" en="Action" /></th> : null}
            </tr>
          </thead>
          <tbody>
            {list.nodes.map((i) => (
              <tr key={i.id} data-id={i.id} data-code={i.nationalCode ?? ''} data-status={i.status} data-version={i.version}>
                <td>
                  {i.genericName}
                  {i.note ? <div className="en">{i.note}</div> : null}
                  {i.retireReason ? (
                    <div className="en" data-testid="retired">
                      <T zh="停用" en="Retired" /> {formatTime(i.retiredAt)}: {i.retireReason}
                    </div>
                  ) : null}
                </td>
                <td>
                  {i.dosageForm ?? '—'} · {i.spec ?? '—'}
                </td>
                <td className="en">{i.nationalCode ?? i.productKey}</td>
                <td data-tiers={i.tiers.join(',')}>
                  {i.tiers.map((t) => (
                    <span key={t} className="badge">
                      <Label table={TIER_LABELS} code={t} />
                    </span>
                  ))}
                </td>
                <td className="en">{i.substitutionKey}</td>
                <td>
                  <details>
                    <summary>v{i.version}</summary>
                    <ol data-testid="versions">
                      {i.versions.map((v) => (
                        <li key={v.version} data-action={v.action}>
                          v{v.version} <Label table={VERSION_ACTIONS} code={v.action} /> {formatTime(v.at)}
                          {v.changed.length ? <span className="en"> ({v.changed.join(', ')})</span> : null}
                          {v.note ? <div className="en">{v.note}</div> : null}
                        </li>
                      ))}
                    </ol>
                  </details>
                </td>
                {keeper ? <ItemActions item={i} act={act} onEdit={() => setEditing(i.id)} /> : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <PagedFooter name="formulary" list={list} action="more-formulary" empty={<T zh="没有符合条件的药品" en="No item matches" />} />
    </section>
  );
}
