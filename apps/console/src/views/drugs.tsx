import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { gql, type GqlError } from '../api/client';
import {
  ApproveSupplyRequest,
  ConfirmMapping,
  Coverage,
  DispatchSupplyRequest,
  Me,
  ReceiveSupplyRequest,
  RejectMapping,
  RejectSupplyRequest,
  ReviewQueue,
  SupplyRequests,
  SupplySettings,
  type ReviewQueueResult,
  type Role,
  type SupplyRequestsResult,
} from '../api/generated';
import { onLive } from '../api/live';
import { Chart } from '../chart';
import { ErrorNote, formatTime, Label, MAPPING_STATUS_LABELS, SUPPLY_STATE_LABELS, T } from '../i18n';
import { useAction, useQuery } from '../use-query';
import { CatalogueUpload } from './catalogue-upload';
import { CatalogueItemsSection, type CatalogueRights } from './catalogue-items';
import { FormularySection } from './formulary';
import { NewSupplyRequest } from './new-supply-request';
import { SupplySettingsForm, SupplyTimings } from './supply-settings';
import { useRunning } from './side-form';
import type { ViewProps } from './registry';

type Mapping = ReviewQueueResult['catalogueMappings']['nodes'][number];
type Supply = SupplyRequestsResult['supplyRequests']['nodes'][number];

/** The api's sides: the requesting institution's staff receive (not its admin alone deciding). */
const RECEIVING_ROLES: Role[] = ['CLINICIAN', 'PHARMACIST', 'REFERRAL_COORDINATOR', 'INSTITUTION_ADMIN'];
/** Who raises supply requests: the api's raisers. */
const RAISING_ROLES: Role[] = ['CLINICIAN', 'PHARMACIST', 'REFERRAL_COORDINATOR', 'CONSORTIUM_ADMIN'];
/** Who works on the catalogue mappings; the others (clinicians, the referral centre) see supply requests only. */
const MAPPING_ROLES: Role[] = ['PHARMACIST', 'CONSORTIUM_ADMIN', 'INSTITUTION_ADMIN'];

function pct(x: number | null): string {
  return x === null ? '—' : `${(x * 100).toFixed(1)}%`;
}

function ReviewRow({ m, canDecide, onDone }: { m: Mapping; canDecide: boolean; onDone: () => void }) {
  const [target, setTarget] = useState(m.formularyItemId ?? m.proposals[0]?.formularyItemId ?? '');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const act = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      setError(null);
      onDone();
    } catch (err) {
      setError(err);
      // Someone (or the matcher) changed it meanwhile: show the current version, keep what was typed.
      if ((err as GqlError).code === 'CONFLICT') onDone();
    }
  };
  const proposed = m.formularyItemId ?? m.proposals[0]?.formularyItemId;
  return (
    <tr data-mapping={m.id} data-version={m.version}>
      <td>
        {m.item?.genericName} {m.item?.brandName ? `(${m.item.brandName})` : ''} {m.item?.spec}
        <div className="en">{m.item?.institution?.name} · {m.item?.localCode}</div>
      </td>
      <td>
        {m.formularyItem ? `${m.formularyItem.genericName} ${m.formularyItem.spec ?? ''}` : '—'}
        <div className="en">
          <Label table={MAPPING_STATUS_LABELS} code={m.status} /> · {m.tier} · {m.score?.toFixed(2) ?? '—'}
        </div>
      </td>
      <td data-testid="reasons">
        {m.reasons.map((r) => (
          <div key={r}>✓ {r}</div>
        ))}
        {m.warnings.map((w) => (
          <div key={w} className="error">! {w}</div>
        ))}
      </td>
      {canDecide ? (
        <td>
          <div className="actions">
            <button
              className="primary"
              data-action="confirm"
              disabled={!proposed}
              onClick={() => act(() => gql(ConfirmMapping, { id: m.id, expectedVersion: m.version }))}
            >
              <T zh="确认" en="Confirm" />
            </button>
            <input aria-label="驳回原因 Reason" placeholder="原因 Reason" value={reason} onChange={(e) => setReason(e.target.value)} />
            <button
              data-action="reject"
              disabled={!reason.trim()}
              onClick={() => act(() => gql(RejectMapping, { id: m.id, expectedVersion: m.version, reason }))}
            >
              <T zh="驳回" en="Reject" />
            </button>
          </div>
          {m.proposals.length > 1 ? (
            <div className="actions">
              <select aria-label="改对照到 Remap to" value={target} onChange={(e) => setTarget(e.target.value)}>
                {m.proposals.map((p) => (
                  <option key={p.formularyItemId} value={p.formularyItemId} title={p.reasons.join('; ')}>
                    {p.formularyItem?.genericName} {p.formularyItem?.spec} ({p.score.toFixed(2)})
                  </option>
                ))}
              </select>
              <button
                data-action="remap"
                onClick={() => act(() => gql(ConfirmMapping, { id: m.id, expectedVersion: m.version, formularyItemId: target }))}
              >
                <T zh="改对照" en="Remap" />
              </button>
            </div>
          ) : null}
          <ErrorNote error={error} />
        </td>
      ) : null}
    </tr>
  );
}

