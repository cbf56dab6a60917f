import type { DomainEvent } from '@yg/outbox';
import { Role } from '@yg/core';
import type { Evidence } from '../domain/rows';
import { ReviewStatus } from '../domain/scorecard';

export const UNIFICATION_EVENTS = {
  EVIDENCE_RECORDED: 'unification.evidence.recorded',
  EVIDENCE_REVIEWED: 'unification.evidence.reviewed',
} as const;

const base = (e: Evidence, type: string, actorUserId: string, at: Date) => ({
  type,
  tenantId: e.tenantId,
  aggregateType: 'UnificationEvidence',
  aggregateId: e.id,
  occurredAt: at.toISOString(),
  actorUserId,
  data: { evidenceId: e.id, institutionId: e.institutionId, evidenceKind: e.evidenceKind, status: e.status },
});

/** A new record: the consortium admins are told it awaits review (not the one who recorded it). */
export function evidenceRecordedEvent(e: Evidence, at: Date): DomainEvent {
  return {
    ...base(e, UNIFICATION_EVENTS.EVIDENCE_RECORDED, e.recordedBy, at),
    notify: [
      {
        audience: [{ tenantRoles: [Role.CONSORTIUM_ADMIN] }],
        kind: UNIFICATION_EVENTS.EVIDENCE_RECORDED,
        title: `七统一材料待审核:${e.title} (evidence awaits review)`,
        link: `/unification/evidence/${e.id}`,
        excludeUserIds: [e.recordedBy],
      },
    ],
  };
}

/** A review: whoever recorded the document learns the decision (and the reason of a rejection). */
export function evidenceReviewedEvent(e: Evidence, at: Date): DomainEvent {
  const accepted = e.status === ReviewStatus.ACCEPTED;
  return {
    ...base(e, UNIFICATION_EVENTS.EVIDENCE_REVIEWED, e.reviewedBy!, at),
    notify: [
      {
        audience: [{ userIds: [e.recordedBy] }],
        kind: UNIFICATION_EVENTS.EVIDENCE_REVIEWED,
        title: accepted
          ? `七统一材料已认可:${e.title} (evidence accepted)`
          : `七统一材料被退回:${e.title} (evidence rejected)`,
        body: accepted ? undefined : (e.reviewReason ?? undefined),
        link: `/unification/evidence/${e.id}`,
      },
    ],
  };
}
