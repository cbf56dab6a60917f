import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import {
  AuthUser,
  BadInputError,
  Clock,
  ConflictError,
  ForbiddenError,
  hasRole,
  InvalidTransitionError,
  JOBS,
  NotFoundError,
  Role,
  yearIn,
} from '@yg/core';
import { canonicalJson } from '@yg/audit/domain/chain';
import { InstitutionKind, NetworkService } from '@yg/network';
import { ReferralDirection, ReferralQueries } from '@yg/referrals';
import { ContinuityTrigger, FormularyStatus, SupplyRequestState } from '../domain/drug.enums';
import { canSupplyTransition, SupplyAction, supplySettings, SUPPLY_TRANSITIONS } from '../domain/supply';
import { SupplyRequestEntity } from '../entities/supply.entities';
import { FormularyItemEntity } from '../entities/formulary.entities';
import {
  ApproveSupplyRequestInput,
  CreateSupplyRequestInput,
  DispatchSupplyRequestInput,
  ReceiveSupplyRequestInput,
  RejectSupplyRequestInput,
} from '../dto/supply.inputs';
import { ContinuityService } from '../continuity/continuity.service';
import { SupplyQueries } from './supply-queries.service';
import { SupplyRecorder, SupplyStep, SupplyTimerJob } from './supply-recorder.service';
import { SupplyEventType } from './supply-events';

/** How far in the past a `neededBy` may be (late data entry), in ms. */
const NEEDED_BY_PAST_TOLERANCE_MS = 60 * 60 * 1000;
/** Staff of the requesting institution who raise and receive. */
const CLINIC_STAFF = [Role.CLINICIAN, Role.PHARMACIST, Role.REFERRAL_COORDINATOR];

type StepOutcome = {
  patch: Partial<SupplyRequestEntity>;
  step: Omit<SupplyStep, 'from' | 'event'>;
  timers?: { name: SupplyTimerJob; runAt: Date }[];
  after?: (em: EntityManager, s: SupplyRequestEntity) => Promise<void>;
};

/**
 * Supply requests (基层缺药登记). Each step runs in one transaction that locks the request, checks
 * the version the caller read and the state, and writes the timeline, the audit event, the
 * domain event and its deadline jobs: of two parallel decisions one wins, the other is a CONFLICT.
 */
