import { useEffect, useMemo, useState } from 'react';
import { gql } from './api/client';
import { Institutions, type IndicatorPeriodInput, type IndicatorScopeInput, type InstitutionsResult } from './api/generated';
import { T, TIER_LABELS, useEnglish } from './i18n';
import { lastMonth } from './months';
import { allPages } from './use-query';

export type Institution = InstitutionsResult['institutions']['nodes'][number];

export const PERIOD_LABELS: Record<string, [string, string]> = {
  MONTH: ['月', 'Month'],
  QUARTER: ['季度', 'Quarter'],
  YEAR: ['年', 'Year'],
  YEAR_TO_DATE: ['年初至今', 'Year to date'],
};

const MEMBER_TIERS = ['COUNTY', 'TOWNSHIP', 'VILLAGE'] as const;

/** The consortium's members (partner hospitals are outside the consortium's figures), county first. */
export function useMembers(enabled: boolean): { members: Institution[]; error: unknown } {
  const [members, setMembers] = useState<Institution[]>([]);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!enabled) return;
    allPages((after) => gql(Institutions, { after }).then((d) => d.institutions))
      .then((all) => setMembers(all.filter((i) => (MEMBER_TIERS as readonly string[]).includes(i.tier) && i.kind !== 'PARTNER_HOSPITAL')))
      .catch(setError);
  }, [enabled]);
  return { members, error };
}

/** A scope as the select's value: `CONSORTIUM`, `TIER:COUNTY`, `INSTITUTION:<id>`. */
function encode(s: IndicatorScopeInput): string {
  if (s.kind === 'TIER') return `TIER:${s.tier}`;
  if (s.kind === 'INSTITUTION') return `INSTITUTION:${s.institutionId}`;
  return 'CONSORTIUM';
}

function decode(v: string): IndicatorScopeInput {
  const [kind, arg] = v.split(':');
  if (kind === 'TIER') return { kind: 'TIER', tier: arg as IndicatorScopeInput['tier'] };
  if (kind === 'INSTITUTION') return { kind: 'INSTITUTION', institutionId: arg };
  return { kind: 'CONSORTIUM' };
}

/**
 * The period and scope a consortium-wide reader chooses (an institution admin's scope is fixed to
 * its own institution): month, quarter, year or year to date around a month, and the whole
 * consortium, one tier or one member.
 */
export function usePeriodScope(wide: boolean, own: string | undefined) {
  const [month, setMonth] = useState(lastMonth());
  const [kind, setKind] = useState<IndicatorPeriodInput['kind']>('MONTH');
  const [chosen, setChosen] = useState<IndicatorScopeInput>({ kind: 'CONSORTIUM' });
  const period: IndicatorPeriodInput = useMemo(() => ({ kind, month }), [kind, month]);
  const scope: IndicatorScopeInput = useMemo(
    () => (wide ? chosen : { kind: 'INSTITUTION', institutionId: own ?? null }),
    [wide, own, chosen],
  );
  return { month, setMonth, kind, setKind, period, scope, setScope: setChosen };
}

export function PeriodPicker({ kind, month, onKind, onMonth }: { kind: string; month: string; onKind: (k: IndicatorPeriodInput['kind']) => void; onMonth: (m: string) => void }) {
  const en = useEnglish();
  return (
    <>
      <label>
        <T zh="期间" en="Period" />
        <select name="periodKind" value={kind} onChange={(e) => onKind(e.target.value as IndicatorPeriodInput['kind'])}>
          {Object.entries(PERIOD_LABELS).map(([code, [zh, enLabel]]) => (
            <option key={code} value={code}>
              {en ? enLabel : zh}
            </option>
          ))}
        </select>
      </label>
      <label>
        <T zh={kind === 'MONTH' ? '月份' : '期间内的月份'} en={kind === 'MONTH' ? 'Month' : 'A month inside it'} />
        <input type="month" name="month" value={month} onChange={(e) => e.target.value && onMonth(e.target.value)} />
      </label>
    </>
  );
}

export function ScopePicker({ scope, members, onScope }: { scope: IndicatorScopeInput; members: Institution[]; onScope: (s: IndicatorScopeInput) => void }) {
  const en = useEnglish();
  const label = (t: [string, string]) => (en ? t[1] : t[0]);
  return (
    <label>
      <T zh="范围" en="Scope" />
      <select name="scope" value={encode(scope)} onChange={(e) => onScope(decode(e.target.value))}>
        <option value="CONSORTIUM">{en ? 'The whole consortium' : '全医共体'}</option>
        <optgroup label={en ? 'One tier' : '按层级'}>
          {MEMBER_TIERS.map((t) => (
            <option key={t} value={`TIER:${t}`}>
              {label(TIER_LABELS[t])}
              {en ? ' institutions' : '机构'}
            </option>
          ))}
        </optgroup>
        {MEMBER_TIERS.map((t) => {
          const of = members.filter((m) => m.tier === t);
          return of.length ? (
            <optgroup key={t} label={label(TIER_LABELS[t])}>
              {of.map((m) => (
                <option key={m.id} value={`INSTITUTION:${m.id}`}>
                  {m.name}
                </option>
              ))}
            </optgroup>
          ) : null;
        })}
      </select>
    </label>
  );
}
