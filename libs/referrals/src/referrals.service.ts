import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuthUser, BadInputError, Clock, ConflictError, InvalidTransitionError, JOBS } from '@yg/core';
import { NetworkService } from '@yg/network';
import { PatientsService } from '@yg/patients';
import { ReferralEntity } from './entities/referral.entity';
import {
  AcceptReferralInput,
  CancelReferralInput,
  CreateReferralInput,
  ReferralNoteInput,
  RejectReferralInput,
} from './dto/referral.inputs';
import { ReferralState } from './domain/referral.enums';
import { canTransition, isLostRace, ReferralAction, TRANSITIONS } from './domain/state-machine';
import { referralSettings } from './domain/settings';
import { ReferralEventType } from './domain/referral-events';
import { ReferralRecorder, TimerJob } from './referral-recorder.service';
import { ReferralAccess } from './referral-access.service';
import { ReferralSubmissionHooks } from './hooks/submission-hooks';
import { ReferralCreation } from './referral-creation.service';
import { assertDownContent } from './domain/down-content';

/** How far in the past an appointment may be entered (late data entry), in ms. */
const APPOINTMENT_PAST_TOLERANCE_MS = 60 * 60 * 1000;

/**
 * The referral's state machine. Every step runs in one transaction that also writes the
 * timeline, the audit event, the outbox event and its timers; a step that finds the referral
 * changed under it answers CONFLICT and changes nothing.
 */
