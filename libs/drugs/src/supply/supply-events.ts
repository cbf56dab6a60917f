import { Audience, Role } from '@yg/core';
import type { DomainEvent } from '@yg/outbox/domain-event';
import { rooms } from '@yg/realtime/rooms';
import type { SupplyRequestEntity } from '../entities/supply.entities';

export type SupplyEventType =
  | 'supply.requested'
  | 'supply.approved'
  | 'supply.rejected'
  | 'supply.dispatched'
  | 'supply.received'
  | 'supply.reminder'
  | 'supply.decision-overdue'
  | 'supply.delivery-overdue';

/** What the titles name: the drug and the quantity, never a patient. */
export interface SupplyLabel {
  drug: string;
}

const central = (s: SupplyRequestEntity): Audience[] => [
  { institutionId: s.supplyingInstitutionId, roles: [Role.PHARMACIST] },
];
const requesting = (s: SupplyRequestEntity): Audience[] => [
  { userIds: [s.requestedBy] },
  { institutionId: s.requestingInstitutionId, roles: [Role.PHARMACIST] },
];
const consortium: Audience[] = [{ tenantRoles: [Role.CONSORTIUM_ADMIN] }];

/** Who hears about each kind of event, besides both institutions' live rooms. */
function audienceFor(type: SupplyEventType, s: SupplyRequestEntity): Audience[] {
  switch (type) {
    case 'supply.requested':
    case 'supply.received':
    case 'supply.reminder':
      return central(s);
    case 'supply.approved':
    case 'supply.rejected':
    case 'supply.dispatched':
      return requesting(s);
    case 'supply.decision-overdue':
      return [...central(s), ...consortium, { userIds: [s.requestedBy] }];
    case 'supply.delivery-overdue':
      return [...central(s), ...consortium, ...requesting(s)];
  }
}

const num = (v: string | null) => (v === null ? '' : String(Number(v)));

const TITLES: Record<SupplyEventType, (s: SupplyRequestEntity, l: SupplyLabel) => string> = {
  'supply.requested': (s, l) =>
    `缺药登记 ${s.number}:${l.drug} × ${num(s.quantity)} 待审批 (Supply request ${s.number} awaits approval)`,
  'supply.approved': (s, l) => `缺药登记 ${s.number}(${l.drug})已批准 (Supply request ${s.number} approved)`,
  'supply.rejected': (s, l) =>
    `缺药登记 ${s.number}(${l.drug})被驳回:${s.rejectReason ?? ''} (Supply request ${s.number} rejected)`,
  'supply.dispatched': (s, l) =>
    `缺药登记 ${s.number}(${l.drug} × ${num(s.quantityDispatched)})已配送 (Supply request ${s.number} dispatched)`,
  'supply.received': (s, l) =>
    `缺药登记 ${s.number}(${l.drug} × ${num(s.quantityReceived)})已收货 (Supply request ${s.number} received)`,
  'supply.reminder': (s, l) =>
    `缺药登记 ${s.number}(${l.drug})即将超过审批时限 (Supply request ${s.number} is due for a decision soon)`,
  'supply.decision-overdue': (s, l) =>
    `缺药登记 ${s.number}(${l.drug})已超过审批时限 (Supply request ${s.number} is past its decision deadline)`,
  'supply.delivery-overdue': (s, l) =>
    `缺药登记 ${s.number}(${l.drug})已超过到货时限 (Supply request ${s.number} is past its delivery deadline)`,
};

/** The event a supply step publishes: notifications (never to the actor) and a push to both institutions. */
export function supplyEvent(
  type: SupplyEventType,
  s: SupplyRequestEntity,
  label: SupplyLabel,
  actorUserId: string | null,
  at: Date,
): DomainEvent {
  return {
    type,
    tenantId: s.tenantId,
    aggregateType: 'SupplyRequest',
    aggregateId: s.id,
    occurredAt: at.toISOString(),
    actorUserId,
    data: {
      supplyRequestId: s.id,
      number: s.number,
      state: s.state,
      requestingInstitutionId: s.requestingInstitutionId,
      supplyingInstitutionId: s.supplyingInstitutionId,
      formularyItemId: s.formularyItemId,
      referralId: s.referralId,
    },
    notify: [
      {
        audience: audienceFor(type, s),
        kind: type,
        title: TITLES[type](s, label),
        link: `/supply-requests/${s.id}`,
        excludeUserIds: actorUserId ? [actorUserId] : [],
      },
    ],
    push: [
      {
        rooms: [rooms.institution(s.requestingInstitutionId), rooms.institution(s.supplyingInstitutionId)],
        // Consortium admins list every request, wherever they sit.
        audience: consortium,
        event: 'supply.updated',
        data: { id: s.id, number: s.number, state: s.state, type, at: at.toISOString() },
      },
    ],
  };
}
