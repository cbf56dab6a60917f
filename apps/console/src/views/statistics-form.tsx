import { useState } from 'react';
import { gql } from '../api/client';
import {
  DispatchRecords,
  Statistics,
  SubmitStatistics,
  type StatisticKey,
  type SubmitStatisticsResult,
} from '../api/generated';
import { ErrorNote, Label, STATISTIC_LABELS, T } from '../i18n';
import { currentMonth, figure } from '../months';
import type { Institution } from '../scope';
import { useQuery } from '../use-query';
import { NamedSelect, SideForm, TextField, useSubmit } from './side-form';

/** Reported once for the whole consortium (its administrators'). */
const CONSORTIUM_ITEMS: StatisticKey[] = [
  'POPULATION',
  'POPULATION_30_70',
  'CHRONIC_PREMATURE_DEATHS',
  'CHRONIC_MANAGED',
  'VILLAGE_CLINICS',
  'VILLAGE_CLINICS_ECG',
];
/** Reported per institution: by a consortium admin for any member, by an institution admin for its own. */
const INSTITUTION_ITEMS: StatisticKey[] = ['STAFF_COUNT', 'STAFF_INCOME_TOTAL'];

/**
 * 派驻记录: the doctors the county hospitals dispatch to primary care that overlap the year (the
 * 派驻医师 indicator counts them by day), and one added, or corrected under its reference.
 */
function Dispatches({ year, members }: { year: number; members: Institution[] }) {
  const list = useQuery(DispatchRecords, { year });
  const [reference, setReference] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [startsOn, setStartsOn] = useState('');
  const [endsOn, setEndsOn] = useState('');
  const { busy, error, submit } = useSubmit();
  const name = (id: string) => members.find((m) => m.id === id)?.name ?? id;
  const ready = !!reference.trim() && !!from && !!to && !!startsOn;
  const save = () =>
    submit(async () => {
      await gql(SubmitStatistics, {
        input: {
          year,
          dispatches: [
            { reference: reference.trim(), fromInstitutionId: from, toInstitutionId: to, startsOn, endsOn: endsOn || null },
          ],
        },
      });
      setReference('');
      setStartsOn('');
      setEndsOn('');
      await list.reload();
    });
  const picker = (label: string, value: string, onChange: (v: string) => void, tiers: string[]) => (
    <NamedSelect
      name={label}
      aria-label={label}
      value={value}
      onValue={onChange}
      none="—"
      options={members.filter((m) => tiers.includes(m.tier))}
    />
  );
  return (
    <>
      <dt>
        <T zh="派驻记录" en="Dispatched doctors" />
      </dt>
      <dd data-testid="dispatches">
        <ErrorNote error={list.error} />
        <ul>
          {(list.data?.dispatchRecords ?? []).map((d) => (
            <li key={d.reference} data-reference={d.reference}>
              <span className="en">{d.reference}</span> {name(d.fromInstitutionId)} → {name(d.toInstitutionId)} {d.startsOn} –{' '}
              {d.endsOn ?? <T zh="至今" en="ongoing" />}
            </li>
          ))}
        </ul>
        {list.data && list.data.dispatchRecords.length === 0 ? (
          <span className="note">
            <T zh="本年无派驻记录" en="None this year" />
          </span>
        ) : null}
      </dd>
      <TextField
        id="dispatch-reference"
        zh="编号(同号即更正)"
        en="Reference (the same one corrects it)"
        name="dispatchReference"
        value={reference}
        onValue={setReference}
      />
      <dt>
        <T zh="派出 → 接收" en="From → to" />
      </dt>
      <dd className="actions">
        {picker('派出机构 From', from, setFrom, ['COUNTY'])}
        {picker('接收机构 To', to, setTo, ['TOWNSHIP', 'VILLAGE'])}
      </dd>
      <dt>
        <T zh="起止日期(止日可空)" en="From, to (empty: ongoing)" />
      </dt>
      <dd className="actions">
        <input type="date" name="dispatchStarts" aria-label="开始 Starts" value={startsOn} onChange={(e) => setStartsOn(e.target.value)} />
        <input type="date" name="dispatchEnds" aria-label="结束 Ends" value={endsOn} onChange={(e) => setEndsOn(e.target.value)} />
        <button data-action="save-dispatch" disabled={busy || !ready} onClick={() => void save()}>
          <T zh="保存派驻记录" en="Save the dispatch" />
        </button>
        <ErrorNote error={error} />
      </dd>
    </>
  );
}

/**
 * 年度统计上报: a year's statistics forms, the values typed sent (an item sent again for the same
 * year and institution replaces the one recorded), each beside the value the api has recorded.
 */