@Injectable()
export class ReferralsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly network: NetworkService,
    private readonly patients: PatientsService,
    private readonly recorder: ReferralRecorder,
    private readonly access: ReferralAccess,
    private readonly clock: Clock,
    private readonly hooks: ReferralSubmissionHooks,
    private readonly creation: ReferralCreation,
  ) {}

  /** Creates a referral, submitted at once when asked: see ReferralCreation. */
  create(user: AuthUser, input: CreateReferralInput): Promise<ReferralEntity> {
    return this.creation.create(user, input);
  }

  async submit(user: AuthUser, input: ReferralNoteInput): Promise<ReferralEntity> {
    return this.dataSource.transaction(async (em) => {
      const r = await this.loadForStep(em, user, input.id, 'submit');
      const { settings } = await this.network.consortium(r.tenantId, em);
      await this.submitIn(em, user, r, this.clock.now(), settings, input.note);
      return r;
    });
  }

  private async submitIn(
    em: EntityManager,
    user: AuthUser,
    r: ReferralEntity,
    now: Date,
    consortiumSettings: Record<string, unknown>,
    note?: string,
  ) {
    assertDownContent(r);
    const settings = referralSettings(consortiumSettings);
    const due = new Date(now.getTime() + settings.responseSeconds[r.urgency] * 1000);
    await this.move(em, r, 'submit', {
      submittedAt: now,
      responseDueAt: due,
      dueAt: due,
    });
    await this.patients.grantAccess(em, r.tenantId, r.patientId, r.toInstitutionId, `referral:${r.id}`);
    await this.recorder.record(
      em,
      r,
      user,
      now,
      { action: 'submit', from: ReferralState.DRAFT, note, event: 'referral.submitted' },
      [{ name: JOBS.REFERRAL_RESPONSE_DUE, runAt: due, level: 1 }],
    );
    await this.hooks.submitted(em, r, { actor: user, at: now });
  }

  accept(user: AuthUser, input: AcceptReferralInput): Promise<ReferralEntity> {
    return this.dataSource.transaction(async (em) => {
      const now = this.clock.now();
      const r = await this.loadForStep(em, user, input.id, 'accept');
      if (!input.place?.trim() && !input.bed?.trim()) {
        throw new BadInputError('接收时须给出就诊地点或床位 (give a place or a bed when accepting)', {
          field: 'place',
        });
      }
      if (input.appointmentAt.getTime() < now.getTime() - APPOINTMENT_PAST_TOLERANCE_MS) {
        throw new BadInputError('预约时间不能早于现在 (the appointment cannot be in the past)', {
          field: 'appointmentAt',
        });
      }
      let departmentId = r.toDepartmentId;
      if (input.departmentId && input.departmentId !== r.toDepartmentId) {
        const dept = await this.network.department(r.tenantId, input.departmentId, em);
        if (dept.institutionId !== r.toInstitutionId) {
          throw new BadInputError(
            '只能改派至本院科室 (redirect only to a department of the receiving institution)',
            {
              field: 'departmentId',
            },
          );
        }
        departmentId = dept.id;
      }
      const settings = referralSettings((await this.network.consortium(r.tenantId, em)).settings);
      const from = r.state;
      const redirected = departmentId !== r.toDepartmentId;
      await this.move(em, r, 'accept', {
        appointmentAt: input.appointmentAt,
        appointmentPlace: input.place?.trim() || null,
        bed: input.bed?.trim() || null,
        toDepartmentId: departmentId,
        answeredAt: now,
        dueAt: input.appointmentAt,
      });
      const timers: TimerJob[] = [
        {
          name: JOBS.REFERRAL_NO_SHOW_CHECK,
          runAt: new Date(input.appointmentAt.getTime() + settings.noShowGraceSeconds * 1000),
          appointmentAt: input.appointmentAt,
        },
      ];
      // Accepted already inside the reminder window: the acceptance itself is the reminder.
      const remindAt = new Date(input.appointmentAt.getTime() - settings.reminderBeforeSeconds * 1000);
      if (remindAt > now) {
        timers.push({
          name: JOBS.REFERRAL_APPOINTMENT_REMINDER,
          runAt: remindAt,
          appointmentAt: input.appointmentAt,
        });
      }
      await this.recorder.record(
        em,
        r,
        user,
        now,
        {
          action: 'accept',
          from,
          note: input.note,
          event: 'referral.accepted',
          details: redirected ? { redirectedTo: departmentId } : {},
        },
        timers,
      );
      return r;
    });
  }

  reject(user: AuthUser, input: RejectReferralInput): Promise<ReferralEntity> {
    return this.simpleStep(
      user,
      input.id,
      'reject',
      'referral.rejected',
      input.reason,
      (now) => ({
        rejectCode: input.reasonCode,
        rejectReason: input.reason.trim(),
        answeredAt: now,
        closedAt: now,
      }),
      { reasonCode: input.reasonCode },
    );
  }

  cancel(user: AuthUser, input: CancelReferralInput): Promise<ReferralEntity> {
    return this.simpleStep(user, input.id, 'cancel', 'referral.cancelled', input.reason, (now) => ({
      cancelReason: input.reason.trim(),
      closedAt: now,
    }));
  }

  recordArrival(user: AuthUser, input: ReferralNoteInput): Promise<ReferralEntity> {
    return this.simpleStep(user, input.id, 'arrive', 'referral.arrived', input.note, (now) => ({
      arrivedAt: now,
    }));
  }

  complete(user: AuthUser, input: ReferralNoteInput): Promise<ReferralEntity> {
    return this.simpleStep(user, input.id, 'complete', 'referral.completed', input.note, (now) => ({
      closedAt: now,
    }));
  }

  private simpleStep(
    user: AuthUser,
    id: string,
    action: ReferralAction,
    event: ReferralEventType,
    note: string | null | undefined,
    patch: (now: Date) => Partial<ReferralEntity>,
    details?: Record<string, unknown>,
  ): Promise<ReferralEntity> {
    return this.dataSource.transaction(async (em) => {
      const now = this.clock.now();
      const r = await this.loadForStep(em, user, id, action);
      const from = r.state;
      await this.move(em, r, action, patch(now));
      await this.recorder.record(em, r, user, now, { action, from, note, event, details });
      return r;
    });
  }

  /**
   * Applies a transition only if the referral is still in a state that allows it; a
   * concurrent step that got there first makes this one a CONFLICT.
   */
  async move(em: EntityManager, r: ReferralEntity, action: ReferralAction, patch: Partial<ReferralEntity>) {
    const { to, from } = TRANSITIONS[action];
    const result = await em
      .createQueryBuilder()
      .update(ReferralEntity)
      .set({ ...patch, state: to })
      .where('id = :id AND state IN (:...from)', { id: r.id, from })
      .execute();
    if (!result.affected) {
      throw new ConflictError(
        '转诊单已被他人处理,请刷新后重试 (someone else changed this referral; reload and retry)',
        {
          referralId: r.id,
        },
      );
    }
    Object.assign(r, patch, { state: to });
  }

  /** Loads the referral for a step by this user: visibility, side, role and state checks. */
  private async loadForStep(
    em: EntityManager,
    user: AuthUser,
    id: string,
    action: ReferralAction,
  ): Promise<ReferralEntity> {
    const r = await this.access.visible(em, user, id);
    const side = action === 'submit' || action === 'cancel' ? 'sender' : 'receiver';
    if (side === 'sender') this.access.assertSender(user, r);
    else await this.access.assertReceiver(user, r, em);
    if (isLostRace(action, r.state)) {
      throw new ConflictError(
        `转诊单已被他人处理(当前状态 ${r.state}) (this referral was already answered: ${r.state})`,
        { referralId: r.id, currentState: r.state },
      );
    }
    if (!canTransition(action, r.state)) throw new InvalidTransitionError('Referral', r.state, action);
    return r;
  }
}
