import { randomUUID } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthUser, ConflictError, requestContext } from '@yg/core';
import { PatientsService } from '@yg/patients';
import { RegisterPatientInput } from '@yg/patients/dto/patient.inputs';
import { ReferralsService } from '@yg/referrals';
import {
  AcceptReferralInput,
  CancelReferralInput,
  CreateReferralInput,
  ReferralNoteInput,
  RejectReferralInput,
} from '@yg/referrals/dto/referral.inputs';
import { AvailabilityService, BookingService, ConsultationsService } from '@yg/consultations';
import {
  BookConsultationInput,
  ConsultationIdInput,
  ConsultationReasonInput,
  PublishAvailabilityInput,
  RequestConsultationInput,
  SubmitConsultationReportInput,
} from '@yg/consultations/dto/consultation.inputs';
import { SupplyService } from '@yg/drugs';
import { DocumentStore } from '@yg/documents';
import {
  ApproveSupplyRequestInput,
  CreateSupplyRequestInput,
  DispatchSupplyRequestInput,
  ReceiveSupplyRequestInput,
  RejectSupplyRequestInput,
} from '@yg/drugs/dto/supply.inputs';
import { CONSORTIUM } from '../qianjiang.data';
import { DrugSetup } from '../drugs/drug-setup';
import { drugStory, StorySupply, SupplyAct } from '../drugs/drug.story';
import {
  Actor,
  ConsultationAct,
  demoStory,
  ReferralAct,
  StoryAvailability,
  StoryConsultation,
  StoryPatient,
  StoryReferral,
  StoryUpload,
  Timeline,
} from './activity.story';
import type { StoryClock } from './activity.module';
import { demoPdf } from './demo-pdf';
import type { StoryWorld } from './story-world';
import type { StoryWorker } from './story-worker';

interface Step {
  at: Date;
  by: Actor;
  run: (user: AuthUser) => Promise<void>;
}

/** Plays the story's steps in time order, each as its demo user, through the services. */
export class StoryPlayer {
  constructor(
    private readonly app: INestApplicationContext,
    private readonly ds: DataSource,
    private readonly clock: StoryClock,
    private readonly world: StoryWorld,
    private readonly worker: StoryWorker,
  ) {}

  /** Returns how many referrals and consultations of the story existed already. */
  async play(now: Date): Promise<number> {
    const timeline = new Timeline(now, CONSORTIUM.timeZone);
    const story = demoStory(timeline);
    const drugs = drugStory(timeline);
    story.patients.push(...drugs.patients);
    story.referrals.push(...drugs.referrals);
    let existing = 0;
    const steps: Step[] = [];
    for (const p of story.patients) steps.push({ at: p.at, by: p.by, run: (u) => this.register(u, p) });
    for (const a of story.availability) {
      if (!(await this.hasSchedule(a.expert)))
        steps.push({ at: a.at, by: a.by, run: (u) => this.publish(u, a) });
    }
    for (const r of story.referrals) {
      if (await this.referralExists(r)) existing++;
      else steps.push(...this.referralSteps(r));
    }
    for (const c of story.consultations) {
      if (await this.consultationExists(c)) existing++;
      else steps.push(...this.consultationSteps(c));
    }
    for (const s of drugs.supplies) {
      if (!(await this.supplyExists(s))) steps.push(...this.supplySteps(s));
    }
    // A stable sort: steps of one story at one moment keep their order.
    steps.sort((a, b) => a.at.getTime() - b.at.getTime());
    // The drug list and the members' catalogues were in place before the story's first step.
    const first = steps[0]?.at ?? now;
    await new DrugSetup(this.app, this.ds, this.clock, this.world).run(
      timeline.sameDayPlus(first, -1, '09:00'),
    );
    for (const step of steps) {
      if (step.at > now) throw new Error(`a story step lies in the future: ${step.at.toISOString()}`);
      await this.worker.fireTimersUntil(step.at);
      this.clock.set(step.at);
      const user = this.world.user(step.by);
      await requestContext.run({ requestId: `seed-${randomUUID()}`, ip: null, user }, () => step.run(user));
    }
    await this.worker.fireTimersUntil(now);
    await this.worker.fanOut();
    await this.world.alignTimestamps();
    return existing;
  }

  private service<T>(type: new (...args: never[]) => T): T {
    return this.app.get(type);
  }

  // ---------- patients and schedules ----------

  /** Registers the patient, or finds the one registered with that ID number already. */
  private async register(user: AuthUser, p: StoryPatient) {
    const input = await this.world.input(RegisterPatientInput, {
      name: p.name,
      idNumber: p.idNumber,
      phone: p.phone,
      residenceDivisionCode: p.residenceDivisionCode,
      chronicConditions: p.chronicConditions,
      ...(p.contract && {
        familyDoctorContract: {
          institutionId: user.institutionId,
          practitionerId: user.practitionerId,
          signedOn: new Timeline(p.at, CONSORTIUM.timeZone).date(p.at),
        },
      }),
    });
    try {
      const created = await this.service(PatientsService).register(user, input);
      this.world.patients.set(p.key, created.id);
      this.world.created.patients.set(created.id, p.at);
    } catch (err) {
      const existing = err instanceof ConflictError ? err.details.existingPatientId : undefined;
      if (typeof existing !== 'string') throw err;
      this.world.patients.set(p.key, existing);
    }
  }

