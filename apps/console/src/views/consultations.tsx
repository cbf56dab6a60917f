import { useEffect, useMemo } from 'react';
import { ExpertAvailability, Me, Consultations, type ConsultationsResult } from '../api/generated';
import { onLive } from '../api/live';
import { Chart } from '../chart';
import { CONSULTATION_KIND_LABELS, CONSULTATION_STATE_LABELS, ErrorNote, formatTime, Label, T } from '../i18n';
import { useQuery } from '../use-query';

type Consultation = ConsultationsResult['consultations']['nodes'][number];

const WEEKDAYS = ['周一', '周二', '周三', '周四', '周五', '周六', '周日'];
const OPEN_STATES = ['REQUESTED', 'SCHEDULED', 'IN_PROGRESS'];

/** Monday 00:00 of this week, in the consortium's zone as the browser shows it. */
function weekStart(): Date {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() - ((d.getDay() + 6) % 7));
  return d;
}

function dayKey(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Consultations: the expert's week (published hours and bookings), requests, session state. */
export function ConsultationsView() {
  const me = useQuery(Me);
  const list = useQuery(Consultations, {});
  const nodes = list.data?.consultations.nodes ?? [];
  // The expert's own calendar; others see the first expert named in their consultations.
  const expertId =
    me.data?.me.roles.includes('EXPERT') && me.data.me.practitionerId
      ? me.data.me.practitionerId
      : (nodes.flatMap((c) => c.experts).find((e) => e.expert)?.practitionerId ?? null);
  const expertName = nodes.flatMap((c) => c.experts).find((e) => e.practitionerId === expertId)?.expert?.name;
  const availability = useQuery(ExpertAvailability, { expertId: expertId ?? '' }, !expertId);
  const reload = list.reload;
  useEffect(() => onLive('consultation.status', () => void reload()), [reload]);

  const days = useMemo(() => {
    const start = weekStart();
    return Array.from({ length: 7 }, (_, i) => {
      const d = new Date(start);
      d.setDate(start.getDate() + i);
      return d;
    });
  }, []);
  const bookings = new Map<string, Consultation[]>();
  for (const c of nodes) {
    if (!c.scheduledStart) continue;
    const k = dayKey(new Date(c.scheduledStart));
    bookings.set(k, [...(bookings.get(k) ?? []), c]);
  }
  const byState = new Map<string, number>();
  for (const c of nodes) byState.set(c.state, (byState.get(c.state) ?? 0) + 1);
  const rules = availability.data?.expertAvailability.rules ?? [];
  const requests = nodes.filter((c) => OPEN_STATES.includes(c.state));

  return (
    <>
      <ErrorNote error={list.error ?? availability.error} />
      <div className="cards" data-testid="consultation-counts">
        {Object.keys(CONSULTATION_STATE_LABELS).map((s) => (
          <div className="card" key={s} data-count={s}>
            <Label table={CONSULTATION_STATE_LABELS} code={s} />
            <span className="n">{byState.get(s) ?? 0}</span>
          </div>
        ))}
      </div>
      <section aria-labelledby="calendar-title">
        <h2 id="calendar-title">
          <T zh="本周出诊与预约" en="This week: hours and bookings" /> {expertName ? `· ${expertName}` : ''}
        </h2>
        <div className="calendar" data-testid="calendar">
          {days.map((d, i) => {
            const weekday = i + 1;
            const k = dayKey(d);
            return (
              <div className="day" key={k} data-day={k}>
                <strong>
                  {WEEKDAYS[i]} {d.getMonth() + 1}/{d.getDate()}
                </strong>
                {rules
                  .filter((r) => r.weekday === weekday && r.validFrom <= k && (!r.validTo || r.validTo >= k))
                  .map((r) => (
                    <div className="slot" key={`${r.start}-${r.mode}`} title={`${r.mode} · ${r.sessionMinutes} min`}>
                      {r.start}–{r.end} {r.mode === 'REMOTE' ? '远程' : '现场'}
                    </div>
                  ))}
                {(bookings.get(k) ?? []).map((c) => (
                  <div className="booking" key={c.id} data-booking={c.number}>
                    {new Date(c.scheduledStart!).toTimeString().slice(0, 5)} {c.number}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      </section>
      <div className="split">
        <section className="scroll" aria-labelledby="consultations-title">
          <h2 id="consultations-title"><T zh="会诊" en="Consultations" /></h2>
          <table data-testid="consultations">
            <thead>
              <tr>
                <th><T zh="单号" en="Number" /></th>
                <th><T zh="类型" en="Kind" /></th>
                <th><T zh="患者" en="Patient" /></th>
                <th><T zh="申请机构" en="Requested by" /></th>
                <th><T zh="时间" en="Scheduled" /></th>
                <th><T zh="状态" en="State" /></th>
              </tr>
            </thead>
            <tbody>
              {nodes.map((c) => (
                <tr key={c.id} data-number={c.number} className={OPEN_STATES.includes(c.state) ? '' : 'closed'}>
                  <td>{c.number}</td>
                  <td><Label table={CONSULTATION_KIND_LABELS} code={c.kind} /></td>
                  <td>{c.patient?.name ?? '—'}</td>
                  <td>{c.requestingInstitution?.name}</td>
                  <td>{formatTime(c.scheduledStart)}</td>
                  <td><Label table={CONSULTATION_STATE_LABELS} code={c.state} /></td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <T zh="待处理申请" en="Open requests" />: <span data-testid="open-requests">{requests.length}</span>
          </p>
        </section>
        <Chart
          label="按状态的会诊数 Consultations by state"
          option={{
            tooltip: { trigger: 'item' },
            series: [
              {
                type: 'pie',
                radius: ['35%', '65%'],
                data: [...byState].map(([s, n]) => ({ name: CONSULTATION_STATE_LABELS[s]?.[0] ?? s, value: n })),
              },
            ],
          }}
        />
      </div>
    </>
  );
}
