import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AuthUser, BadInputError, Clock, JOBS, QUEUES } from '@yg/core';
import { NetworkService } from '@yg/network';
import { DomainEvent, EventBus, OutboxService } from '@yg/outbox';
import {
  MedicationItem,
  ReferralDirection,
  ReferralEntity,
  ReferralReads,
  ReferralState,
  ReferralSummary,
} from '@yg/referrals';
import { ContinuityOutcome, ContinuityTrigger } from '../domain/drug.enums';
import { ContinuityDecision, decideContinuity, PlanTarget, substitutesOf } from '../domain/continuity';
import { parseNationalCode, productKeyOf } from '../domain/national-code';
import {
  MedicationContinuityCheckEntity,
  MedicationContinuityResultEntity,
  MedicationPlanItemEntity,
} from '../entities/continuity.entities';
import { ContinuityInputs, ContinuitySnapshot, PlanLine, ResolvedPlan } from './continuity-inputs';
import { continuityEvent } from './continuity-events';

const RECHECK_HANDLER = 'drugs.continuity-recheck';
/** Referrals whose patient is still on the way: their checks follow stock and mappings. */
const OPEN_STATES = [ReferralState.SUBMITTED, ReferralState.ACCEPTED];

export interface RecheckPayload {
  tenantId: string;
  institutionId: string;
  trigger: ContinuityTrigger;
}

interface Evaluation {
  resolved: ResolvedPlan;
  tier: string;
  decisions: Map<string, ContinuityDecision>;
  mappings: ContinuitySnapshot['mappings'];
  stock: ContinuitySnapshot['stock'];
}

/**
 * Medication continuity of down-referrals: the check stored at submission (the figure 用药衔接率
 * counts), and re-checks while the patient is on the way, each a new check that becomes the
 * current one, the earlier ones kept. Checks of one receiving institution are serialised by an
 * advisory lock, so a re-check never misses a referral submitted while it ran.
 */
@Injectable()
export class ContinuityService {
  /** Re-checks already asked for in a transaction: an import touching 500 items asks once. */
  private readonly requested = new WeakMap<object, Set<string>>();

  constructor(
    private readonly inputs: ContinuityInputs,
    private readonly network: NetworkService,
    private readonly outbox: OutboxService,
    private readonly bus: EventBus,
    private readonly reads: ReferralReads,
    private readonly clock: Clock,
  ) {}

  /**
   * Asks for the open down-referrals to `institutionId` to be checked again, after the
   * caller's transaction commits (through the outbox). Call it wherever stock or mappings of
   * the institution change, inside that change's transaction.
   */
  async requestRecheck(
    em: EntityManager,
    tenantId: string,
    institutionId: string,
    trigger: ContinuityTrigger = ContinuityTrigger.STOCK_CHANGE,
  ): Promise<void> {
    // Only inside a transaction: the default manager outlives every call.
    const tx = em.queryRunner?.isTransactionActive ? em.queryRunner : null;
    if (tx) {
      const seen = this.requested.get(tx) ?? new Set<string>();
      this.requested.set(tx, seen);
      const key = `${institutionId}:${trigger}`;
      if (seen.has(key)) return;
      seen.add(key);
    }
    await this.outbox.enqueue(em, {
      tenantId,
      queue: QUEUES.DRUG_TASKS,
      jobName: JOBS.CONTINUITY_RECHECK,
      payload: { tenantId, institutionId, trigger } satisfies RecheckPayload as unknown as Record<
        string,
        unknown
      >,
    });
  }

