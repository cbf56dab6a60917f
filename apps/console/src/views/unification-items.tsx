import { useState } from 'react';
import { gql, rereadOnConflict } from '../api/client';
import {
  CreateUnificationItem,
  UnificationItemVersions,
  UnificationItems,
  UpdateUnificationItem,
  type Tier,
  type UnificationComparator,
  type UnificationDimension,
  type UnificationItemsResult,
} from '../api/generated';
import { ErrorNote, formatTime, Label, T, TIER_LABELS } from '../i18n';
import { MEASURE_LABELS } from '../measure-labels';
import { useQuery } from '../use-query';
import { CheckboxSet, SideForm, TextField, useSubmit } from './side-form';

type Item = UnificationItemsResult['unificationItems'][number];

const MEMBER_TIERS: Tier[] = ['COUNTY', 'TOWNSHIP', 'VILLAGE'];
const COMPARATORS: UnificationComparator[] = ['GTE', 'GT', 'LTE', 'LT'];
const SYMBOL: Record<UnificationComparator, string> = { GTE: '≥', GT: '>', LTE: '≤', LT: '<' };
/** The days of the period judged: a denominator for "per day" checks. */
const PERIOD_DAYS = 'period.days';

export const DIMENSION_LABELS: Record<UnificationDimension, [string, string]> = {
  ADMINISTRATION: ['行政', 'Administration'],
  PERSONNEL: ['人员', 'Personnel'],
  FINANCE: ['财务', 'Finance'],
  BUSINESS: ['业务', 'Clinical business'],
  DRUGS: ['药械', 'Drugs and devices'],
  INFORMATION: ['信息', 'Information'],
  PERFORMANCE: ['绩效', 'Performance'],
};

const KIND_NAMES: Record<string, [string, string]> = {
  DATA: ['数据核查', 'From data'],
  EVIDENCE: ['佐证材料', 'From documents'],
};

const measureName = (k: string) => (k === PERIOD_DAYS ? '期间天数 days' : (MEASURE_LABELS[k]?.[0] ?? k));

/** The rule in words: numerator ÷ denominator × multiplier against the thresholds, or the document asked for. */
function rule(i: Item): string {
  if (i.data) {
    const d = i.data;
    const ratio = `${d.numerator.map(measureName).join(' + ')}${d.denominator ? ` ÷ (${d.denominator.map(measureName).join(' + ')})` : ''}${d.multiplier !== 1 ? ` × ${d.multiplier}` : ''}`;
    return `${ratio} ${SYMBOL[d.comparator]} ${d.met}${d.partial !== null && d.partial !== undefined ? `(部分 ${SYMBOL[d.comparator]} ${d.partial})` : ''}`;
  }
  if (i.evidence) return `${i.evidence.evidenceKind}${i.evidence.validMonths ? ` · ${i.evidence.validMonths} 个月内 months` : ''}`;
  return '—';
}

const num = (v: string) => (v.trim() === '' ? null : Number(v));

/** Several measures chosen from the known ones. */
function MeasureSelect({ name, label, value, onChange, withDays }: { name: string; label: string; value: string[]; onChange: (v: string[]) => void; withDays?: boolean }) {
  const keys = [...(withDays ? [PERIOD_DAYS] : []), ...Object.keys(MEASURE_LABELS)];
  return (
    <select multiple size={6} name={name} aria-label={label} value={value} onChange={(e) => onChange([...e.target.selectedOptions].map((o) => o.value))}>
      {keys.map((k) => (
        <option key={k} value={k}>
          {measureName(k)} · {k}
        </option>
      ))}
    </select>
  );
}

/**
 * A new item of the consortium's own, or the next version of one in force: its names, tiers,
 * thresholds or document validity, switched off or on; the check's measures are set when it is
 * made. Every change says why; periods already ended keep the version they were judged by. A
 * change names the version it opened with, so one made meanwhile is refused rather than
 * overwritten: the list then shows the item as it is now, and the form keeps what was typed until
 * it is closed and opened again.
 */
