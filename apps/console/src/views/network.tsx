import { useEffect, useMemo, useState } from 'react';
import { gql } from '../api/client';
import { Institutions, Me, Network, Practitioners, type InstitutionsResult } from '../api/generated';
import { Chart } from '../chart';
import { ErrorNote, KIND_LABELS, Label, T, TIER_LABELS } from '../i18n';
import { allPages, useQuery } from '../use-query';
import { InstitutionForm, InstitutionPanel } from './institution-panel';
import type { ViewProps } from './registry';

type Inst = InstitutionsResult['institutions']['nodes'][number];

function Branch({ inst, children, staff }: { inst: Inst; children: Map<string | null, Inst[]>; staff: Map<string, number> }) {
  const kids = children.get(inst.id) ?? [];
  const line = (
    <>
      {inst.name} <span className="badge"><Label table={KIND_LABELS} code={inst.kind} /></span>{' '}
      <span className="en" title="人员 Staff">{staff.get(inst.id) ?? 0}</span>
    </>
  );
  if (!kids.length) return <li>{line}</li>;
  return (
    <li>
      <details open={inst.tier === 'COUNTY'}>
        <summary>
          {line} <span className="en">({kids.length})</span>
        </summary>
        <ul>
          {kids.map((k) => (
            <Branch key={k.id} inst={k} children={children} staff={staff} />
          ))}
        </ul>
      </details>
    </li>
  );
}

/**
 * The consortium: its "1224" framework check, its tree, its institutions with staff counts; an
 * institution's departments and staff, which its admins (and the consortium's) add to; new
 * institutions for consortium admins.
 */