export function StatisticsForm({
  consortium,
  own,
  members,
  onClose,
  onSaved,
}: {
  /** A consortium admin: the consortium's items and any member's; else its own institution's. */
  consortium: boolean;
  own: { id: string; name: string } | undefined;
  members: Institution[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const [year, setYear] = useState(currentMonth().slice(0, 4));
  const [institutionId, setInstitutionId] = useState(consortium ? '' : (own?.id ?? ''));
  const [values, setValues] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState<SubmitStatisticsResult['submitStatistics'] | null>(null);
  const { busy, error, submit } = useSubmit();
  const validYear = /^\d{4}$/.test(year);
  const recorded = useQuery(Statistics, { year: Number(year) }, !validYear);

  const typed = (keys: StatisticKey[]) =>
    keys.filter((k) => (values[k] ?? '').trim() !== '').map((k) => ({ key: k, value: Number(values[k]) }));
  const send = [
    ...(consortium ? typed(CONSORTIUM_ITEMS) : []),
    ...(institutionId ? typed(INSTITUTION_ITEMS).map((v) => ({ ...v, institutionId })) : []),
  ];
  const save = () =>
    submit(async () => {
      const { submitStatistics } = await gql(SubmitStatistics, { input: { year: Number(year), values: send } });
      setSaved(submitStatistics);
      setValues({});
      await recorded.reload();
      onSaved();
    });
  // The value the api has for an item: the consortium's, or the chosen institution's.
  const valueOf = (k: StatisticKey): number | null | undefined => {
    if (!recorded.data) return undefined;
    const owner = INSTITUTION_ITEMS.includes(k) ? institutionId : null;
    if (owner === '') return undefined;
    return recorded.data.statistics.find((v) => v.key === k && (v.institutionId ?? null) === owner)?.value ?? null;
  };

  const item = (k: StatisticKey, disabled = false) => (
    <div key={k} style={{ display: 'contents' }} data-key={k}>
      <dt>
        <label htmlFor={`stat-${k}`}>
          <Label table={STATISTIC_LABELS} code={k} />
        </label>
      </dt>
      <dd className="actions" style={{ margin: 0 }}>
        <input
          id={`stat-${k}`}
          name={`stat-${k}`}
          type="number"
          step="any"
          min={0}
          style={{ width: '10em' }}
          disabled={disabled}
          value={values[k] ?? ''}
          onChange={(e) => setValues({ ...values, [k]: e.target.value })}
        />
        {valueOf(k) !== undefined ? (
          <span className="note" data-testid="recorded" data-value={String(valueOf(k))}>
            {valueOf(k) === null ? (
              <T zh="未填报" en="None recorded" />
            ) : (
              <>
                <T zh="已记录" en="Recorded" /> {figure(valueOf(k))}
              </>
            )}
          </span>
        ) : null}
      </dd>
    </div>
  );

  return (
    <SideForm
      name="statistics-form"
      title={<T zh="年度统计上报" en="Yearly statistics" />}
      error={error ?? recorded.error}
      onClose={onClose}
      actions={
        <button
          className="primary"
          data-action="submit-statistics"
          disabled={busy || !validYear || send.length === 0}
          onClick={() => void save()}
        >
          <T zh="上报" en="Submit" />
        </button>
      }
    >
      <dt>
        <label htmlFor="stat-year">
          <T zh="年度" en="Year" />
        </label>
      </dt>
      <dd>
        <input
          id="stat-year"
          name="year"
          type="number"
          min={2000}
          max={2100}
          style={{ width: '6em' }}
          value={year}
          onChange={(e) => {
            setYear(e.target.value);
            setSaved(null);
          }}
        />
        <span className="note">
          {' '}
          <T zh="只上报填写的项目;同一项目再报即替换" en="Only the items filled in are sent; one sent again replaces it" />
        </span>
      </dd>
      {consortium ? CONSORTIUM_ITEMS.map((k) => item(k)) : null}
      <dt>
        <label htmlFor="stat-institution">
          <T zh="机构" en="Institution" />
        </label>
      </dt>
      <dd>
        {consortium ? (
          <NamedSelect
            id="stat-institution"
            name="institutionId"
            value={institutionId}
            onValue={(id) => {
              setInstitutionId(id);
              setSaved(null);
            }}
            none="— 选择机构 Choose —"
            options={members}
          />
        ) : (
          <span id="stat-institution">{own?.name}</span>
        )}
      </dd>
      {INSTITUTION_ITEMS.map((k) => item(k, !institutionId))}
      {consortium && validYear ? <Dispatches year={Number(year)} members={members} /> : null}
      {saved ? (
        <>
          <dt>
            <T zh="上报结果" en="Saved" />
          </dt>
          <dd data-testid="statistics-saved" data-year={saved.year} data-values={saved.values}>
            <T zh={`${saved.year} 年已记录 ${saved.values} 项`} en={`${saved.year}: ${saved.values} values recorded`} />
          </dd>
        </>
      ) : null}
    </SideForm>
  );
}
