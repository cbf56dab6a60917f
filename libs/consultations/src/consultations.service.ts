import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import { DataSource, EntityManager, In } from 'typeorm';
import {
  AuthUser,
  BadInputError,
  Clock,
  Connection,
  ConflictError,
  ForbiddenError,
  hasRole,
  InvalidTransitionError,
  JOBS,
  LoaderFactory,
  paginate,
  Role,
  yearIn,
} from '@yg/core';
import { canonicalJson } from '@yg/audit/domain/chain';
import { NetworkService } from '@yg/network';
import { PatientsService } from '@yg/patients';
import { DocumentStore, uploadsOf } from '@yg/documents';
import {
  ConsultationEntity,
  ConsultationExpertEntity,
  ConsultationReportEntity,
  ConsultationStepEntity,
} from './entities/consultation.entity';
import { ConsultationState, READ_KINDS } from './domain/consultation.enums';
import { consultationSettings, reportHours } from './domain/settings';
import {
  ConsultationIdInput,
  ConsultationReasonInput,
  ConsultationsArgs,
  RequestConsultationInput,
  SubmitConsultationReportInput,
} from './dto/consultation.inputs';
import { ConsultationAccess } from './consultation-access.service';
import { ConsultationRecorder, ConsultationTimer } from './consultation-recorder.service';
import { BookingService } from './booking.service';
import { ConsultationConsents } from './consultation-consents';

const S = ConsultationState;