@Injectable()
export class SupplyService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly network: NetworkService,
    private readonly referrals: ReferralQueries,
    private readonly queries: SupplyQueries,
    private readonly recorder: SupplyRecorder,
    private readonly continuity: ContinuityService,
    private readonly clock: Clock,
  ) {}

  async create(user: AuthUser, input: CreateSupplyRequestInput): Promise<SupplyRequestEntity> {
    const requestingId = input.institutionId ?? user.institutionId;
    const content = {
      requestingInstitutionId: requestingId,
      formularyItemId: input.formularyItemId,
      quantity: input.quantity,
      referralId: input.referralId ?? null,
      reason: input.reason,
      urgency: input.urgency,
      neededBy: input.neededBy?.toISOString() ?? null,
    };
    const contentHash = createHash('sha256').update(canonicalJson(content)).digest('hex');
    const earlier = await this.byIdempotencyKey(user, requestingId, input.idempotencyKey, contentHash);
    if (earlier) return earlier;

    // Read before the transaction: referrals read on their own connection.
    const referral = input.referralId ? await this.referrals.get(user, input.referralId) : null;
    const created = await this.dataSource.transaction(async (em) => {
      const now = this.clock.now();
      const requesting = await this.network.institution(user.tenantId, requestingId, em);
      this.assertMayRequest(user, requesting.id, referral);
      if (!requesting.active) {
        throw new BadInputError(`「${requesting.name}」已停用 (the institution is inactive)`, {
          field: 'institutionId',
        });
      }
      const item = await em
        .getRepository(FormularyItemEntity)
        .findOneBy({ id: input.formularyItemId, tenantId: user.tenantId });
      if (!item) throw new NotFoundError('FormularyItem', '统一目录条目', input.formularyItemId);
      if (item.status !== FormularyStatus.ACTIVE) {
        throw new BadInputError('该药品已从统一目录停用 (the item was retired from the unified list)', {
          field: 'formularyItemId',
        });
      }
      if (input.neededBy && input.neededBy.getTime() < now.getTime() - NEEDED_BY_PAST_TOLERANCE_MS) {
        throw new BadInputError('需要到货时间不能早于现在 (neededBy cannot be in the past)', {
          field: 'neededBy',
        });
      }
      const supplying = await this.centralPharmacy(em, user.tenantId);
      if (supplying === requesting.id) {
        throw new BadInputError(
          '中心药房所在机构不向自己登记缺药 (the central pharmacy does not request from itself)',
          {
            field: 'institutionId',
          },
        );
      }
      let planItemId: string | null = null;
      if (referral) {
        if (referral.direction !== ReferralDirection.DOWN || referral.toInstitutionId !== requesting.id) {
          throw new BadInputError(
            '只能关联下转至该机构的转诊 (link a down-referral to this institution only)',
            { field: 'referralId' },
          );
        }
        planItemId = await this.planItemFor(em, user.tenantId, referral.id, item);
      }
      const local = await this.localItem(em, user.tenantId, requesting.id, item.id);
      const consortium = await this.network.consortium(user.tenantId, em);
      const settings = supplySettings(consortium.settings);
      const year = yearIn(consortium.timeZone, now);
      const [{ n }] = await em.query(`SELECT next_document_number('supplyno', $1, $2) AS n`, [
        user.tenantId,
        year,
      ]);
      const decideDueAt = new Date(now.getTime() + settings.decideSeconds[input.urgency] * 1000);
      const s = em.create(SupplyRequestEntity, {
        tenantId: user.tenantId,
        number: `QY-${year}-${String(n).padStart(6, '0')}`,
        requestingInstitutionId: requesting.id,
        supplyingInstitutionId: supplying,
        formularyItemId: item.id,
        catalogueItemId: local?.id ?? null,
        quantity: String(input.quantity),
        unit: local?.unit ?? null,
        referralId: referral?.id ?? null,
        planItemId,
        state: SupplyRequestState.REQUESTED,
        urgency: input.urgency,
        reason: input.reason,
        rejectReason: null,
        neededBy: input.neededBy ?? null,
        decideDueAt,
        deliverDueAt: null,
        idempotencyKey: input.idempotencyKey,
        contentHash,
        version: 1,
        requestedBy: user.id,
      });
      // Parallel retries of one key: one insert wins, the others find it afterwards.
      const inserted = await em
        .createQueryBuilder()
        .insert()
        .into(SupplyRequestEntity)
        .values(s as QueryDeepPartialEntity<SupplyRequestEntity>)
        .orIgnore()
        .returning('id')
        .execute();
      if (!inserted.raw.length) return null;
      const saved = await em.getRepository(SupplyRequestEntity).findOneByOrFail({ id: inserted.raw[0].id });
      const remindAt = new Date(decideDueAt.getTime() - settings.reminderBeforeSeconds * 1000);
      await this.recorder.record(
        em,
        saved,
        user,
        now,
        {
          action: 'request',
          from: null,
          event: 'supply.requested',
          details: {
            quantity: input.quantity,
            urgency: input.urgency,
            referralId: saved.referralId,
            planItemId,
            catalogueItemId: saved.catalogueItemId,
          },
        },
        [
          ...(remindAt > now ? [{ name: JOBS.SUPPLY_REMINDER, runAt: remindAt } as const] : []),
          { name: JOBS.SUPPLY_DECISION_DUE, runAt: decideDueAt },
        ],
      );
      return saved;
    });
    if (created) return created;
    const winner = await this.byIdempotencyKey(user, requestingId, input.idempotencyKey, contentHash);
    if (!winner) throw new Error('idempotent supply request vanished after a conflicting insert');
    return winner;
  }

  approve(user: AuthUser, input: ApproveSupplyRequestInput): Promise<SupplyRequestEntity> {
    return this.step(
      user,
      input.id,
      'approve',
      input.expectedVersion,
      'supply.approved',
      async (em, s, now) => {
        const consortium = await this.network.consortium(s.tenantId, em);
        const deliverDueAt =
          s.neededBy ??
          new Date(now.getTime() + supplySettings(consortium.settings).deliverSeconds[s.urgency] * 1000);
        return {
          patch: { decidedBy: user.id, decidedAt: now, deliverDueAt },
          step: { action: 'approve', note: input.note?.trim() || null, details: { deliverDueAt } },
          timers: [{ name: JOBS.SUPPLY_DELIVERY_DUE, runAt: deliverDueAt }],
        };
      },
    );
  }

  reject(user: AuthUser, input: RejectSupplyRequestInput): Promise<SupplyRequestEntity> {
    return this.step(
      user,
      input.id,
      'reject',
      input.expectedVersion,
      'supply.rejected',
      async (_em, _s, now) => ({
        patch: { decidedBy: user.id, decidedAt: now, rejectReason: input.reason },
        step: { action: 'reject', note: input.reason },
      }),
    );
  }

  dispatch(user: AuthUser, input: DispatchSupplyRequestInput): Promise<SupplyRequestEntity> {
    return this.step(
      user,
      input.id,
      'dispatch',
      input.expectedVersion,
      'supply.dispatched',
      async (_em, s, now) => {
        const quantity = input.quantity ?? Number(s.quantity);
        return {
          patch: { dispatchedAt: now, quantityDispatched: String(quantity) },
          step: { action: 'dispatch', note: input.note?.trim() || null, details: { quantity } },
        };
      },
    );
  }

  /** Puts the quantity on the requesting institution's stock and has its open down-referrals re-checked. */
  receive(user: AuthUser, input: ReceiveSupplyRequestInput): Promise<SupplyRequestEntity> {
    return this.step(
      user,
      input.id,
      'receive',
      input.expectedVersion,
      'supply.received',
      async (em, s, now) => {
        if (input.receivedQuantity > Number(s.quantityDispatched)) {
          throw new BadInputError(
            `实收数量不能多于配送数量 ${Number(s.quantityDispatched)} (received more than was dispatched)`,
            { field: 'receivedQuantity' },
          );
        }
        const local = s.catalogueItemId
          ? { id: s.catalogueItemId }
          : await this.localItem(em, s.tenantId, s.requestingInstitutionId, s.formularyItemId);
        let details: Record<string, unknown>;
        let note = input.note?.trim() || null;
        if (local) {
          const [stock]: { on_hand: string; version: number }[] = await em.query(
            `INSERT INTO drug_stock (catalogue_item_id, tenant_id, institution_id, on_hand, source, updated_by, version, updated_at)
           VALUES ($1, $2, $3, $4, 'SUPPLY', $5, 1, $6)
           ON CONFLICT (catalogue_item_id) DO UPDATE
             SET on_hand = drug_stock.on_hand + EXCLUDED.on_hand, source = 'SUPPLY',
                 updated_by = EXCLUDED.updated_by, version = drug_stock.version + 1, updated_at = EXCLUDED.updated_at
           RETURNING on_hand, version`,
            [local.id, s.tenantId, s.requestingInstitutionId, input.receivedQuantity, user.id, now],
          );
          details = {
            quantity: input.receivedQuantity,
            stockUpdated: true,
            catalogueItemId: local.id,
            onHand: Number(stock.on_hand),
            stockVersion: stock.version,
          };
        } else {
          details = {
            quantity: input.receivedQuantity,
            stockUpdated: false,
            reason: 'NO_MAPPED_CATALOGUE_ITEM',
          };
          note = [
            note,
            '本机构目录中没有对照到此药品的条目,库存未更新 (no item of this institution’s catalogue maps to it: stock not updated)',
          ]
            .filter(Boolean)
            .join(';');
        }
        return {
          patch: {
            receivedAt: now,
            quantityReceived: String(input.receivedQuantity),
            catalogueItemId: local?.id ?? null,
          },
          step: { action: 'receive', note, details },
          after: (tx) =>
            this.continuity.requestRecheck(
              tx,
              s.tenantId,
              s.requestingInstitutionId,
              ContinuityTrigger.SUPPLY,
            ),
        };
      },
    );
  }

  private step(
    user: AuthUser,
    id: string,
    action: SupplyAction,
    expectedVersion: number | undefined,
    event: SupplyEventType,
    apply: (em: EntityManager, s: SupplyRequestEntity, now: Date) => Promise<StepOutcome>,
  ): Promise<SupplyRequestEntity> {
    return this.dataSource.transaction(async (em) => {
      const now = this.clock.now();
      // Locked: a parallel step waits here, then sees the new version.
      const s = await this.queries.get(user, id, em, true);
      this.assertMayAct(user, s, action);
      if (expectedVersion !== undefined && s.version !== expectedVersion) {
        throw new ConflictError(
          `缺药登记已被他人处理(当前状态 ${s.state},版本 ${s.version}),请刷新后重试 ` +
            `(the request changed since you read it: ${s.state}, version ${s.version}; reload and retry)`,
          { supplyRequestId: s.id, currentState: s.state, currentVersion: s.version },
        );
      }
      if (!canSupplyTransition(action, s.state))
        throw new InvalidTransitionError('SupplyRequest', s.state, action);
      const outcome = await apply(em, s, now);
      const from = s.state;
      const to = SUPPLY_TRANSITIONS[action].to;
      const result = await em
        .createQueryBuilder()
        .update(SupplyRequestEntity)
        .set({
          ...outcome.patch,
          state: to,
          version: s.version + 1,
        } as QueryDeepPartialEntity<SupplyRequestEntity>)
        .where('id = :id AND version = :version', { id: s.id, version: s.version })
        .execute();
      if (!result.affected) throw new Error(`supply request ${s.id} changed under its row lock`);
      Object.assign(s, outcome.patch, { state: to, version: s.version + 1, updatedAt: now });
      await this.recorder.record(em, s, user, now, { ...outcome.step, from, event }, outcome.timers);
      await outcome.after?.(em, s);
      return s;
    });
  }

  /** The requesting institution's own staff; a consortium admin; or the sender of the down-referral it is for. */
  private assertMayRequest(
    user: AuthUser,
    requestingId: string,
    referral: { fromInstitutionId: string } | null,
  ): void {
    if (hasRole(user, Role.CONSORTIUM_ADMIN)) return;
    if (requestingId === user.institutionId && hasRole(user, ...CLINIC_STAFF)) return;
    if (
      referral?.fromInstitutionId === user.institutionId &&
      hasRole(user, Role.CLINICIAN, Role.REFERRAL_COORDINATOR)
    )
      return;
    throw new ForbiddenError(
      '只能为本机构登记缺药,或为本机构下转的接收机构登记 (request for your own institution, or for the receiver of your down-referral)',
    );
  }

  /** The central pharmacy decides and sends; the requesting institution receives. */
  private assertMayAct(user: AuthUser, s: SupplyRequestEntity, action: SupplyAction): void {
    if (action === 'receive') {
      if (
        s.requestingInstitutionId === user.institutionId &&
        hasRole(user, ...CLINIC_STAFF, Role.INSTITUTION_ADMIN)
      )
        return;
      throw new ForbiddenError('只有缺药机构可以确认收货 (only the requesting institution receives)');
    }
    if (hasRole(user, Role.CONSORTIUM_ADMIN)) return;
    if (hasRole(user, Role.PHARMACIST) && s.supplyingInstitutionId === user.institutionId) return;
    throw new ForbiddenError(
      '缺药登记由中心药房药师或医共体管理员处理 (the central pharmacy’s pharmacists or consortium admins decide)',
    );
  }

  /** 中心药房: at the lead hospital (总医院). */
  private async centralPharmacy(em: EntityManager, tenantId: string): Promise<string> {
    const [lead]: { id: string }[] = await em.query(
      `SELECT id FROM network_institution WHERE tenant_id = $1 AND kind = $2 AND active
        ORDER BY (parent_id IS NULL) DESC, created_at, id LIMIT 1`,
      [tenantId, InstitutionKind.GENERAL_HOSPITAL],
    );
    if (!lead) {
      throw new BadInputError(
        '医共体尚无牵头医院(中心药房) (the consortium has no lead hospital with a central pharmacy)',
      );
    }
    return lead.id;
  }

  /** The plan item of the referral the request supplies: the same list item, else one of its substitution group. */
  private async planItemFor(
    em: EntityManager,
    tenantId: string,
    referralId: string,
    item: FormularyItemEntity,
  ): Promise<string> {
    const [row]: { id: string }[] = await em.query(
      `SELECT p.id FROM medication_plan_item p
         LEFT JOIN formulary_item f ON f.id = p.formulary_item_id
        WHERE p.tenant_id = $1 AND p.referral_id = $2
          AND (p.formulary_item_id = $3 OR f.substitution_key = $4)
        ORDER BY (p.formulary_item_id = $3) DESC, p.position LIMIT 1`,
      [tenantId, referralId, item.id, item.substitutionKey],
    );
    if (!row) {
      throw new BadInputError(
        '该转诊的用药计划中没有此药品或其替代品 (the referral’s medication plan has no such item or substitute)',
        { field: 'formularyItemId' },
      );
    }
    return row.id;
  }

  /** The institution's active catalogue item confirmed onto the list item (one with stock first). */
  private async localItem(
    em: EntityManager,
    tenantId: string,
    institutionId: string,
    formularyItemId: string,
  ): Promise<{ id: string; unit: string | null } | null> {
    const [row]: { id: string; unit: string | null }[] = await em.query(
      `SELECT ci.id, ci.unit FROM drug_mapping m
         JOIN drug_catalogue_item ci ON ci.id = m.catalogue_item_id AND ci.active
         LEFT JOIN drug_stock s ON s.catalogue_item_id = ci.id
        WHERE m.tenant_id = $1 AND m.institution_id = $2 AND m.formulary_item_id = $3
          AND m.status IN ('AUTO_CONFIRMED', 'CONFIRMED')
        ORDER BY (s.catalogue_item_id IS NOT NULL) DESC, ci.local_code LIMIT 1`,
      [tenantId, institutionId, formularyItemId],
    );
    return row ?? null;
  }

  /** The request an earlier call with this key made; CONFLICT when the content differs. */
  private async byIdempotencyKey(
    user: AuthUser,
    requestingId: string,
    key: string,
    hash: string,
  ): Promise<SupplyRequestEntity | null> {
    const s = await this.dataSource.getRepository(SupplyRequestEntity).findOneBy({
      tenantId: user.tenantId,
      requestingInstitutionId: requestingId,
      idempotencyKey: key,
    });
    if (!s) return null;
    // Only someone who may see it learns of it.
    const visible = await this.queries.get(user, s.id);
    if (s.contentHash !== hash) {
      throw new ConflictError(
        '该幂等键已用于内容不同的缺药登记 (this idempotency key was used for a different request)',
        {
          existingSupplyRequestId: s.id,
        },
      );
    }
    return visible;
  }
}