export function NetworkView({ roles }: ViewProps) {
  const admin = roles.includes('CONSORTIUM_ADMIN');
  const me = useQuery(Me);
  const network = useQuery(Network);
  const [institutions, setInstitutions] = useState<Inst[] | null>(null);
  const [staff, setStaff] = useState<Map<string, number>>(new Map());
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  // Bumped after a change, to read the lists again.
  const [round, setRound] = useState(0);
  const canEdit = (id: string) =>
    admin || (roles.includes('INSTITUTION_ADMIN') && me.data?.me.institution.id === id);
  useEffect(() => {
    // A slower earlier read must not replace a later one.
    let live = true;
    Promise.all([
      allPages(async (after) => (await gql(Institutions, { after })).institutions),
      allPages(async (after) => (await gql(Practitioners, { after })).practitioners),
    ])
      .then(([insts, people]) => {
        if (!live) return;
        const counts = new Map<string, number>();
        for (const p of people) counts.set(p.institutionId, (counts.get(p.institutionId) ?? 0) + 1);
        setStaff(counts);
        // County first, then township, village, partners; by name within a tier.
        const order = ['COUNTY', 'TOWNSHIP', 'VILLAGE', 'EXTERNAL'];
        setInstitutions(
          [...insts].sort((a, b) => order.indexOf(a.tier) - order.indexOf(b.tier) || a.name.localeCompare(b.name, 'zh-CN')),
        );
      })
      .catch((err: unknown) => live && setError(err));
    return () => {
      live = false;
    };
  }, [round]);
  const changed = () => {
    setRound((r) => r + 1);
    void network.reload();
  };

  const children = useMemo(() => {
    const m = new Map<string | null, Inst[]>();
    const ids = new Set((institutions ?? []).map((i) => i.id));
    for (const i of institutions ?? []) {
      const parent = i.parentId && ids.has(i.parentId) ? i.parentId : null;
      m.set(parent, [...(m.get(parent) ?? []), i]);
    }
    return m;
  }, [institutions]);

  const c = network.data?.consortium;
  const byKind = c?.structure.counts ?? [];
  return (
    <>
      <ErrorNote error={network.error ?? error} />
      {creating && institutions ? (
        <InstitutionForm
          institutions={institutions}
          onClose={() => setCreating(false)}
          onSaved={() => {
            setCreating(false);
            changed();
          }}
        />
      ) : null}
      {open ? (
        <InstitutionPanel
          key={open}
          id={open}
          canEdit={canEdit(open)}
          institutions={admin ? institutions : null}
          onChanged={changed}
          onClose={() => setOpen(null)}
        />
      ) : null}
      {c ? (
        <section aria-labelledby="structure-title">
          <h2 id="structure-title">
            {c.name} · <T zh="框架核对" en="Framework check" /> {c.framework}{' '}
            <span className={`badge ${c.structure.holds ? 'ok' : 'bad'}`} data-testid="framework-holds">
              {c.structure.holds ? <T zh="符合" en="Holds" /> : <T zh="不符合" en="Does not hold" />}
            </span>
          </h2>
          <div className="split">
            <table data-testid="kind-counts">
              <thead>
                <tr>
                  <th><T zh="机构类型" en="Kind" /></th>
                  <th><T zh="应有" en="Expected" /></th>
                  <th><T zh="实有" en="Actual" /></th>
                  <th><T zh="结果" en="Result" /></th>
                </tr>
              </thead>
              <tbody>
                {byKind.map((k) => (
                  <tr key={k.kind} data-kind={k.kind}>
                    <td><Label table={KIND_LABELS} code={k.kind} /></td>
                    <td>{k.expected ?? '—'}</td>
                    <td data-testid="actual">{k.actual}</td>
                    <td>{k.holds ? '✓' : '✗'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Chart
              label="各类机构数量 Institutions by kind"
              option={{
                tooltip: {},
                grid: { left: 110, right: 16, top: 8, bottom: 24 },
                xAxis: { type: 'value', minInterval: 1 },
                yAxis: { type: 'category', data: byKind.map((k) => KIND_LABELS[k.kind]?.[0] ?? k.kind) },
                series: [{ type: 'bar', data: byKind.map((k) => k.actual), itemStyle: { color: '#0b6e99' } }],
              }}
            />
          </div>
          {c.structure.differences.length ? (
            <ul className="error">
              {c.structure.differences.map((d) => (
                <li key={d}>{d}</li>
              ))}
            </ul>
          ) : null}
        </section>
      ) : null}
      {institutions ? (
        <div className="split">
          <section className="panel tree scroll" aria-labelledby="tree-title">
            <h2 id="tree-title"><T zh="医共体结构" en="Consortium tree" /></h2>
            <ul>
              {(children.get(null) ?? []).map((i) => (
                <Branch key={i.id} inst={i} children={children} staff={staff} />
              ))}
            </ul>
          </section>
          <section className="scroll" aria-labelledby="inst-title">
            <h2 id="inst-title">
              <T zh="机构" en="Institutions" /> <span data-testid="institution-count">{institutions.length}</span>{' '}
              {admin ? (
                <button data-action="new-institution" onClick={() => setCreating(true)}>
                  <T zh="新建机构" en="New institution" />
                </button>
              ) : null}
            </h2>
            <table data-testid="institutions">
              <thead>
                <tr>
                  <th><T zh="名称" en="Name" /></th>
                  <th><T zh="类型" en="Kind" /></th>
                  <th><T zh="层级" en="Tier" /></th>
                  <th><T zh="人员" en="Staff" /></th>
                </tr>
              </thead>
              <tbody>
                {institutions.map((i) => (
                  <tr key={i.id} data-id={i.id}>
                    <td>
                      <button className="link" data-action="open-institution" aria-pressed={open === i.id} onClick={() => setOpen(i.id)}>
                        {i.name}
                      </button>
                    </td>
                    <td><Label table={KIND_LABELS} code={i.kind} /></td>
                    <td><Label table={TIER_LABELS} code={i.tier} /></td>
                    <td data-testid="staff">{staff.get(i.id) ?? 0}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </div>
      ) : null}
    </>
  );
}
