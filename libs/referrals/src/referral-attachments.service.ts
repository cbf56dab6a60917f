import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuthUser, Clock, InvalidTransitionError } from '@yg/core';
import { DocumentStore, uploadsOf } from '@yg/documents';
import { ReferralEntity } from './entities/referral.entity';
import { AddReferralAttachmentsInput } from './dto/referral.inputs';
import { ReferralState as S } from './domain/referral.enums';
import { ReferralSide } from './domain/referral-events';
import { ReferralAccess } from './referral-access.service';
import { ReferralRecorder } from './referral-recorder.service';

/**
 * When each side may add attachments. The sender, until the referral is closed: the lab result
 * that comes after the urgent referral went out. The receiver once it has taken the patient on
 * (accepted, arrived): its own findings for the sender's follow-up. Never after the end
 * (completed, cancelled, rejected, no-show): a closed record stays as it was closed.
 */
export const ATTACHING_STATES: Record<ReferralSide, S[]> = {
  sender: [S.DRAFT, S.SUBMITTED, S.ACCEPTED, S.ARRIVED],
  receiver: [S.ACCEPTED, S.ARRIVED],
};

/** Attachments added to an existing referral: a timeline step, not a change of state. */
@Injectable()
export class ReferralAttachments {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: ReferralAccess,
    private readonly recorder: ReferralRecorder,
    private readonly documents: DocumentStore,
    private readonly clock: Clock,
  ) {}

  /**
   * Under the referral's row lock: two additions at once are applied one after the other, each
   * to the list the other left, so neither is lost and the cap counts both.
   */
  add(user: AuthUser, input: AddReferralAttachmentsInput): Promise<ReferralEntity> {
    // The items' shape is checked before any statement.
    uploadsOf(input.attachments, 'attachments');
    return this.dataSource.transaction(async (em) => {
      const now = this.clock.now();
      const r = await this.access.visible(em, user, input.id, true);
      const by = await this.side(em, user, r);
      if (!ATTACHING_STATES[by].includes(r.state)) {
        throw new InvalidTransitionError('Referral', r.state, 'addAttachments');
      }
      const { attachments, added } = await this.documents.append(
        em,
        user,
        r.attachments,
        input.attachments,
        { kind: 'referral', id: r.id, patientId: r.patientId },
        'attachments',
      );
      r.attachments = attachments;
      await em.update(ReferralEntity, { id: r.id }, { attachments: r.attachments });
      await this.recorder.record(em, r, user, now, {
        action: 'add-attachments',
        from: r.state,
        note: input.note?.trim() || null,
        // A draft is its sender's alone: nobody else to tell.
        event: r.state === S.DRAFT ? undefined : 'referral.attachments-added',
        by,
        count: added.length,
        // No names: clinicians name files after patients.
        details: {
          added: added.length,
          documentIds: added.flatMap((a) => (a.documentId ? [a.documentId] : [])),
        },
      });
      return r;
    });
  }

  /** The caller's side, or FORBIDDEN: the sender's clinicians and coordinators, or the receiver's. */
  private async side(em: EntityManager, user: AuthUser, r: ReferralEntity): Promise<ReferralSide> {
    if (r.fromInstitutionId === user.institutionId) {
      this.access.assertSender(user, r);
      return 'sender';
    }
    await this.access.assertReceiver(user, r, em);
    return 'receiver';
  }
}