  /** Refuses plan items naming a code or a list item that does not exist, or both disagreeing. */
  async validatePlan(em: EntityManager, user: AuthUser, plan: readonly MedicationItem[]): Promise<void> {
    const field = (i: number, f: string) => ({ field: `medicationPlan[${i}].${f}` });
    plan.forEach((m, i) => {
      if (m.nationalCode && !parseNationalCode(m.nationalCode)) {
        throw new BadInputError(
          `第 ${i + 1} 项的医保药品代码格式错误 (item ${i + 1}: malformed national code)`,
          field(i, 'nationalCode'),
        );
      }
    });
    const codes = [...new Set(plan.map((m) => m.nationalCode).filter((c): c is string => !!c))];
    const ids = [...new Set(plan.map((m) => m.formularyItemId).filter((c): c is string => !!c))];
    // One after the other: both run on the transaction's single connection.
    const known: { code: string }[] = codes.length
      ? await em.query(`SELECT code FROM drug_code WHERE code = ANY($1::text[])`, [codes])
      : [];
    const items: { id: string; product_key: string }[] = ids.length
      ? await em.query(
          `SELECT id, product_key FROM formulary_item WHERE tenant_id = $1 AND id = ANY($2::uuid[])`,
          [user.tenantId, ids],
        )
      : [];
    const knownCodes = new Set(known.map((k) => k.code));
    const keyOf = new Map(items.map((f) => [f.id, f.product_key]));
    plan.forEach((m, i) => {
      if (m.nationalCode && !knownCodes.has(m.nationalCode)) {
        throw new BadInputError(
          `第 ${i + 1} 项的医保药品代码 ${m.nationalCode} 不在国家目录中 (item ${i + 1}: unknown national code)`,
          field(i, 'nationalCode'),
        );
      }
      if (m.formularyItemId && !keyOf.has(m.formularyItemId)) {
        throw new BadInputError(
          `第 ${i + 1} 项的统一目录条目不存在 (item ${i + 1}: no such unified-list item)`,
          field(i, 'formularyItemId'),
        );
      }
      if (
        m.formularyItemId &&
        m.nationalCode &&
        keyOf.get(m.formularyItemId) !== productKeyOf(m.nationalCode)
      ) {
        throw new BadInputError(
          `第 ${i + 1} 项的医保代码与所选目录条目不是同一品种 (item ${i + 1}: the code and the list item name different products)`,
          field(i, 'nationalCode'),
        );
      }
    });
  }

  /** Whether a submitted referral has a plan to store and check: a DOWN referral with a medication plan. */
  hasPlanToCheck(r: ReferralEntity): boolean {
    return r.direction === ReferralDirection.DOWN && r.medicationPlan.length > 0;
  }

  /** Stores the plan and its check against the receiving institution, in the submission's transaction. */
  async checkAtSubmission(em: EntityManager, r: ReferralEntity, actor: AuthUser, at: Date): Promise<void> {
    if (!this.hasPlanToCheck(r)) return;
    await this.lockInstitution(em, r.toInstitutionId);
    const lines: PlanLine[] = r.medicationPlan.map((m) => ({
      id: randomUUID(),
      drugText: m.drug.trim(),
      nationalCode: m.nationalCode ?? null,
      formularyItemId: m.formularyItemId ?? null,
      dose: m.dose ?? null,
    }));
    const evaluation = await this.evaluate(em, r.tenantId, r.toInstitutionId, lines);
    await em.insert(
      MedicationPlanItemEntity,
      r.medicationPlan.map((m, position) => ({
        id: lines[position].id,
        tenantId: r.tenantId,
        referralId: r.id,
        position,
        drugText: lines[position].drugText,
        nationalCode: m.nationalCode ?? null,
        formularyItemId: evaluation.resolved.resolution[lines[position].id].formularyItemId,
        dose: m.dose,
        route: m.route,
        frequency: m.frequency,
        duration: m.duration,
      })),
    );
    const check = await this.writeCheck(em, {
      tenantId: r.tenantId,
      referralId: r.id,
      receivingInstitutionId: r.toInstitutionId,
      trigger: ContinuityTrigger.SUBMISSION,
      submittedAt: r.submittedAt ?? at,
      at,
      planItemIds: lines.map((l) => l.id),
      evaluation,
    });
    const event = continuityEvent(check, summaryOf(r), actor.id);
    if (event) await this.outbox.publish(em, event);
  }