  private async hasSchedule(expertKey: string): Promise<boolean> {
    const rows = await this.ds.query(
      `SELECT 1 FROM expert_availability_rule WHERE practitioner_id = $1 LIMIT 1`,
      [this.world.practitioner(expertKey)],
    );
    return rows.length > 0;
  }

  private async publish(user: AuthUser, a: StoryAvailability) {
    const input = await this.world.input(PublishAvailabilityInput, {
      expertId: this.world.practitioner(a.expert),
      rules: a.rules.map((r) => ({ ...r, validFrom: a.validFrom })),
      exceptions: [],
    });
    await this.service(AvailabilityService).publish(user, input);
  }

  // ---------- referrals ----------

  private async referralExists(r: StoryReferral): Promise<boolean> {
    const [found] = await this.ds.query(
      `SELECT id FROM referral WHERE tenant_id = $1 AND from_institution_id = $2 AND idempotency_key = $3`,
      [this.world.tenantId, this.world.user(r.by).institutionId, `demo-${r.key}`],
    );
    if (found) this.world.referrals.set(r.key, found.id);
    return !!found;
  }

  private referralSteps(r: StoryReferral): Step[] {
    return [
      { at: r.at, by: r.by, run: (u) => this.createReferral(u, r) },
      ...r.acts.map((act) => ({
        at: act.at,
        by: act.by,
        run: (u: AuthUser) => this.referralAct(u, this.world.referrals.get(r.key)!, act),
      })),
    ];
  }

  private async createReferral(user: AuthUser, r: StoryReferral) {
    const w = this.world;
    const input = await w.input(CreateReferralInput, {
      patientId: w.patient(r.patient),
      direction: r.direction,
      toInstitutionId: w.inst(r.to),
      ...(r.toDepartment && { toDepartmentId: await w.department(r.to, r.toDepartment) }),
      urgency: r.urgency,
      diagnosisCode: r.diagnosisCode,
      diagnosisName: r.diagnosisName,
      purpose: r.purpose,
      clinicalSummary: r.clinicalSummary,
      ...(r.attentionNotes && { attentionNotes: r.attentionNotes }),
      attachments: [...(r.attachments ?? []), ...(await this.uploads(user, r.uploads))],
      insuranceType: r.insuranceType,
      contactPhone: r.contactPhone,
      ...(r.fromPractitioner && { fromPractitionerId: w.practitioner(r.fromPractitioner) }),
      ...(r.down ?? { medicationPlan: [] }),
      ...(r.resubmits && { resubmissionOf: w.referrals.get(r.resubmits) }),
      idempotencyKey: `demo-${r.key}`,
      submit: r.submit,
    });
    const created = await this.service(ReferralsService).create(user, input);
    w.referrals.set(r.key, created.id);
    w.created.referrals.add(created.id);
  }

  /** The sender's uploads, kept by the document store as a browser's would be, ready to attach. */
  private async uploads(user: AuthUser, list: StoryUpload[] = []) {
    const out: { name: string; documentId: string }[] = [];
    for (const u of list) {
      const doc = await this.service(DocumentStore).keep(user, u.fileName, demoPdf(u.lines));
      out.push({ name: u.name, documentId: doc.documentId });
    }
    return out;
  }

  private async referralAct(user: AuthUser, id: string, act: ReferralAct) {
    const referrals = this.service(ReferralsService);
    const input = this.world.input.bind(this.world);
    switch (act.do) {
      case 'accept':
        await referrals.accept(
          user,
          await input(AcceptReferralInput, {
            id,
            appointmentAt: act.appointmentAt,
            ...(act.place && { place: act.place }),
            ...(act.bed && { bed: act.bed }),
            ...(act.note && { note: act.note }),
          }),
        );
        return;
      case 'reject':
        await referrals.reject(
          user,
          await input(RejectReferralInput, { id, reasonCode: act.reasonCode, reason: act.reason }),
        );
        return;
      case 'cancel':
        await referrals.cancel(user, await input(CancelReferralInput, { id, reason: act.reason }));
        return;
      case 'submit':
        await referrals.submit(user, await input(ReferralNoteInput, { id, note: act.note }));
        return;
      case 'arrive':
        await referrals.recordArrival(user, await input(ReferralNoteInput, { id, note: act.note }));
        return;
      case 'complete':
        await referrals.complete(user, await input(ReferralNoteInput, { id, note: act.note }));
        return;
    }
  }

  // ---------- supply requests (基层缺药登记) ----------

  private async supplyExists(s: StorySupply): Promise<boolean> {
    const [found] = await this.ds.query(
      `SELECT id FROM supply_request WHERE tenant_id = $1 AND idempotency_key = $2`,
      [this.world.tenantId, `demo-${s.key}`],
    );
    if (found) this.world.supplies.set(s.key, found.id);
    return !!found;
  }