/**
 * One supply request and what the signed-in user may do with it next, by the api's sides: the
 * central pharmacy's pharmacists (or a consortium admin) approve, reject and dispatch; the
 * requesting institution's staff confirm receipt. Every decision sends the version read, so a
 * request someone else decided meanwhile is refused and shown as it now is.
 */
function SupplyRow({
  s,
  roles,
  institutionId,
  act,
}: {
  s: Supply;
  roles: Role[];
  institutionId: string | undefined;
  /** Runs a decision; the section shows its refusal, which outlives this row's re-render. */
  act: (fn: () => Promise<unknown>) => Promise<void>;
}) {
  const [reason, setReason] = useState('');
  const [quantity, setQuantity] = useState(String(s.quantityDispatched ?? s.quantity));
  const { busy, run } = useRunning(act);
  const decider =
    roles.includes('CONSORTIUM_ADMIN') ||
    (roles.includes('PHARMACIST') && !!institutionId && s.supplyingInstitutionId === institutionId);
  const receiver =
    !!institutionId &&
    s.requestingInstitutionId === institutionId &&
    roles.some((r) => RECEIVING_ROLES.includes(r));
  const amount = Number(quantity);
  const base = { id: s.id, expectedVersion: s.version };
  let actions: ReactNode = null;
  if (s.state === 'REQUESTED' && decider) {
    actions = (
      <div className="actions">
        <button className="primary" data-action="approve" disabled={busy} onClick={() => run(() => gql(ApproveSupplyRequest, { input: base }))}>
          <T zh="批准" en="Approve" />
        </button>
        <input aria-label="驳回原因 Reason" placeholder="原因 Reason" value={reason} onChange={(e) => setReason(e.target.value)} />
        <button data-action="reject" disabled={busy || reason.trim().length < 2} onClick={() => run(() => gql(RejectSupplyRequest, { input: { ...base, reason } }))}>
          <T zh="驳回" en="Reject" />
        </button>
      </div>
    );
  } else if (s.state === 'APPROVED' && decider) {
    actions = (
      <div className="actions">
        <input aria-label="配送数量 Quantity sent" type="number" min="0.001" step="any" value={quantity} onChange={(e) => setQuantity(e.target.value)} />
        <button className="primary" data-action="dispatch" disabled={busy || !(amount > 0)} onClick={() => run(() => gql(DispatchSupplyRequest, { input: { ...base, quantity: amount } }))}>
          <T zh="配送" en="Dispatch" />
        </button>
      </div>
    );
  } else if (s.state === 'DISPATCHED' && receiver) {
    actions = (
      <div className="actions">
        <input aria-label="实收数量 Quantity received" type="number" min="0.001" step="any" value={quantity} onChange={(e) => setQuantity(e.target.value)} />
        <button className="primary" data-action="receive" disabled={busy || !(amount > 0)} onClick={() => run(() => gql(ReceiveSupplyRequest, { input: { ...base, receivedQuantity: amount } }))}>
          <T zh="确认收货" en="Receive" />
        </button>
      </div>
    );
  }
  return (
    <tr data-number={s.number} data-state={s.state}>
      <td>{s.number}</td>
      <td>{s.requestingInstitution?.name}</td>
      <td>
        {s.formularyItem?.genericName} {s.formularyItem?.spec}
        <div className="en">{s.reason}</div>
      </td>
      <td>{s.quantity} {s.unit ?? ''}</td>
      <td>
        <Label table={SUPPLY_STATE_LABELS} code={s.state} />
        {s.rejectReason ? <div className="en">{s.rejectReason}</div> : null}
      </td>
      <td>{formatTime(s.createdAt)}</td>
      <td>{actions ?? '—'}</td>
    </tr>
  );
}

