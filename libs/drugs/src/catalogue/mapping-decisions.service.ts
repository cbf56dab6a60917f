import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { isUUID } from 'class-validator';
import {
  AuthUser,
  BadInputError,
  Clock,
  ConflictError,
  InvalidTransitionError,
  NotFoundError,
  pgCode,
} from '@yg/core';
import { AuditService } from '@yg/audit';
import { OutboxService } from '@yg/outbox';
import { DrugMappingEntity, MappingReason } from '../entities/catalogue.entities';
import { FormularyItemEntity } from '../entities/formulary.entities';
import { FormularyStatus, MappingStatus } from '../domain/drug.enums';
import { CatalogueAccess } from './catalogue-access.service';
import { StoredCandidate } from './catalogue-matching.service';
import { mappingChangedEvent } from './catalogue-events';

type Action = 'CONFIRM' | 'REJECT' | 'REMAP';

const LOCK_NOT_AVAILABLE = '55P03';

interface Locked {
  mapping: DrugMappingEntity;
  active: boolean;
}

interface Next {
  status: MappingStatus;
  formularyItemId: string | null;
  tier: string | null;
  score: number | null;
  reasons: MappingReason[];
  note: string | null;
}

/**
 * A pharmacist's decisions on mappings: confirm the proposal (or another unified-list item),
 * reject it with a reason, or re-map an item. Each is one transaction: the mapping row locked,
 * its version checked (two pharmacists deciding at once: one wins, the other gets CONFLICT),
 * the new version written with its history row, an audit event and a `drugs.mapping.changed`
 * event. An import holding the row answers CONFLICT at once rather than making the caller wait.
 */
@Injectable()
export class MappingDecisions {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: CatalogueAccess,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  confirm(
    user: AuthUser,
    id: string,
    formularyItemId: string | undefined,
    expectedVersion: number,
  ): Promise<DrugMappingEntity> {
    return this.decide(user, id, expectedVersion, 'CONFIRM', async (em, m) => {
      const target = formularyItemId ?? m.formularyItemId;
      if (!target) {
        throw new BadInputError(
          '没有可确认的建议,请选择统一目录条目 (nothing proposed: choose a unified-list item)',
          {
            field: 'formularyItemId',
          },
        );
      }
      await this.activeItem(em, user.tenantId, target);
      if (m.status === MappingStatus.CONFIRMED && m.formularyItemId === target) return null;
      const candidate = (m.candidates as unknown as StoredCandidate[]).find(
        (c) => c.formularyItemId === target,
      );
      return {
        status: MappingStatus.CONFIRMED,
        formularyItemId: target,
        tier: candidate?.tier ?? 'MANUAL',
        score: candidate?.score ?? null,
        reasons: candidate
          ? [
              ...candidate.reasons.map((detail) => ({ code: 'MATCH', detail })),
              ...candidate.warnings.map((detail) => ({ code: 'WARNING', detail })),
            ]
          : [{ code: 'DECISION', detail: '药师指定 (chosen by a pharmacist)' }],
        note: null,
      };
    });
  }

  reject(user: AuthUser, id: string, reason: string, expectedVersion: number): Promise<DrugMappingEntity> {
    const why = cleanReason(reason);
    return this.decide(user, id, expectedVersion, 'REJECT', async (_em, m) => {
      if (m.status === MappingStatus.UNMAPPED || m.status === MappingStatus.REJECTED) {
        throw new InvalidTransitionError('CatalogueMapping', m.status, 'reject');
      }
      return {
        status: MappingStatus.REJECTED,
        formularyItemId: null,
        tier: null,
        score: null,
        reasons: [
          { code: 'DECISION', detail: why },
          ...(m.formularyItemId ? [{ code: 'REJECTED_TARGET', detail: m.formularyItemId }] : []),
        ],
        note: why,
      };
    });
  }

  remap(
    user: AuthUser,
    itemId: string,
    formularyItemId: string,
    reason: string,
    expectedVersion: number | undefined,
  ): Promise<DrugMappingEntity> {
    const why = cleanReason(reason);
    return this.decide(user, itemId, expectedVersion, 'REMAP', async (em, m) => {
      await this.activeItem(em, user.tenantId, formularyItemId);
      if (m.status === MappingStatus.CONFIRMED && m.formularyItemId === formularyItemId) return null;
      return {
        status: MappingStatus.CONFIRMED,
        formularyItemId,
        tier: 'MANUAL',
        score: null,
        reasons: [{ code: 'DECISION', detail: why }],
        note: why,
      };
    });
  }

