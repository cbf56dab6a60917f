import { gql } from '../api/client';
import { UpdateSupplySettings, type SupplySettingsResult } from '../api/generated';
import { T } from '../i18n';
import { TimingsForm, TimingsLine, type Timing } from './timings';

type Settings = SupplySettingsResult['supplySettings'];

const TIMINGS: Timing<Settings>[] = [
  { key: 'urgentDecide', read: (s) => s.decideSeconds.URGENT, field: 'urgentDecideSeconds', zh: '紧急审批', en: 'Urgent: decide within' },
  { key: 'routineDecide', read: (s) => s.decideSeconds.ROUTINE, field: 'routineDecideSeconds', zh: '常规审批', en: 'Routine: decide within' },
  { key: 'urgentDeliver', read: (s) => s.deliverSeconds.URGENT, field: 'urgentDeliverSeconds', zh: '紧急到货', en: 'Urgent: deliver within' },
  { key: 'routineDeliver', read: (s) => s.deliverSeconds.ROUTINE, field: 'routineDeliverSeconds', zh: '常规到货', en: 'Routine: deliver within' },
  { key: 'reminderBefore', read: (s) => s.reminderBeforeSeconds, field: 'reminderBeforeSeconds', zh: '审批到期前提醒', en: 'Reminder before the decision is due' },
];

/** The consortium's supply-request timings, for everyone who sees the requests; a consortium admin is offered the change. */
export function SupplyTimings(props: { settings: Settings; onEdit?: () => void; editing: boolean }) {
  return <TimingsLine name="supply" label={['缺药登记时限', 'Supply-request timings']} timings={TIMINGS} {...props} />;
}

/** A consortium admin's change of the supply-request timings. */
export function SupplySettingsForm({
  current,
  onClose,
  onSaved,
  onStale,
}: {
  current: Settings;
  onClose: () => void;
  onSaved: () => Promise<unknown> | void;
  onStale: () => unknown;
}) {
  return (
    <TimingsForm
      name="supply"
      idPrefix="ss"
      title={<T zh="缺药登记时限设置" en="Supply-request timings" />}
      timings={TIMINGS}
      current={current}
      save={(input) => gql(UpdateSupplySettings, { input })}
      note={<T zh="只影响此后的登记,已有登记的时限不变" en="Applies to later requests; those made keep their deadlines" />}
      onClose={onClose}
      onSaved={onSaved}
      onStale={onStale}
    />
  );
}
