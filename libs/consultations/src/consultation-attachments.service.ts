import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthUser, Clock, InvalidTransitionError } from '@yg/core';
import { DocumentStore, uploadsOf } from '@yg/documents';
import { ConsultationEntity } from './entities/consultation.entity';
import { ConsultationState as S } from './domain/consultation.enums';
import { AddConsultationAttachmentsInput } from './dto/consultation.inputs';
import { ConsultationAccess } from './consultation-access.service';
import { ConsultationRecorder } from './consultation-recorder.service';

/**
 * While the experts still read or discuss the case: before the session (the CT that came after
 * the request), and during it until the consultation is reported. After that the report stands
 * on what it was written from.
 */
export const ATTACHING_STATES: S[] = [S.REQUESTED, S.SCHEDULED, S.IN_PROGRESS];

/** Studies added to an existing consultation by its requesting side: a timeline step, no change of state. */
@Injectable()
export class ConsultationAttachments {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: ConsultationAccess,
    private readonly recorder: ConsultationRecorder,
    private readonly documents: DocumentStore,
    private readonly clock: Clock,
  ) {}

  /** Under the consultation's row lock, so parallel additions each land on the list the other left. */
  add(user: AuthUser, input: AddConsultationAttachmentsInput): Promise<ConsultationEntity> {
    uploadsOf(input.attachments, 'attachments');
    return this.dataSource.transaction(async (em) => {
      const now = this.clock.now();
      const c = await this.access.visible(em, user, input.id, true);
      this.access.assertRequestingSide(user, c);
      if (!ATTACHING_STATES.includes(c.state)) {
        throw new InvalidTransitionError('Consultation', c.state, 'addAttachments');
      }
      const { attachments, added } = await this.documents.append(
        em,
        user,
        c.attachments,
        input.attachments,
        { kind: 'consultation', id: c.id, patientId: c.patientId },
        'attachments',
      );
      c.attachments = attachments;
      await em.update(ConsultationEntity, { id: c.id }, { attachments: c.attachments });
      const experts = await this.access.experts(em, c.id);
      await this.recorder.record(em, c, user, now, {
        action: 'add-attachments',
        from: c.state,
        note: input.note?.trim() || null,
        event: 'consultation.attachments-added',
        // The experts are told; the requesting side, who added them, sees them on its live room.
        audience: [{ practitionerIds: experts.map((e) => e.practitionerId) }],
        titleSuffix: `(${added.length} 项 / ${added.length} item(s))`,
        // No names: clinicians name files after patients.
        details: {
          added: added.length,
          documentIds: added.flatMap((a) => (a.documentId ? [a.documentId] : [])),
        },
      });
      return c;
    });
  }
}