function ItemForm({
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
  const [code, setCode] = useState('');
  const [kind, setKind] = useState<'DATA' | 'EVIDENCE'>(item?.kind ?? 'EVIDENCE');
  const [dimension, setDimension] = useState<UnificationDimension>(item?.dimension ?? 'ADMINISTRATION');
  const [nameZh, setNameZh] = useState(item?.nameZh ?? '');
  const [nameEn, setNameEn] = useState(item?.nameEn ?? '');
  const [tiers, setTiers] = useState<Tier[]>(item?.tiers ?? MEMBER_TIERS);
  const [active, setActive] = useState(item?.active ?? true);
  const [evidenceKind, setEvidenceKind] = useState(item?.evidence?.evidenceKind ?? '');
  const [validMonths, setValidMonths] = useState(item?.evidence?.validMonths ? String(item.evidence.validMonths) : '');
  const [numerator, setNumerator] = useState<string[]>(item?.data?.numerator ?? []);
  const [denominator, setDenominator] = useState<string[]>(item?.data?.denominator ?? []);
  const [multiplier, setMultiplier] = useState(String(item?.data?.multiplier ?? 100));
  const [comparator, setComparator] = useState<UnificationComparator>(item?.data?.comparator ?? 'GTE');
  const [met, setMet] = useState(item?.data ? String(item.data.met) : '');
  const [partial, setPartial] = useState(item?.data?.partial !== null && item?.data?.partial !== undefined ? String(item.data.partial) : '');
  const [changeNote, setChangeNote] = useState('');
  const { busy, error, submit } = useSubmit();
  const check =
    kind === 'DATA'
      ? {
          data: {
            comparator,
            numerator,
            denominator: denominator.length ? denominator : null,
            multiplier: Number(multiplier),
            met: Number(met),
            partial: num(partial),
          },
        }
      : { evidence: { evidenceKind: evidenceKind.trim(), validMonths: num(validMonths) } };
  const ready = changeNote.trim().length > 0 && (kind === 'EVIDENCE' ? !!evidenceKind.trim() : met.trim() !== '') && (item !== null || (!!code.trim() && !!nameZh.trim() && !!nameEn.trim()));
  const save = () =>
    submit(async () => {
      if (item) {
        await gql(UpdateUnificationItem, {
          input: { code: item.code, version: item.version, nameZh: nameZh.trim(), nameEn: nameEn.trim(), tiers, active, changeNote: changeNote.trim(), ...check },
        }).catch(rereadOnConflict(onStale));
      } else {
        await gql(CreateUnificationItem, {
          input: { code: code.trim(), kind, dimension, nameZh: nameZh.trim(), nameEn: nameEn.trim(), tiers, changeNote: changeNote.trim(), ...check },
        });
      }
      onDone();
    });
  return (
    <SideForm
      name="unification-item-form"
      attrs={item ? { 'data-version': String(item.version) } : undefined}
      title={
        item ? (
          <>
            <T zh="修改评估项" en="Change the item" /> <span className="en">{item.code} v{item.version}</span>
          </>
        ) : (
          <T zh="新增评估项" en="New item" />
        )
      }
      error={error}
      onClose={onClose}
      actions={
        <button className="primary" data-action="save-unification-item" disabled={busy || !ready} onClick={() => void save()}>
          <T zh="保存为新版本" en="Save as a new version" />
        </button>
      }
    >
      {item ? null : (
        <>
          <TextField id="ui-code" zh="代码" en="Code" name="code" placeholder="如 ADM_JOINT_MEETING" value={code} onValue={setCode} />
          <dt>
            <T zh="维度与类型" en="Dimension and kind" />
          </dt>
          <dd className="actions">
            <select name="dimension" value={dimension} onChange={(e) => setDimension(e.target.value as UnificationDimension)}>
              {Object.entries(DIMENSION_LABELS).map(([d, [zh, en]]) => (
                <option key={d} value={d}>
                  {zh} {en}
                </option>
              ))}
            </select>
            <select name="kind" value={kind} onChange={(e) => setKind(e.target.value as 'DATA' | 'EVIDENCE')}>
              {Object.entries(KIND_NAMES).map(([k, [zh, en]]) => (
                <option key={k} value={k}>
                  {zh} {en}
                </option>
              ))}
            </select>
          </dd>
        </>
      )}
      <TextField id="ui-name-zh" zh="名称" en="Name (Chinese)" name="nameZh" value={nameZh} onValue={setNameZh} />
      <TextField id="ui-name-en" zh="英文名称" en="Name (English)" name="nameEn" value={nameEn} onValue={setNameEn} />
      <dt>
        <T zh="适用层级" en="Tiers judged" />
      </dt>
      <dd>
        <CheckboxSet options={MEMBER_TIERS} labels={TIER_LABELS} chosen={tiers} onChange={setTiers} attr="tier" />
      </dd>
      {kind === 'EVIDENCE' ? (
        <>
          <TextField id="ui-evidence" zh="材料类型" en="Document kind" name="evidenceKind" placeholder="如 POLICY_DOCUMENT" value={evidenceKind} onValue={setEvidenceKind} />
          <TextField id="ui-valid" zh="有效月数(空为长期)" en="Months valid (empty: for good)" name="validMonths" type="number" value={validMonths} onValue={setValidMonths} />
        </>
      ) : (
        <>
          {item ? null : (
            <>
              <dt>
                <T zh="分子(求和)" en="Numerator, summed" />
              </dt>
              <dd>
                <MeasureSelect name="numerator" label="分子 Numerator" value={numerator} onChange={setNumerator} />
              </dd>
              <dt>
                <T zh="分母(可空)" en="Denominator, optional" />
              </dt>
              <dd>
                <MeasureSelect name="denominator" label="分母 Denominator" value={denominator} onChange={setDenominator} withDays />
              </dd>
              <TextField id="ui-multiplier" zh="倍数(百分比为 100)" en="Multiplier (100 for a percentage)" name="multiplier" type="number" value={multiplier} onValue={setMultiplier} />
            </>
          )}
          <dt>
            <T zh="达标条件" en="Met when" />
          </dt>
          <dd className="actions">
            <select name="comparator" aria-label="比较 Comparator" value={comparator} onChange={(e) => setComparator(e.target.value as UnificationComparator)}>
              {COMPARATORS.map((c) => (
                <option key={c} value={c}>
                  {SYMBOL[c]}
                </option>
              ))}
            </select>
            <input name="met" aria-label="达标值 Met" type="number" step="any" size={6} value={met} onChange={(e) => setMet(e.target.value)} />
            <T zh="部分达标" en="Partly met" />
            <input name="partial" aria-label="部分达标值 Partly met" type="number" step="any" size={6} value={partial} onChange={(e) => setPartial(e.target.value)} />
          </dd>
        </>
      )}
      {item ? (
        <>
          <dt>
            <T zh="状态" en="State" />
          </dt>
          <dd>
            <label>
              <input type="checkbox" name="active" checked={active} onChange={(e) => setActive(e.target.checked)} /> <T zh="在用(停用后不再评估)" en="In use (off: no longer judged)" />
            </label>
          </dd>
        </>
      ) : null}
      <TextField id="ui-note" zh="修改说明" en="Why" name="changeNote" value={changeNote} onValue={setChangeNote} />
    </SideForm>
  );
}

/** One item's versions, newest first: who judged what by which rule, and why it changed. */
function Versions({ code }: { code: string }) {
  const q = useQuery(UnificationItemVersions, { code });
  return (
    <>
      <ErrorNote error={q.error} />
      <ul data-testid="item-versions">
        {(q.data?.unificationItems ?? []).map((v) => (
          <li key={v.id} data-version={v.version}>
            v{v.version} {v.own ? <T zh="本医共体" en="Ours" /> : <T zh="系统默认" en="Built in" />} {formatTime(v.createdAt)}
            {v.active ? '' : ' · 停用 off'} {v.changeNote ? <span className="en">· {v.changeNote}</span> : null}
          </li>
        ))}
      </ul>
    </>
  );
}

/**
 * The scorecard's items (评估项设置): what each unification is judged on, by data or by reviewed
 * documents, for which tiers. Consortium admins keep them; each change is a new version.
 */
export function UnificationItemsSection({ admin, onChanged }: { admin: boolean; onChanged: () => void }) {
  const items = useQuery(UnificationItems);
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const [history, setHistory] = useState<string | null>(null);
  const list = items.data?.unificationItems ?? [];
  const edited = editing && editing !== 'new' ? (list.find((i) => i.code === editing) ?? null) : null;
  return (
    <section aria-labelledby="unification-items-title" data-testid="unification-items">
      <h2 id="unification-items-title">
        <T zh="评估项设置" en="Scorecard items" /> <span className="en">{list.length}</span>{' '}
        {admin ? (
          <button data-action="new-unification-item" onClick={() => setEditing('new')}>
            <T zh="新增评估项" en="New item" />
          </button>
        ) : null}
      </h2>
      <ErrorNote error={items.error} />
      {admin && (editing === 'new' || edited) ? (
        <ItemForm
          key={edited?.code ?? 'new'}
          item={edited}
          onStale={() => {
            void items.reload();
            onChanged();
          }}
          onClose={() => setEditing(null)}
          onDone={() => {
            setEditing(null);
            void items.reload();
            // The scorecard above is judged by the items now in force.
            onChanged();
          }}
        />
      ) : null}
      <div className="scroll">
        <table data-testid="unification-item-rows">
          <thead>
            <tr>
              <th><T zh="维度" en="Dimension" /></th>
              <th><T zh="评估项" en="Item" /></th>
              <th><T zh="类型" en="Kind" /></th>
              <th><T zh="适用层级" en="Tiers" /></th>
              <th><T zh="核查规则" en="Rule" /></th>
              <th><T zh="版本" en="Version" /></th>
              {admin ? <th><T zh="操作" en="Action" /></th> : null}
            </tr>
          </thead>
          <tbody>
            {list.map((i) => (
              <tr key={i.code} data-code={i.code} data-version={i.version} data-active={String(i.active)}>
                <td>
                  <Label table={DIMENSION_LABELS} code={i.dimension} />
                </td>
                <td>
                  {i.nameZh} <div className="en">{i.nameEn} · {i.code}</div>
                </td>
                <td>
                  <Label table={KIND_NAMES} code={i.kind} />
                </td>
                <td data-tiers={i.tiers.join(',')}>
                  {i.tiers.map((t) => (
                    <span key={t} className="badge">
                      <Label table={TIER_LABELS} code={t} />
                    </span>
                  ))}
                </td>
                <td data-testid="item-rule">{rule(i)}</td>
                <td>
                  <button className="link" data-action="item-versions" aria-pressed={history === i.code} onClick={() => setHistory(history === i.code ? null : i.code)}>
                    v{i.version}
                  </button>
                  {i.own ? <span className="badge">本医共体 Ours</span> : null}
                  {i.active ? null : <span className="badge bad">停用 Off</span>}
                  {history === i.code ? <Versions code={i.code} /> : null}
                </td>
                {admin ? (
                  <td>
                    <button data-action="edit-unification-item" onClick={() => setEditing(i.code)}>
                      <T zh="修改" en="Edit" />
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