/** The consultation's life: request, cancel or decline, session, signed report, completion. */
@Injectable()
export class ConsultationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: ConsultationAccess,
    private readonly network: NetworkService,
    private readonly patients: PatientsService,
    private readonly booking: BookingService,
    private readonly recorder: ConsultationRecorder,
    private readonly clock: Clock,
    private readonly documents: DocumentStore,
    private readonly consents: ConsultationConsents,
  ) {}

  /** A county clinician asks; the clinician takes part, so it must be a clinician with a practitioner record. */
  request(user: AuthUser, input: RequestConsultationInput): Promise<ConsultationEntity> {
    if (!hasRole(user, Role.CLINICIAN) || !user.practitionerId) {
      throw new ForbiddenError(
        '会诊须由参与会诊的临床医生申请 (a consultation is requested by the clinician who takes part)',
      );
    }
    uploadsOf(input.attachments, 'attachments');
    return this.dataSource.transaction(async (em) => {
      const now = this.clock.now();
      await this.patients.assertVisible(user, input.patientId, em);
      const expertIds = [...new Set(input.expertIds)];
      for (const id of expertIds) await this.network.practitioner(user.tenantId, id, em);
      if (!expertIds.length && !input.specialty) {
        throw new BadInputError('请指定专家或所需专科 (name experts or the specialty wanted)', {
          field: 'expertIds',
        });
      }
      if (input.consent) this.consents.check(input.consent, now);
      const consortium = await this.network.consortium(user.tenantId, em);
      const year = yearIn(consortium.timeZone, now);
      const [{ n }] = await em.query(`SELECT next_document_number('consno', $1, $2) AS n`, [
        user.tenantId,
        year,
      ]);
      const id = randomUUID();
      const attachments = await this.documents.record(
        em,
        user,
        input.attachments,
        { kind: 'consultation', id, patientId: input.patientId },
        'attachments',
      );
      const c = em.create(ConsultationEntity, {
        id,
        tenantId: user.tenantId,
        number: `HZ-${year}-${String(n).padStart(6, '0')}`,
        kind: input.kind,
        state: S.REQUESTED,
        urgency: input.urgency,
        patientId: input.patientId,
        requestingInstitutionId: user.institutionId,
        requestingPractitionerId: user.practitionerId,
        requestingUserId: user.id,
        purpose: input.purpose.trim(),
        caseSummary: input.caseSummary.trim(),
        question: input.question.trim(),
        attachments,
        requestedSpecialty: input.specialty ?? null,
        requestedTitle: input.title ?? null,
        consent: input.consent
          ? await this.consents.keep(em, user, input.consent, { id, patientId: input.patientId })
          : null,
        remindersSent: [],
      });
      await em.save(c);
      if (expertIds.length) {
        await em.insert(
          ConsultationExpertEntity,
          expertIds.map((id) => ({
            consultationId: c.id,
            practitionerId: id,
            tenantId: c.tenantId,
            named: true,
            assigned: false,
          })),
        );
      }
      await this.recorder.record(em, c, user, now, {
        action: 'request',
        from: null,
        event: 'consultation.requested',
        details: { kind: c.kind, experts: expertIds.length, consent: !!c.consent },
      });
      return c;
    });
  }

  cancel(user: AuthUser, input: ConsultationReasonInput): Promise<ConsultationEntity> {
    return this.step(user, input.id, 'cancel', [S.REQUESTED, S.SCHEDULED], S.CANCELLED, async (em, c) => {
      this.access.assertRequestingSide(user, c);
      await this.booking.release(em, c.id);
      return {
        patch: { cancelReason: input.reason.trim() },
        note: input.reason,
        event: 'consultation.cancelled',
      };
    });
  }

  decline(user: AuthUser, input: ConsultationReasonInput): Promise<ConsultationEntity> {
    return this.step(user, input.id, 'decline', [S.REQUESTED, S.SCHEDULED], S.DECLINED, async (em, c) => {
      await this.access.assertPartnerSide(em, user, c);
      await this.booking.release(em, c.id);
      return {
        patch: { declineReason: input.reason.trim() },
        note: input.reason,
        event: 'consultation.declined',
      };
    });
  }

  start(user: AuthUser, input: ConsultationIdInput): Promise<ConsultationEntity> {
    return this.step(user, input.id, 'start', [S.SCHEDULED], S.IN_PROGRESS, async (em, c, now) => {
      await this.assertParticipant(em, user, c);
      return { patch: { startedAt: now }, note: input.note, event: 'consultation.started' };
    });
  }

  /** Ends the live session; the report is then due within the kind's deadline. */
  end(user: AuthUser, input: ConsultationIdInput): Promise<ConsultationEntity> {
    return this.step(user, input.id, 'end', [S.IN_PROGRESS], S.IN_PROGRESS, async (em, c, now) => {
      await this.assertParticipant(em, user, c);
      if (c.endedAt) throw new ConflictError('会诊已结束 (the session has already ended)');
      const consortium = await this.network.consortium(c.tenantId, em);
      const due = new Date(
        now.getTime() + reportHours(c.kind, consultationSettings(consortium.settings)) * 3600_000,
      );
      // The report deadline now runs from the real end: a new check for the new moment.
      const timers: ConsultationTimer[] = [
        {
          name: JOBS.CONSULTATION_REPORT_DUE,
          runAt: due,
          payload: {
            consultationId: c.id,
            tenantId: c.tenantId,
            scheduledStart: c.scheduledStart?.toISOString() ?? null,
          },
        },
      ];
      return {
        patch: { endedAt: now, reportDueAt: due },
        note: input.note,
        event: 'consultation.ended',
        timers,
      };
    });
  }

  complete(user: AuthUser, input: ConsultationIdInput): Promise<ConsultationEntity> {
    return this.step(user, input.id, 'complete', [S.REPORTED], S.COMPLETED, async (_em, c) => {
      this.access.assertRequestingSide(user, c);
      return { patch: {}, note: input.note, event: 'consultation.completed' };
    });
  }

  /**
   * A booked expert signs a report: identity, time and a SHA-256 of the content. The first
   * version moves the consultation to REPORTED; later versions are amendments with a reason.
   */
  submitReport(user: AuthUser, input: SubmitConsultationReportInput): Promise<ConsultationReportEntity> {
    return this.dataSource.transaction(async (em) => {
      const now = this.clock.now();
      const c = await this.access.visible(em, user, input.id, true);
      await this.access.assertAssignedExpert(em, user, c);
      const allowed = READ_KINDS.includes(c.kind)
        ? [S.SCHEDULED, S.IN_PROGRESS, S.REPORTED]
        : [S.IN_PROGRESS, S.REPORTED];
      if (!allowed.includes(c.state)) throw new InvalidTransitionError('Consultation', c.state, 'report');
      const [{ v }] = await em.query(
        `SELECT coalesce(max(version), 0)::int AS v FROM consultation_report WHERE consultation_id = $1`,
        [c.id],
      );
      const version = v + 1;
      if (version > 1 && !input.amendmentReason?.trim()) {
        throw new BadInputError(
          '已签署的报告只能修订,请填写修订原因 (a signed report can only be amended: give amendmentReason)',
          {
            field: 'amendmentReason',
          },
        );
      }
      const content = {
        consultationId: c.id,
        version,
        authorPractitionerId: user.practitionerId!,
        authorUserId: user.id,
        opinion: input.opinion.trim(),
        suggestedDiagnoses: input.suggestedDiagnoses.map((d) => ({
          code: d.code ?? null,
          name: d.name.trim(),
        })),
        recommendations: input.recommendations.trim(),
        amendmentReason: version > 1 ? input.amendmentReason!.trim() : null,
        signedAt: now.toISOString(),
      };
      const report = em.create(ConsultationReportEntity, {
        ...content,
        tenantId: c.tenantId,
        signedAt: now,
        contentHash: createHash('sha256').update(canonicalJson(content)).digest('hex'),
      });
      await em.save(report);
      const from = c.state;
      if (c.state !== S.REPORTED) {
        await em.update(ConsultationEntity, { id: c.id }, { state: S.REPORTED, endedAt: c.endedAt ?? now });
        c.state = S.REPORTED;
      }
      await this.recorder.record(em, c, user, now, {
        action: version === 1 ? 'report' : 'amend-report',
        from,
        event: 'consultation.reported',
        details: { version, contentHash: report.contentHash },
        titleSuffix: version > 1 ? `(修订版 v${version} / amendment v${version})` : undefined,
      });
      return report;
    });
  }

  get(user: AuthUser, id: string): Promise<ConsultationEntity> {
    return this.access.visible(this.dataSource.manager, user, id);
  }

  list(user: AuthUser, args: ConsultationsArgs): Promise<Connection<ConsultationEntity>> {
    const qb = this.access.scope(
      this.dataSource.getRepository(ConsultationEntity).createQueryBuilder('c').where('true'),
      user,
    );
    if (args.states?.length) qb.andWhere('c.state IN (:...states)', { states: args.states });
    if (args.kind) qb.andWhere('c.kind = :kind', { kind: args.kind });
    return paginate(
      qb,
      [
        { expr: 'c.created_at', value: (r) => r.createdAt.toISOString(), kind: 'date' },
        { expr: 'c.id', value: (r) => r.id, kind: 'uuid' },
      ],
      args,
      'DESC',
    );
  }

  private async assertParticipant(em: EntityManager, user: AuthUser, c: ConsultationEntity) {
    if (!(await this.access.isParticipant(em, user, c))) {
      throw new ForbiddenError('只有会诊参与者可以操作 (only participants may do this)');
    }
  }

  /** Load under lock, check the state, let `act` authorise and shape the change, apply, record. */
  private step(
    user: AuthUser,
    id: string,
    action: string,
    from: ConsultationState[],
    to: ConsultationState,
    act: (
      em: EntityManager,
      c: ConsultationEntity,
      now: Date,
    ) => Promise<{
      patch: Partial<ConsultationEntity>;
      note?: string;
      event: Parameters<ConsultationRecorder['record']>[4]['event'];
      timers?: ConsultationTimer[];
    }>,
  ): Promise<ConsultationEntity> {
    return this.dataSource.transaction(async (em) => {
      const now = this.clock.now();
      const c = await this.access.visible(em, user, id, true);
      if (!from.includes(c.state)) throw new InvalidTransitionError('Consultation', c.state, action);
      const { patch, note, event, timers } = await act(em, c, now);
      const before = c.state;
      await em.update(ConsultationEntity, { id: c.id }, { ...patch, state: to });
      Object.assign(c, patch, { state: to });
      await this.recorder.record(em, c, user, now, { action, from: before, note, event }, timers);
      return c;
    });
  }

  // ---------- per-request loaders ----------

  readonly expertsLoader: LoaderFactory<string, ConsultationExpertEntity[]> = () =>
    new DataLoader(async (ids) => {
      // A stable order, whatever plan reads the rows: a page and a single read must agree.
      const rows = await this.dataSource
        .getRepository(ConsultationExpertEntity)
        .find({ where: { consultationId: In([...ids]) }, order: { practitionerId: 'ASC' } });
      return ids.map((id) => rows.filter((r) => r.consultationId === id));
    });

  readonly reportsLoader: LoaderFactory<string, ConsultationReportEntity[]> = () =>
    new DataLoader(async (ids) => {
      const rows = await this.dataSource
        .getRepository(ConsultationReportEntity)
        .find({ where: { consultationId: In([...ids]) }, order: { version: 'ASC' } });
      return ids.map((id) => rows.filter((r) => r.consultationId === id));
    });

  readonly timelineLoader: LoaderFactory<string, ConsultationStepEntity[]> = () =>
    new DataLoader(async (ids) => {
      const rows = await this.dataSource
        .getRepository(ConsultationStepEntity)
        .find({ where: { consultationId: In([...ids]) }, order: { id: 'ASC' } });
      return ids.map((id) => rows.filter((r) => r.consultationId === id));
    });
}
