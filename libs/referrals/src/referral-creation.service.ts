import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthUser, BadInputError, Clock, ConflictError, JOBS, NotFoundError, yearIn } from '@yg/core';
import { seesEveryPatient } from '@yg/patients';
import { AuditService } from '@yg/audit';
import { OutboxService } from '@yg/outbox';
import { DocumentAttachedError, DocumentStore, uploadsOf } from '@yg/documents';
import { canonicalJson } from '@yg/audit/domain/chain';
import { ReferralEntity } from './entities/referral.entity';
import { CreateReferralInput } from './dto/referral.inputs';
import { ReferralDirection, ReferralState, URGENCY_RANK } from './domain/referral.enums';
import { directionProblem } from './domain/direction';
import { referralSettings } from './domain/settings';
import { assertDownContent } from './domain/down-content';
import { ReferralRecorder, StepRecord, TimerJob } from './referral-recorder.service';
import { ReferralSubmissionHooks } from './hooks/submission-hooks';
import {
  CreationFacts,
  CreationRows,
  NUMBER_MARK,
  ReferralCreationRepository,
} from './referral-creation.repository';

/** A referral's creation (a draft, or created and submitted at once), idempotent by key. */
@Injectable()
export class ReferralCreation {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly recorder: ReferralRecorder,
    private readonly clock: Clock,
    private readonly hooks: ReferralSubmissionHooks,
    private readonly creation: ReferralCreationRepository,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly documents: DocumentStore,
  ) {}

  /**
   * Two statements: one read of everything the referral is checked against, then one write of
   * the referral and all it leaves behind (`create_referral`), atomic on its own. A transaction
   * is opened only when a submission hook has work to do in it (a medication plan).
   */
  async create(user: AuthUser, input: CreateReferralInput): Promise<ReferralEntity> {
    const { idempotencyKey, ...content } = input;
    const contentHash = createHash('sha256').update(canonicalJson(content)).digest('hex');
    const facts = await this.creation.facts({
      tenantId: user.tenantId,
      institutionId: user.institutionId,
      tenantWide: seesEveryPatient(user),
      idempotencyKey: idempotencyKey ?? null,
      patientId: input.patientId,
      toInstitutionId: input.toInstitutionId,
      toDepartmentId: input.toDepartmentId ?? null,
      fromPractitionerId: input.fromPractitionerId ?? null,
      resubmissionOf: input.resubmissionOf ?? null,
    });
    if (facts.existing) {
      assertSameContent(facts.existing, contentHash);
      return this.dataSource.getRepository(ReferralEntity).findOneByOrFail({ id: facts.existing.id });
    }
    const { consortium } = this.validateContent(user, input, facts);
    const uploads = uploadsOf(input.attachments, 'attachments');

    const now = this.clock.now();
    const r = this.dataSource.getRepository(ReferralEntity).create({
      id: randomUUID(),
      tenantId: user.tenantId,
      number: NUMBER_MARK,
      direction: input.direction,
      state: ReferralState.DRAFT,
      urgency: input.urgency,
      urgencyRank: URGENCY_RANK[input.urgency],
      patientId: input.patientId,
      fromInstitutionId: user.institutionId,
      fromPractitionerId: input.fromPractitionerId ?? user.practitionerId,
      fromUserId: user.id,
      contactPhone: input.contactPhone,
      toInstitutionId: input.toInstitutionId,
      toDepartmentId: input.toDepartmentId ?? null,
      // Stored as written: the national clinical edition uses a lower-case x (I10.x00x002).
      diagnosisCode: input.diagnosisCode,
      diagnosisName: input.diagnosisName.trim(),
      purpose: input.purpose.trim(),
      clinicalSummary: input.clinicalSummary.trim(),
      attentionNotes: input.attentionNotes?.trim() || null,
      // Filled in the transaction below when the form attaches uploads.
      attachments: uploads.length
        ? []
        : input.attachments.map((a) => ({ name: a.name, type: a.type!, uri: a.uri! })),
      insuranceType: input.insuranceType,
      dischargeSummary: input.dischargeSummary?.trim() || null,
      rehabPlan: input.rehabPlan?.trim() || null,
      medicationPlan: input.medicationPlan.map((m) => ({ ...m })),
      dueAt: now,
      escalationLevel: 0,
      submittedAt: null,
      responseDueAt: null,
      resubmissionOf: input.resubmissionOf ?? null,
      idempotencyKey: idempotencyKey ?? null,
      contentHash,
    });
    const createStep: StepRecord = {
      action: 'create',
      from: null,
      to: ReferralState.DRAFT,
      details: { direction: r.direction, urgency: r.urgency, resubmissionOf: r.resubmissionOf },
    };
    let steps: StepRecord[] = [createStep];
    let timers: TimerJob[] = [];
    if (input.submit) {
      assertDownContent(r);
      const due = new Date(
        now.getTime() + referralSettings(consortium.settings).responseSeconds[r.urgency] * 1000,
      );
      Object.assign(r, { state: ReferralState.SUBMITTED, submittedAt: now, responseDueAt: due, dueAt: due });
      steps = [createStep, { action: 'submit', from: ReferralState.DRAFT, event: 'referral.submitted' }];
      timers = [{ name: JOBS.REFERRAL_RESPONSE_DUE, runAt: due, level: 1 }];
    }
    const trail = this.recorder.trail(r, user, now, steps, timers);
    const audit = this.audit.rows(trail.audit);
    const rows: CreationRows = {
      referral: r,
      year: yearIn(consortium.timeZone, now),
      grantReason: input.submit ? `referral:${r.id}` : null,
      steps: trail.steps,
      audit,
      outbox: this.outbox.rows(trail.outbox),
    };

    const inTransaction =
      uploads.length > 0 || r.medicationPlan.length > 0 || (input.submit && this.hooks.concern(r));
    const created = inTransaction
      ? await this.dataSource
          .transaction(async (em) => {
            if (r.medicationPlan.length) await this.hooks.validatePlan(em, user, r.medicationPlan);
            if (uploads.length) {
              r.attachments = await this.documents.record(
                em,
                user,
                input.attachments,
                { kind: 'referral', id: r.id, patientId: r.patientId },
                'attachments',
              );
            }
            const done = await this.creation.create(rows, em);
            // A parallel retry of this key won: its referral holds the uploads, not this one.
            if (!done && uploads.length) throw new LostToRetry();
            if (done) {
              r.number = done.number;
              if (input.submit) await this.hooks.submitted(em, r, { actor: user, at: now });
            }
            return done;
          })
          .catch(async (err: unknown) => {
            if (err instanceof LostToRetry) return null;
            // A parallel retry of this key attached the uploads first: its referral is the answer.
            if (
              err instanceof DocumentAttachedError &&
              idempotencyKey &&
              (await this.byIdempotencyKey(user, idempotencyKey, contentHash))
            )
              return null;
            throw err;
          })
      : await this.creation.create(rows);
    if (created) {
      this.audit.noteRecorded(audit, created.auditIds);
      return Object.assign(r, {
        number: created.number,
        createdAt: created.createdAt,
        updatedAt: created.updatedAt,
      });
    }
    // Parallel retries of one key: the other call's insert won.
    const winner = await this.byIdempotencyKey(user, idempotencyKey!, contentHash);
    if (!winner) throw new Error('idempotent referral vanished after a conflicting insert');
    return winner;
  }

  /** The referral an earlier call with this key created; CONFLICT when the content differs. */
  private async byIdempotencyKey(user: AuthUser, key: string, hash: string): Promise<ReferralEntity | null> {
    const r = await this.dataSource.getRepository(ReferralEntity).findOneBy({
      tenantId: user.tenantId,
      fromInstitutionId: user.institutionId,
      idempotencyKey: key,
    });
    if (r) assertSameContent(r, hash);
    return r;
  }

  /** The creation's checks against what `facts` read; returns the consortium it needs next. */
  private validateContent(user: AuthUser, input: CreateReferralInput, facts: CreationFacts) {
    if (!facts.patientVisible) throw new NotFoundError('Patient', '患者', input.patientId);
    const from = facts.from;
    if (!from) throw new NotFoundError('Institution', '机构', user.institutionId);
    const to = facts.to;
    if (!to) throw new NotFoundError('Institution', '机构', input.toInstitutionId);
    if (from.id === to.id) {
      throw new BadInputError('不能转诊给本机构 (cannot refer to your own institution)', {
        field: 'toInstitutionId',
      });
    }
    if (!to.active) {
      throw new BadInputError(`「${to.name}」已停用 (the receiving institution is inactive)`, {
        field: 'toInstitutionId',
      });
    }
    const problem = directionProblem(input.direction, from.tier, to.tier);
    if (problem) throw new BadInputError(problem, { field: 'direction', rule: 'DIRECTION_TIER' });
    if (input.toDepartmentId) {
      if (!facts.departmentFound) throw new NotFoundError('Department', '科室', input.toDepartmentId);
      if (facts.departmentInstitutionId !== to.id) {
        throw new BadInputError('科室不属于接收机构 (the department belongs to another institution)', {
          field: 'toDepartmentId',
        });
      }
    }
    if (input.fromPractitionerId) {
      if (!facts.practitionerFound) {
        throw new NotFoundError('Practitioner', '医务人员', input.fromPractitionerId);
      }
      if (facts.practitionerInstitutionId !== from.id) {
        throw new BadInputError('转诊医生须属于本机构 (the referring practitioner must work here)', {
          field: 'fromPractitionerId',
        });
      }
    }
    if (
      input.direction !== ReferralDirection.DOWN &&
      (input.dischargeSummary || input.rehabPlan || input.medicationPlan.length)
    ) {
      throw new BadInputError(
        '出院小结、康复计划和用药计划仅用于下转 (discharge summary, rehab and medication plans belong to DOWN referrals)',
        {
          field: 'direction',
        },
      );
    }
    if (input.resubmissionOf) {
      const old = facts.resubmitted;
      if (!old || old.fromInstitutionId !== user.institutionId) {
        throw new NotFoundError('Referral', '转诊单', input.resubmissionOf);
      }
      if (old.state !== ReferralState.REJECTED) {
        throw new BadInputError('只能重新提交被退回的转诊 (only a rejected referral can be resubmitted)', {
          field: 'resubmissionOf',
        });
      }
      if (old.patientId !== input.patientId) {
        throw new BadInputError('重新提交须为同一患者 (a resubmission is for the same patient)', {
          field: 'patientId',
        });
      }
    }
    if (!facts.consortium) throw new NotFoundError('Consortium', '医共体', user.tenantId);
    return { consortium: facts.consortium };
  }
}

/** Rolls back uploads attached by a creation whose idempotency key another call took first. */
class LostToRetry extends Error {}

/** CONFLICT when an idempotency key comes back with other content. */
function assertSameContent(existing: { id: string; contentHash: string }, hash: string): void {
  if (existing.contentHash === hash) return;
  throw new ConflictError(
    '该幂等键已用于内容不同的转诊 (this idempotency key was used for a different referral)',
    {
      existingReferralId: existing.id,
    },
  );
}