  /**
   * Checks the open down-referrals to an institution again; a referral whose outcomes changed
   * gets a new current check and a push. Once per outbox message (the key is in Postgres).
   * Returns how many referrals changed.
   */
  async recheck(messageId: string, p: RecheckPayload): Promise<number> {
    let changed = 0;
    await this.bus.once(messageId, RECHECK_HANDLER, async (em) => {
      await this.lockInstitution(em, p.institutionId);
      const current = await em.getRepository(MedicationContinuityCheckEntity).find({
        where: { tenantId: p.tenantId, receivingInstitutionId: p.institutionId, current: true },
      });
      if (!current.length) return;
      const referrals = await this.reads.summaries(
        em,
        p.tenantId,
        current.map((c) => c.referralId),
      );
      const open = new Map(referrals.filter((r) => OPEN_STATES.includes(r.state)).map((r) => [r.id, r]));
      const checks = current.filter((c) => open.has(c.referralId));
      if (!checks.length) return;
      const plan = await em.getRepository(MedicationPlanItemEntity).find({
        where: { tenantId: p.tenantId, referralId: In(checks.map((c) => c.referralId)) },
        order: { referralId: 'ASC', position: 'ASC' },
      });
      const previous = await em.getRepository(MedicationContinuityResultEntity).find({
        where: { tenantId: p.tenantId, checkId: In(checks.map((c) => c.id)) },
      });
      const evaluation = await this.evaluate(
        em,
        p.tenantId,
        p.institutionId,
        plan.map((i) => ({
          id: i.id,
          drugText: i.drugText,
          nationalCode: i.nationalCode,
          formularyItemId: i.formularyItemId,
          dose: i.dose,
        })),
      );
      const now = this.clock.now();
      const events: DomainEvent[] = [];
      for (const c of checks) {
        const items = plan.filter((i) => i.referralId === c.referralId).map((i) => i.id);
        const before = previous
          .filter((x) => x.checkId === c.id)
          .map(resultKey)
          .sort();
        const after = items.map((id) => resultKey(evaluation.decisions.get(id)!)).sort();
        if (before.join('\n') === after.join('\n')) continue;
        await em.update(MedicationContinuityCheckEntity, { id: c.id }, { current: false });
        const next = await this.writeCheck(em, {
          tenantId: p.tenantId,
          referralId: c.referralId,
          receivingInstitutionId: p.institutionId,
          trigger: p.trigger,
          submittedAt: c.referralSubmittedAt,
          at: now,
          planItemIds: items,
          evaluation,
        });
        const event = continuityEvent(next, open.get(c.referralId)!, null);
        if (event) events.push(event);
        changed++;
      }
      await this.outbox.publish(em, ...events);
    });
    return changed;
  }

  private async evaluate(
    em: EntityManager,
    tenantId: string,
    institutionId: string,
    lines: PlanLine[],
  ): Promise<Evaluation> {
    const resolved = await this.inputs.resolve(em, tenantId, lines);
    const { tier } = await this.network.institution(tenantId, institutionId, em);
    const relevant = new Set<string>();
    for (const t of resolved.targets) {
      if (t.item) relevant.add(t.item.id);
      for (const g of substitutesOf(t, resolved.list)) relevant.add(g.id);
    }
    const receiver = await this.inputs.receiver(em, tenantId, institutionId, [...relevant]);
    const view = { tier, list: resolved.list, items: receiver.items };
    const decisions = new Map(resolved.targets.map((t) => [t.planItemId, decideContinuity(t, view)]));
    return { resolved, tier, decisions, mappings: receiver.mappings, stock: receiver.stock };
  }

