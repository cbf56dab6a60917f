import { Audience, Role } from '@yg/core';
import type { DomainEvent } from '@yg/outbox/domain-event';
import { rooms } from '@yg/realtime/rooms';

export type MatterEventType = 'key-matter.reminder' | 'key-matter.overdue';

export interface MatterFacts {
  id: string;
  tenantId: string;
  taskId: string;
  title: string;
  taskTitle: string;
  responsibleInstitutionId: string | null;
  department: string | null;
  dueAt: Date;
}

/** The responsible institution's administrators, and the consortium's (departments have no accounts of their own). */
function audience(m: MatterFacts, type: MatterEventType): Audience[] {
  const out: Audience[] = [];
  if (m.responsibleInstitutionId)
    out.push({ institutionId: m.responsibleInstitutionId, roles: [Role.INSTITUTION_ADMIN] });
  if (type === 'key-matter.overdue' || !m.responsibleInstitutionId)
    out.push({ tenantRoles: [Role.CONSORTIUM_ADMIN] });
  return out;
}

export function matterEvent(type: MatterEventType, m: MatterFacts, at: Date): DomainEvent {
  const who = m.department ? `(${m.department})` : '';
  const title =
    type === 'key-matter.reminder'
      ? `关键事项即将到期:${m.title}${who} (Key matter due soon: ${m.taskTitle})`
      : `关键事项已逾期:${m.title}${who} (Key matter overdue: ${m.taskTitle})`;
  return {
    type,
    tenantId: m.tenantId,
    aggregateType: 'KeyMatter',
    aggregateId: m.id,
    occurredAt: at.toISOString(),
    actorUserId: null,
    data: { keyMatterId: m.id, taskId: m.taskId, dueAt: m.dueAt.toISOString() },
    notify: [{ audience: audience(m, type), kind: type, title, link: `/key-tasks/${m.taskId}` }],
    push: m.responsibleInstitutionId
      ? [
          {
            rooms: [rooms.institution(m.responsibleInstitutionId)],
            event: 'key-matter.updated',
            data: { id: m.id, type, at: at.toISOString() },
          },
        ]
      : [],
  };
}
