import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Audience, AuthUser, QUEUES, Role } from '@yg/core';
import { AuditService } from '@yg/audit';
import { eventEntry, OutboxEntry, OutboxService } from '@yg/outbox';
import { rooms } from '@yg/realtime/rooms';
import { ConsultationEntity, ConsultationStepEntity } from './entities/consultation.entity';
import { ConsultationState, KIND_LABELS } from './domain/consultation.enums';

export type ConsultationEventType =
  | 'consultation.requested'
  | 'consultation.scheduled'
  | 'consultation.rescheduled'
  | 'consultation.cancelled'
  | 'consultation.declined'
  | 'consultation.started'
  | 'consultation.ended'
  | 'consultation.reported'
  | 'consultation.completed'
  | 'consultation.no-show'
  | 'consultation.reminder'
  | 'consultation.report-overdue'
  | 'consultation.attachments-added';

export interface ConsultationTimer {
  name: string;
  runAt: Date;
  payload: Record<string, unknown>;
}

export interface ConsultationStep {
  action: string;
  from: ConsultationState | null;
  note?: string | null;
  details?: Record<string, unknown>;
  event?: ConsultationEventType;
  /** Who hears about it; both sides by default. */
  audience?: Audience[];
  /** Extra words for the notification title. */
  titleSuffix?: string;
}

const REQUESTING_SIDE = [Role.CLINICIAN, Role.REFERRAL_COORDINATOR];

const TITLES: Record<ConsultationEventType, string> = {
  'consultation.requested': '新的会诊申请 (New consultation request)',
  'consultation.scheduled': '会诊已预约 (Consultation scheduled)',
  'consultation.rescheduled': '会诊已改期 (Consultation rescheduled)',
  'consultation.cancelled': '会诊已取消 (Consultation cancelled)',
  'consultation.declined': '会诊被谢绝 (Consultation declined)',
  'consultation.started': '会诊已开始 (Consultation started)',
  'consultation.ended': '会诊已结束 (Consultation session ended)',
  'consultation.reported': '会诊报告已签署 (Consultation report signed)',
  'consultation.completed': '会诊已完成 (Consultation completed)',
  'consultation.no-show': '会诊未按时开始 (Consultation did not start)',
  'consultation.reminder': '会诊即将开始 (Consultation starts soon)',
  'consultation.report-overdue': '会诊报告已超时 (Consultation report overdue)',
  'consultation.attachments-added': '申请方补充了资料 (Studies added by the requesting side)',
};

/** Timeline, audit, notifications, live status and timers of a consultation step, in its transaction. */
@Injectable()
export class ConsultationRecorder {
  constructor(
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  async record(
    em: EntityManager,
    c: ConsultationEntity,
    actor: AuthUser | null,
    at: Date,
    step: ConsultationStep,
    timers: ConsultationTimer[] = [],
  ): Promise<void> {
    await em.getRepository(ConsultationStepEntity).insert({
      consultationId: c.id,
      tenantId: c.tenantId,
      at,
      actorUserId: actor?.id ?? null,
      action: step.action,
      fromState: step.from,
      toState: c.state,
      note: step.note ?? null,
      details: (step.details ?? {}) as object,
    });
    await this.audit.record(em, {
      action: `consultation.${step.action}`,
      entityType: 'Consultation',
      entityId: c.id,
      tenantId: c.tenantId,
      actor,
      details: { from: step.from, to: c.state, ...(step.details ?? {}) },
    });
    const entries: OutboxEntry[] = [];
    if (step.event) {
      const rows: { practitioner_id: string; institution_id: string }[] = await em.query(
        `SELECT ce.practitioner_id, p.institution_id
           FROM consultation_expert ce JOIN network_practitioner p ON p.id = ce.practitioner_id
          WHERE ce.consultation_id = $1`,
        [c.id],
      );
      const experts = rows.map((r) => r.practitioner_id);
      const expertInstitutions = [...new Set(rows.map((r) => r.institution_id))];
      const audience = step.audience ?? [
        { userIds: [c.requestingUserId] },
        { institutionId: c.requestingInstitutionId, roles: [Role.REFERRAL_COORDINATOR] },
        { practitionerIds: experts },
      ];
      entries.push(
        eventEntry({
          type: step.event,
          tenantId: c.tenantId,
          aggregateType: 'Consultation',
          aggregateId: c.id,
          occurredAt: at.toISOString(),
          actorUserId: actor?.id ?? null,
          data: {
            consultationId: c.id,
            number: c.number,
            kind: c.kind,
            state: c.state,
            scheduledStart: c.scheduledStart,
          },
          notify: [
            {
              audience,
              kind: step.event,
              title: `${KIND_LABELS[c.kind]} ${c.number}:${TITLES[step.event]}${step.titleSuffix ?? ''}`,
              link: `/consultations/${c.id}`,
              excludeUserIds: actor ? [actor.id] : [],
            },
          ],
          push: [
            {
              rooms: [rooms.consultation(c.id)],
              // Whoever lists it, in or out of its live room (ConsultationAccess.scope): the
              // requesting side, its experts (named or booked) and their institutions' admins, the
              // consortium's admins. Auditors read; they are not told.
              audience: [
                {
                  institutionId: c.requestingInstitutionId,
                  roles: [...REQUESTING_SIDE, Role.INSTITUTION_ADMIN],
                },
                { practitionerIds: experts },
                ...expertInstitutions.map((id) => ({ institutionId: id, roles: [Role.INSTITUTION_ADMIN] })),
                { tenantRoles: [Role.CONSORTIUM_ADMIN] },
              ],
              event: 'consultation.status',
              data: { id: c.id, number: c.number, state: c.state, type: step.event, at: at.toISOString() },
            },
          ],
        }),
      );
    }
    for (const t of timers) {
      entries.push({
        tenantId: c.tenantId,
        queue: QUEUES.CONSULTATION_TIMERS,
        jobName: t.name,
        runAt: t.runAt,
        payload: t.payload,
      });
    }
    await this.outbox.enqueue(em, ...entries);
  }
}