  private async writeCheck(
    em: EntityManager,
    c: {
      tenantId: string;
      referralId: string;
      receivingInstitutionId: string;
      trigger: ContinuityTrigger;
      submittedAt: Date;
      at: Date;
      planItemIds: string[];
      evaluation: Evaluation;
    },
  ): Promise<MedicationContinuityCheckEntity> {
    const decisions = c.planItemIds.map((id) => c.evaluation.decisions.get(id)!);
    const count = (o: ContinuityOutcome) => decisions.filter((d) => d.outcome === o).length;
    const check: MedicationContinuityCheckEntity = {
      id: randomUUID(),
      tenantId: c.tenantId,
      referralId: c.referralId,
      receivingInstitutionId: c.receivingInstitutionId,
      trigger: c.trigger,
      referralSubmittedAt: c.submittedAt,
      checkedAt: c.at,
      current: true,
      itemsTotal: decisions.length,
      available: count(ContinuityOutcome.AVAILABLE),
      substitute: count(ContinuityOutcome.SUBSTITUTE),
      outOfStock: count(ContinuityOutcome.OUT_OF_STOCK),
      notListed: count(ContinuityOutcome.NOT_LISTED),
      unknown: count(ContinuityOutcome.UNKNOWN),
      snapshot: snapshotFor(c.planItemIds, c.evaluation) as unknown as Record<string, unknown>,
    };
    await em.insert(
      MedicationContinuityCheckEntity,
      check as QueryDeepPartialEntity<MedicationContinuityCheckEntity>,
    );
    await em.insert(
      MedicationContinuityResultEntity,
      decisions.map((d) => ({
        checkId: check.id,
        planItemId: d.planItemId,
        tenantId: c.tenantId,
        outcome: d.outcome,
        formularyItemId: d.formularyItemId,
        catalogueItemId: d.catalogueItemId,
        onHand: d.onHand === null ? null : String(d.onHand),
        note: d.note,
      })),
    );
    return check;
  }

  private async lockInstitution(em: EntityManager, institutionId: string): Promise<void> {
    await em.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`continuity:${institutionId}`]);
  }
}

function resultKey(d: {
  planItemId: string;
  outcome: ContinuityOutcome;
  formularyItemId: string | null;
  catalogueItemId: string | null;
  note: string | null;
}): string {
  return [d.planItemId, d.outcome, d.formularyItemId, d.catalogueItemId, d.note].join('|');
}

/** The inputs behind one referral's check: its items' resolution, the list versions and the receiver's rows. */
function snapshotFor(planItemIds: string[], e: Evaluation): ContinuitySnapshot {
  const targets = new Map<string, PlanTarget>(e.resolved.targets.map((t) => [t.planItemId, t]));
  const formulary: Record<string, number> = {};
  const resolution: ContinuitySnapshot['resolution'] = {};
  for (const id of planItemIds) {
    resolution[id] = e.resolved.resolution[id];
    const t = targets.get(id)!;
    if (t.item) formulary[t.item.id] = t.item.version;
    for (const g of substitutesOf(t, e.resolved.list)) formulary[g.id] = g.version;
  }
  const mappings: ContinuitySnapshot['mappings'] = {};
  const stock: ContinuitySnapshot['stock'] = {};
  for (const [catalogueItemId, m] of Object.entries(e.mappings)) {
    if (!(m.formularyItemId in formulary)) continue;
    mappings[catalogueItemId] = m;
    stock[catalogueItemId] = e.stock[catalogueItemId];
  }
  return { receivingTier: e.tier, resolution, formulary, mappings, stock };
}

function summaryOf(r: ReferralEntity): ReferralSummary {
  return {
    id: r.id,
    tenantId: r.tenantId,
    number: r.number,
    direction: r.direction,
    state: r.state,
    fromInstitutionId: r.fromInstitutionId,
    toInstitutionId: r.toInstitutionId,
    fromUserId: r.fromUserId,
    submittedAt: r.submittedAt,
    arrivedAt: r.arrivedAt,
    closedAt: r.closedAt,
  };
}
