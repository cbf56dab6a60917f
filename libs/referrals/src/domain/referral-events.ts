import { Audience, Role } from '@yg/core';
import type { DomainEvent, NotificationIntent } from '@yg/outbox/domain-event';
import { rooms } from '@yg/realtime/rooms';
import type { ReferralEntity } from '../entities/referral.entity';
import { DIRECTION_LABELS, URGENCY_LABELS } from './referral.enums';

export type ReferralEventType =
  | 'referral.submitted'
  | 'referral.accepted'
  | 'referral.rejected'
  | 'referral.cancelled'
  | 'referral.arrived'
  | 'referral.completed'
  | 'referral.no-show'
  | 'referral.escalated'
  | 'referral.reminder'
  | 'referral.attachments-added';

/** Who is on each side of a referral. */
export function receivers(r: ReferralEntity): Audience[] {
  const list: Audience[] = [{ institutionId: r.toInstitutionId, roles: [Role.REFERRAL_COORDINATOR] }];
  if (r.toDepartmentId) {
    list.push({ institutionId: r.toInstitutionId, roles: [Role.CLINICIAN], departmentId: r.toDepartmentId });
  }
  return list;
}

export function senders(r: ReferralEntity): Audience[] {
  return [
    { userIds: [r.fromUserId] },
    { institutionId: r.fromInstitutionId, roles: [Role.REFERRAL_COORDINATOR] },
  ];
}

/** The English beside the Chinese label, in words rather than the enum's names. */
const DIRECTION_EN: Record<ReferralEntity['direction'], string> = {
  UP: 'upward',
  DOWN: 'downward',
  LATERAL: 'lateral',
};
const URGENCY_EN: Record<ReferralEntity['urgency'], string> = {
  ROUTINE: 'routine',
  URGENT: 'urgent',
  EMERGENCY: 'emergency',
};

const label = (r: ReferralEntity) =>
  `${DIRECTION_LABELS[r.direction]} ${r.number}(${URGENCY_LABELS[r.urgency]})`;

/** Which side of the referral acted, for events whose audience is the other one. */
export type ReferralSide = 'sender' | 'receiver';

interface TitleFacts {
  level?: number;
  count?: number;
}

const TITLES: Record<ReferralEventType, (r: ReferralEntity, facts: TitleFacts) => string> = {
  'referral.submitted': (r) =>
    `新的${label(r)}待接收 (New ${DIRECTION_EN[r.direction]} referral ${r.number}, ${URGENCY_EN[r.urgency]})`,
  'referral.accepted': (r) => `${label(r)}已被接收 (Referral ${r.number} accepted)`,
  'referral.rejected': (r) => `${label(r)}被退回 (Referral ${r.number} rejected)`,
  'referral.cancelled': (r) => `${label(r)}已撤销 (Referral ${r.number} cancelled)`,
  'referral.arrived': (r) => `${label(r)}患者已到诊 (Patient of referral ${r.number} arrived)`,
  'referral.completed': (r) => `${label(r)}已结案 (Referral ${r.number} completed)`,
  'referral.no-show': (r) => `${label(r)}患者未按时到诊 (Patient of referral ${r.number} did not arrive)`,
  'referral.escalated': (r, { level }) =>
    `${label(r)}超时未接收,已升级(${level}级) (Referral ${r.number} unanswered past its deadline, escalation level ${level})`,
  'referral.reminder': (r) => `${label(r)}预约就诊提醒 (Appointment reminder for referral ${r.number})`,
  'referral.attachments-added': (r, { count }) =>
    `${label(r)}补充了 ${count ?? 1} 个附件 (${count ?? 1} attachment(s) added to referral ${r.number})`,
};

/** Who hears about each kind of event, besides both institutions' live rooms. */
function audienceFor(
  type: ReferralEventType,
  r: ReferralEntity,
  referralCentre: Audience[],
  by?: ReferralSide,
): Audience[] {
  switch (type) {
    case 'referral.attachments-added':
      // The other side: what one side adds, the other has to read.
      return by === 'receiver' ? senders(r) : receivers(r);
    case 'referral.submitted':
    case 'referral.cancelled':
      return receivers(r);
    case 'referral.accepted':
    case 'referral.rejected':
    case 'referral.arrived':
    case 'referral.completed':
      return senders(r);
    case 'referral.no-show':
    case 'referral.reminder':
      return [...senders(r), ...receivers(r)];
    case 'referral.escalated':
      return [...receivers(r), ...referralCentre];
  }
}

/**
 * The event a referral step publishes: notifications for the people concerned (never the
 * actor) and a `referral.updated` push to both institutions. No patient details travel in it.
 */
export function referralEvent(
  type: ReferralEventType,
  r: ReferralEntity,
  actorUserId: string | null,
  at: Date,
  opts: { referralCentre?: Audience[]; level?: number; by?: ReferralSide; count?: number } = {},
): DomainEvent {
  const notify: NotificationIntent = {
    audience: audienceFor(type, r, opts.referralCentre ?? [], opts.by),
    kind: type,
    title: TITLES[type](r, opts),
    link: `/referrals/${r.id}`,
    excludeUserIds: actorUserId ? [actorUserId] : [],
  };
  return {
    type,
    tenantId: r.tenantId,
    aggregateType: 'Referral',
    aggregateId: r.id,
    occurredAt: at.toISOString(),
    actorUserId,
    data: {
      referralId: r.id,
      number: r.number,
      state: r.state,
      direction: r.direction,
      urgency: r.urgency,
      fromInstitutionId: r.fromInstitutionId,
      toInstitutionId: r.toInstitutionId,
      ...(opts.level ? { escalationLevel: opts.level } : {}),
      ...(opts.count ? { attachmentsAdded: opts.count } : {}),
    },
    notify: [notify],
    // A reminder changes nothing on the referral: it is a notification, not an update.
    push:
      type === 'referral.reminder'
        ? []
        : [
            {
              rooms: [rooms.institution(r.fromInstitutionId), rooms.institution(r.toInstitutionId)],
              event: 'referral.updated',
              data: { id: r.id, number: r.number, state: r.state, type, at: at.toISOString() },
            },
          ],
  };
}