  private decide(
    user: AuthUser,
    id: string,
    expectedVersion: number | undefined,
    action: Action,
    next: (em: EntityManager, m: DrugMappingEntity) => Promise<Next | null>,
  ): Promise<DrugMappingEntity> {
    return this.dataSource.transaction(async (em) => {
      const { mapping: m, active } = await this.lock(em, user, id);
      if (expectedVersion !== undefined && expectedVersion !== m.version) {
        throw new ConflictError(
          `对照已被他人处理(当前版本 ${m.version}),请刷新后再决定 (the mapping changed since you read it; reload and decide again)`,
          { currentVersion: m.version, currentStatus: m.status },
        );
      }
      if (!active) throw new InvalidTransitionError('CatalogueItem', 'INACTIVE', action.toLowerCase());
      const n = await next(em, m);
      // The same decision again: nothing to write (a retried request stays one decision).
      if (!n) return m;
      const now = this.clock.now();
      const version = m.version + 1;
      await em.query(
        `UPDATE drug_mapping SET status = $2, formulary_item_id = $3, tier = $4, score = $5, reasons = $6,
                decided_by = $7, decided_at = $8, version = $9, updated_at = $8
          WHERE catalogue_item_id = $1`,
        [
          m.catalogueItemId,
          n.status,
          n.formularyItemId,
          n.tier,
          n.score,
          JSON.stringify(n.reasons),
          user.id,
          now,
          version,
        ],
      );
      await em.query(
        `INSERT INTO drug_mapping_history (tenant_id, catalogue_item_id, version, action, formulary_item_id, status,
            tier, score, reasons, decided_by, note, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          m.tenantId,
          m.catalogueItemId,
          version,
          action,
          n.formularyItemId,
          n.status,
          n.tier,
          n.score,
          JSON.stringify(n.reasons),
          user.id,
          n.note,
          now,
        ],
      );
      await this.audit.record(em, {
        action: `drug.mapping.${action.toLowerCase()}`,
        entityType: 'DrugMapping',
        entityId: m.catalogueItemId,
        actor: user,
        tenantId: user.tenantId,
        details: {
          institutionId: m.institutionId,
          from: { status: m.status, formularyItemId: m.formularyItemId, version: m.version },
          to: { status: n.status, formularyItemId: n.formularyItemId, version },
          ...(n.note ? { reason: n.note } : {}),
        },
      });
      await this.outbox.publish(
        em,
        mappingChangedEvent(user.tenantId, m.institutionId, [m.catalogueItemId], 'DECISION', user.id, now),
      );
      return em.getRepository(DrugMappingEntity).findOneByOrFail({ catalogueItemId: m.catalogueItemId });
    });
  }

  /** Who may decide is checked before the row is locked, so a busy row tells an outsider nothing. */
  private async lock(em: EntityManager, user: AuthUser, id: string): Promise<Locked> {
    if (!isUUID(id)) throw notFound(id);
    const [seen]: { institution_id: string }[] = await em.query(
      `SELECT institution_id FROM drug_mapping WHERE catalogue_item_id = $1 AND tenant_id = $2`,
      [id, user.tenantId],
    );
    if (!seen) throw notFound(id);
    await this.access.assertDecide(user, seen.institution_id, em);
    let rows: { active: boolean }[];
    try {
      rows = await em.query(
        `SELECT i.active FROM drug_mapping m JOIN drug_catalogue_item i ON i.id = m.catalogue_item_id
          WHERE m.catalogue_item_id = $1 FOR UPDATE OF m NOWAIT`,
        [id],
      );
    } catch (err) {
      if (pgCode(err) === LOCK_NOT_AVAILABLE) {
        throw new ConflictError(
          '该对照正在被导入或他人处理,请稍后刷新 (the mapping is being changed right now; reload shortly)',
        );
      }
      throw err;
    }
    const mapping = await em.getRepository(DrugMappingEntity).findOneByOrFail({ catalogueItemId: id });
    return { mapping, active: rows[0].active };
  }

  private async activeItem(em: EntityManager, tenantId: string, id: string): Promise<FormularyItemEntity> {
    const item = isUUID(id) ? await em.getRepository(FormularyItemEntity).findOneBy({ id, tenantId }) : null;
    if (!item) throw new NotFoundError('FormularyItem', '统一目录条目', id);
    if (item.status !== FormularyStatus.ACTIVE) {
      throw new BadInputError(
        '该统一目录条目已停用,请选择在用条目 (that unified-list item is retired; choose an active one)',
        {
          field: 'formularyItemId',
        },
      );
    }
    return item;
  }
}

function notFound(id: string): NotFoundError {
  return new NotFoundError('DrugMapping', '药品对照', id);
}

function cleanReason(reason: string): string {
  const why = reason.trim();
  if (why.length < 2) {
    throw new BadInputError('请填写原因,至少 2 个字 (give a reason, at least 2 characters)', {
      field: 'reason',
    });
  }
  return why;
}