  private supplySteps(s: StorySupply): Step[] {
    return [
      { at: s.at, by: s.by, run: (u) => this.createSupply(u, s) },
      ...s.acts.map((act) => ({
        at: act.at,
        by: act.by,
        run: (u: AuthUser) => this.supplyAct(u, this.world.supplies.get(s.key)!, act),
      })),
    ];
  }

  private async createSupply(user: AuthUser, s: StorySupply) {
    const w = this.world;
    const [item] = await this.ds.query(
      `SELECT id FROM formulary_item WHERE tenant_id = $1 AND generic_name = $2 AND spec = $3 AND status = 'ACTIVE'`,
      [w.tenantId, s.drug, s.spec],
    );
    const input = await w.input(CreateSupplyRequestInput, {
      formularyItemId: item.id,
      quantity: s.quantity,
      reason: s.reason,
      urgency: s.urgency,
      ...(s.referral && { referralId: w.referrals.get(s.referral) }),
      ...(s.for && { institutionId: w.inst(s.for) }),
      idempotencyKey: `demo-${s.key}`,
    });
    const created = await this.service(SupplyService).create(user, input);
    w.supplies.set(s.key, created.id);
    w.created.supplies.add(created.id);
  }

  private async supplyAct(user: AuthUser, id: string, act: SupplyAct) {
    const supplies = this.service(SupplyService);
    const input = this.world.input.bind(this.world);
    const [{ version }] = await this.ds.query(`SELECT version FROM supply_request WHERE id = $1`, [id]);
    switch (act.do) {
      case 'approve':
        await supplies.approve(
          user,
          await input(ApproveSupplyRequestInput, { id, expectedVersion: version, note: act.note }),
        );
        return;
      case 'reject':
        await supplies.reject(
          user,
          await input(RejectSupplyRequestInput, { id, expectedVersion: version, reason: act.reason }),
        );
        return;
      case 'dispatch':
        await supplies.dispatch(
          user,
          await input(DispatchSupplyRequestInput, { id, quantity: act.quantity, note: act.note }),
        );
        return;
      case 'receive':
        await supplies.receive(
          user,
          await input(ReceiveSupplyRequestInput, { id, receivedQuantity: act.quantity, note: act.note }),
        );
        return;
    }
  }

  // ---------- consultations ----------

  private async consultationExists(c: StoryConsultation): Promise<boolean> {
    const [found] = await this.ds.query(
      `SELECT id FROM consultation WHERE tenant_id = $1 AND requesting_institution_id = $2 AND purpose = $3`,
      [this.world.tenantId, this.world.user(c.by).institutionId, c.purpose],
    );
    if (found) this.world.consultations.set(c.purpose, found.id);
    return !!found;
  }

  private consultationSteps(c: StoryConsultation): Step[] {
    return [
      { at: c.at, by: c.by, run: (u) => this.requestConsultation(u, c) },
      ...c.acts.map((act) => ({
        at: act.at,
        by: act.by,
        run: (u: AuthUser) => this.consultationAct(u, this.world.consultations.get(c.purpose)!, act),
      })),
    ];
  }

  private async requestConsultation(user: AuthUser, c: StoryConsultation) {
    const w = this.world;
    const input = await w.input(RequestConsultationInput, {
      kind: c.kind,
      patientId: w.patient(c.patient),
      purpose: c.purpose,
      caseSummary: c.caseSummary,
      question: c.question,
      attachments: [...(c.attachments ?? []), ...(await this.uploads(user, c.uploads))],
      urgency: c.urgency,
      expertIds: c.experts.map((e) => w.practitioner(e)),
      consent: {
        ...c.consentBy,
        signedAt: new Date(c.at.getTime() - 20 * 60_000),
        documentUri: `https://files.qjzxyy.example/consent/${c.patient}-${c.at.getTime()}.pdf`,
      },
    });
    const created = await this.service(ConsultationsService).request(user, input);
    w.consultations.set(c.purpose, created.id);
    w.created.consultations.add(created.id);
  }

  private async consultationAct(user: AuthUser, id: string, act: ConsultationAct) {
    const consultations = this.service(ConsultationsService);
    const input = this.world.input.bind(this.world);
    switch (act.do) {
      case 'book':
        await this.service(BookingService).book(
          user,
          await input(BookConsultationInput, { id, start: act.start, end: act.end }),
        );
        return;
      case 'start':
        await consultations.start(user, await input(ConsultationIdInput, { id, note: act.note }));
        return;
      case 'end':
        await consultations.end(user, await input(ConsultationIdInput, { id, note: act.note }));
        return;
      case 'report':
        await consultations.submitReport(
          user,
          await input(SubmitConsultationReportInput, {
            id,
            opinion: act.opinion,
            suggestedDiagnoses: act.suggestedDiagnoses,
            recommendations: act.recommendations,
          }),
        );
        return;
      case 'complete':
        await consultations.complete(user, await input(ConsultationIdInput, { id, note: act.note }));
        return;
      case 'decline':
        await consultations.decline(user, await input(ConsultationReasonInput, { id, reason: act.reason }));
        return;
      case 'cancel':
        await consultations.cancel(user, await input(ConsultationReasonInput, { id, reason: act.reason }));
        return;
    }
  }
}