/** Drug alignment: coverage per institution, the review queue, supply requests. */
export function DrugsView({ roles }: ViewProps) {
  const canDecide = roles.includes('PHARMACIST') || roles.includes('CONSORTIUM_ADMIN');
  const mappings = roles.some((r) => MAPPING_ROLES.includes(r));
  const coverage = useQuery(Coverage, undefined, !mappings);
  const queue = useQuery(ReviewQueue, { status: 'PROPOSED' }, !mappings);
  const supply = useQuery(SupplyRequests);
  const me = useQuery(Me);
  const institutionId = me.data?.me.institution.id;
  // A refusal (decided by someone else meanwhile, say) is said above the list, the request shown as it now is.
  const { error: supplyError, act: decideSupply } = useAction(supply.reload);
  const raises = roles.some((r) => RAISING_ROLES.includes(r));
  // Who keeps a catalogue: its institution's admin and pharmacist; a consortium admin any member's.
  const uploads = roles.some((r) => (['INSTITUTION_ADMIN', 'PHARMACIST', 'CONSORTIUM_ADMIN'] as Role[]).includes(r));
  const [raising, setRaising] = useState(false);
  const timings = useQuery(SupplySettings);
  const [editingTimings, setEditingTimings] = useState(false);
  // The api's keepers of the unified list: consortium admins, and the lead hospital's pharmacists.
  const admin = roles.includes('CONSORTIUM_ADMIN');
  const leadPharmacist = roles.includes('PHARMACIST') && me.data?.me.institution.kind === 'GENERAL_HOSPITAL';
  const keeper = admin || leadPharmacist;
  const own = (id: string) => id === institutionId;
  const rights: CatalogueRights = {
    seesAll: keeper,
    keeps: (id) => admin || (own(id) && (roles.includes('INSTITUTION_ADMIN') || roles.includes('PHARMACIST'))),
    decides: (id) => admin || leadPharmacist || (own(id) && roles.includes('PHARMACIST')),
  };
  const reloadCoverage = coverage.reload;
  const reloadQueue = queue.reload;
  const reloadSupply = supply.reload;
  const importedRefresh = useCallback(() => {
    if (!mappings) return;
    void reloadCoverage();
    void reloadQueue();
  }, [mappings, reloadCoverage, reloadQueue]);
  useEffect(() => {
    const off = [
      onLive('catalogue.mapping.updated', () => {
        void reloadCoverage();
        void reloadQueue();
      }),
      onLive('supply.updated', () => void reloadSupply()),
    ];
    return () => off.forEach((f) => f());
  }, [reloadCoverage, reloadQueue, reloadSupply]);
  const rows = coverage.data?.catalogueCoverage.institutions ?? [];
  const total = coverage.data?.catalogueCoverage.total;
  const queueNodes = queue.data?.catalogueMappings.nodes ?? [];
  return (
    <>
      <ErrorNote error={coverage.error ?? queue.error ?? supply.error ?? timings.error} />
      {uploads && institutionId ? (
        <CatalogueUpload institutionId={institutionId} chooses={roles.includes('CONSORTIUM_ADMIN')} onImported={importedRefresh} />
      ) : null}
      {mappings ? (
        <>
          <section aria-labelledby="coverage-title">
            <h2 id="coverage-title">
              <T zh="对照覆盖率" en="Mapping coverage" /> {total ? <span data-testid="coverage-total">{pct(total.mappedShare)}</span> : null}
            </h2>
            <div className="split">
              <table data-testid="coverage">
                <thead>
                  <tr>
                    <th><T zh="机构" en="Institution" /></th>
                    <th><T zh="条目" en="Items" /></th>
                    <th><T zh="已对照" en="Mapped" /></th>
                    <th><T zh="待确认" en="Pending" /></th>
                    <th><T zh="未对照" en="Unmapped" /></th>
                    <th><T zh="无效" en="Invalid" /></th>
                    <th><T zh="覆盖率" en="Share" /></th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.institutionId} data-institution={r.institutionId}>
                      <td>{r.institution?.name}</td>
                      <td>{r.items}</td>
                      <td data-testid="mapped">{r.mapped}</td>
                      <td data-testid="pending">{r.pending}</td>
                      <td>{r.unmapped}</td>
                      <td>{r.invalid}</td>
                      <td>{pct(r.mappedShare)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <Chart
                label="各机构对照情况 Mapping per institution"
                option={{
                  tooltip: { trigger: 'axis' },
                  legend: { bottom: 0 },
                  grid: { left: 110, right: 16, top: 8, bottom: 40 },
                  xAxis: { type: 'value', minInterval: 1 },
                  yAxis: { type: 'category', data: rows.map((r) => r.institution?.name ?? '') },
                  series: [
                    { name: '已对照', type: 'bar', stack: 'a', data: rows.map((r) => r.mapped), itemStyle: { color: '#067647' } },
                    { name: '待确认', type: 'bar', stack: 'a', data: rows.map((r) => r.pending), itemStyle: { color: '#f5a524' } },
                    { name: '未对照', type: 'bar', stack: 'a', data: rows.map((r) => r.unmapped), itemStyle: { color: '#9aa5b1' } },
                    { name: '无效', type: 'bar', stack: 'a', data: rows.map((r) => r.invalid), itemStyle: { color: '#b42318' } },
                  ],
                }}
              />
            </div>
          </section>
          <section aria-labelledby="queue-title">
            <h2 id="queue-title">
              <T zh="药师审核队列" en="Review queue" /> <span data-testid="queue-count">{queueNodes.length}</span>
            </h2>
            <div className="scroll">
              <table data-testid="review-queue">
                <thead>
                  <tr>
                    <th><T zh="机构目录条目" en="Catalogue item" /></th>
                    <th><T zh="建议对照" en="Proposed" /></th>
                    <th><T zh="匹配依据" en="Match reason" /></th>
                    {canDecide ? <th><T zh="审核" en="Decision" /></th> : null}
                  </tr>
                </thead>
                <tbody>
                  {queueNodes.map((m) => (
                    <ReviewRow key={m.id} m={m} canDecide={canDecide} onDone={() => { void queue.reload(); void coverage.reload(); }} />
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <FormularySection keeper={keeper} />
          {institutionId ? <CatalogueItemsSection ownInstitutionId={institutionId} rights={rights} /> : null}
        </>
      ) : null}
      <section aria-labelledby="supply-title">
        <h2 id="supply-title">
          <T zh="缺药登记" en="Supply requests" />{' '}
          <span data-testid="supply-count">{supply.data?.supplyRequests.nodes.length ?? 0}</span>
        </h2>
        {timings.data ? (
          <SupplyTimings
            settings={timings.data.supplySettings}
            editing={editingTimings}
            onEdit={admin ? () => setEditingTimings(!editingTimings) : undefined}
          />
        ) : null}
        {editingTimings && timings.data ? (
          <SupplySettingsForm
            current={timings.data.supplySettings}
            onStale={timings.reload}
            onClose={() => setEditingTimings(false)}
            onSaved={async () => {
              // Read back: the timings shown are the api's, not the form's.
              await timings.reload();
              setEditingTimings(false);
            }}
          />
        ) : null}
        {raises && !raising ? (
          <div className="actions">
            <button data-action="new-supply" onClick={() => setRaising(true)}>
              <T zh="登记缺药" en="Raise a supply request" />
            </button>
          </div>
        ) : null}
        {raising ? (
          <NewSupplyRequest
            onClose={() => setRaising(false)}
            onCreated={() => {
              setRaising(false);
              void supply.reload();
            }}
          />
        ) : null}
        <div data-testid="supply-error">
          <ErrorNote error={supplyError} />
        </div>
        <div className="scroll">
          <table data-testid="supply">
            <thead>
              <tr>
                <th><T zh="单号" en="Number" /></th>
                <th><T zh="机构" en="Institution" /></th>
                <th><T zh="药品" en="Drug" /></th>
                <th><T zh="数量" en="Quantity" /></th>
                <th><T zh="状态" en="State" /></th>
                <th><T zh="登记时间" en="Raised" /></th>
                <th><T zh="操作" en="Action" /></th>
              </tr>
            </thead>
            <tbody>
              {(supply.data?.supplyRequests.nodes ?? []).map((s) => (
                // Keyed by version: a decided request starts with fresh inputs.
                <SupplyRow key={`${s.id}:${s.version}`} s={s} roles={roles} institutionId={institutionId} act={decideSupply} />
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
