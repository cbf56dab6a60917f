import { useCallback, useEffect, useState } from 'react';
import { gql } from '../api/client';
import {
  AvailableSlots,
  BookConsultation,
  RescheduleConsultation,
  type ConsultationsResult,
} from '../api/generated';
import { ErrorNote, formatTime, T } from '../i18n';

type Consultation = ConsultationsResult['consultations']['nodes'][number];
interface Choice {
  start: string;
  end: string;
  mode: string;
  expertIds: string[];
  experts: string;
}

/** How far ahead slots are offered. */
const DAYS_AHEAD = 14;
/** Enough to choose from on one screen. */
const SHOWN = 40;

/**
 * The slots a request can be booked into, from the api's `availableSlots` (published hours, days
 * off, existing bookings and buffers applied): for named experts, the times every one of them is
 * free (an MDT meets together); for a request by specialty, each matching expert's free times.
 * A booked consultation moves with the experts it is booked with; their current booking still
 * counts as busy, so the times around it are not offered.
 */
async function choices(c: Consultation, durationMinutes: number): Promise<Choice[]> {
  const from = new Date();
  const to = new Date(from.getTime() + DAYS_AHEAD * 24 * 3600_000);
  const window = { from: from.toISOString(), to: to.toISOString(), durationMinutes };
  const named = c.experts.filter((e) => (c.state === 'SCHEDULED' ? e.assigned : e.named));
  if (named.length) {
    const per = await Promise.all(
      named.map(
        async (e) => (await gql(AvailableSlots, { ...window, expertId: e.practitionerId })).availableSlots,
      ),
    );
    const key = (s: { start: string; end: string }) =>
      `${new Date(s.start).getTime()}-${new Date(s.end).getTime()}`;
    const [first, ...rest] = per.map((list) => list.flatMap((x) => x.slots));
    const common = rest.reduce((acc, slots) => {
      const keys = new Set(slots.map(key));
      return acc.filter((s) => keys.has(key(s)));
    }, first ?? []);
    const names = per.flatMap((list) => list.map((x) => x.expert.name)).join('、');
    return common.map((s) => ({ ...s, expertIds: named.map((e) => e.practitionerId), experts: names }));
  }
  if (!c.requestedSpecialty) return [];
  const { availableSlots } = await gql(AvailableSlots, { ...window, specialty: c.requestedSpecialty });
  return availableSlots
    .flatMap((x) => x.slots.map((s) => ({ ...s, expertIds: [x.expert.id], experts: x.expert.name })))
    .sort((a, b) => a.start.localeCompare(b.start));
}

/**
 * Books a requested consultation into a free slot, or moves a booked one (with a reason, kept in
 * its timeline); a slot taken meanwhile is refused and the list read again.
 */
export function BookingPanel({
  c,
  onBooked,
  onClose,
}: {
  c: Consultation;
  onBooked: () => void;
  onClose: () => void;
}) {
  const moving = c.state === 'SCHEDULED';
  const booked =
    moving && c.scheduledStart && c.scheduledEnd
      ? Math.round((Date.parse(c.scheduledEnd) - Date.parse(c.scheduledStart)) / 60_000)
      : null;
  const [duration, setDuration] = useState(booked ?? (c.kind === 'MDT' ? 60 : 30));
  const [reason, setReason] = useState('');
  const [list, setList] = useState<Choice[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const load = useCallback(async () => {
    setList(null);
    try {
      setList(await choices(c, duration));
    } catch (err) {
      setError(err);
      setList([]);
    }
  }, [c, duration]);
  useEffect(() => {
    void load();
  }, [load]);
  const book = async (s: Choice) => {
    setBusy(true);
    try {
      if (moving) {
        await gql(RescheduleConsultation, {
          input: { id: c.id, start: s.start, end: s.end, reason: reason.trim() },
        });
      } else {
        await gql(BookConsultation, {
          input: { id: c.id, start: s.start, end: s.end, expertIds: s.expertIds },
        });
      }
      setError(null);
      onBooked();
    } catch (err) {
      setError(err);
      await load();
    } finally {
      setBusy(false);
    }
  };
  return (
    <section
      className="panel"
      aria-labelledby="booking-title"
      data-testid="booking"
      data-consultation={c.number}
    >
      <h2 id="booking-title">
        {moving ? <T zh="会诊改期" en="Reschedule the consultation" /> : <T zh="预约会诊" en="Book the consultation" />}{' '}
        {c.number}
      </h2>
      {moving ? (
        <p className="note" data-testid="booked-at">
          <T zh="现定于" en="Now at" /> {formatTime(c.scheduledStart)}
        </p>
      ) : null}
      <div className="actions">
        {moving ? (
          <label>
            <T zh="改期原因" en="Reason" />{' '}
            <input name="reason" value={reason} size={16} onChange={(e) => setReason(e.target.value)} />
          </label>
        ) : null}
        <label>
          <T zh="时长" en="Length" />{' '}
          <select name="duration" value={duration} onChange={(e) => setDuration(Number(e.target.value))}>
            {[...new Set([30, 60, 90, ...(booked ? [booked] : [])])].sort((x, y) => x - y).map((m) => (
              <option key={m} value={m}>
                {m} 分钟 min
              </option>
            ))}
          </select>
        </label>
        <button onClick={onClose}>
          <T zh="关闭" en="Close" />
        </button>
      </div>
      <ErrorNote error={error} />
      {list === null ? (
        <p className="note">
          <T zh="正在查找空闲时段…" en="Finding free times…" />
        </p>
      ) : list.length ? (
        <div className="actions" data-testid="slots">
          {list.slice(0, SHOWN).map((s) => (
            <button
              key={`${s.start}-${s.expertIds.join()}`}
              data-slot={s.start}
              data-end={s.end}
              disabled={busy || (moving && reason.trim().length < 2)}
              title={s.experts}
              onClick={() => void book(s)}
            >
              {formatTime(s.start)} {s.mode === 'REMOTE' ? '远程' : '现场'} · {s.experts}
            </button>
          ))}
        </div>
      ) : (
        <p className="note" data-testid="no-slots">
          <T
            zh={`未来 ${DAYS_AHEAD} 天内没有共同的空闲时段`}
            en={`No free time in the next ${DAYS_AHEAD} days that suits every expert`}
          />
        </p>
      )}
    </section>
  );
}
