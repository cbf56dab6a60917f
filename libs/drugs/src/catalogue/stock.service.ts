import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { AuthUser, BadInputError, Clock, NotFoundError } from '@yg/core';
import { AuditService } from '@yg/audit';
import { OutboxService } from '@yg/outbox';
import { DrugStockEntity } from '../entities/catalogue.entities';
import { UpdateStockInput } from '../dto/catalogue.inputs';
import { CatalogueAccess } from './catalogue-access.service';
import { stockChangedEvent } from './catalogue-events';

export interface StockUpdate {
  updated: number;
  unchanged: number;
  items: DrugStockEntity[];
}

/**
 * On-hand quantities per catalogue item. `update` sets absolute quantities (so a retried request
 * changes nothing), in one transaction with one audit event naming what changed and a
 * `drugs.stock.changed` event; a quantity already held is not a change.
 */
@Injectable()
export class StockService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: CatalogueAccess,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  update(user: AuthUser, input: UpdateStockInput): Promise<StockUpdate> {
    const ids = input.items.map((i) => i.catalogueItemId);
    if (new Set(ids).size !== ids.length) {
      throw new BadInputError('同一药品出现了两次 (an item is listed twice)', { field: 'items' });
    }
    return this.dataSource.transaction(async (em) => {
      const inst = await this.access.assertKeep(user, input.institutionId, em);
      const known: { id: string }[] = await em.query(
        `SELECT id FROM drug_catalogue_item WHERE id = ANY($1::uuid[]) AND institution_id = $2 AND tenant_id = $3
          ORDER BY id FOR SHARE`,
        [ids, inst.id, user.tenantId],
      );
      if (known.length !== ids.length) {
        const have = new Set(known.map((k) => k.id));
        const missing = ids.find((id) => !have.has(id))!;
        throw new NotFoundError('DrugCatalogueItem', '机构目录条目', missing);
      }
      const before: { catalogue_item_id: string; on_hand: string }[] = await em.query(
        `SELECT catalogue_item_id, on_hand::text FROM drug_stock WHERE catalogue_item_id = ANY($1::uuid[])
          ORDER BY catalogue_item_id FOR UPDATE`,
        [ids],
      );
      const was = new Map(before.map((b) => [b.catalogue_item_id, b.on_hand]));
      const now = this.clock.now();
      const changed: { catalogue_item_id: string; on_hand: string }[] = await em.query(
        `INSERT INTO drug_stock (catalogue_item_id, tenant_id, institution_id, on_hand, source, updated_by, version, updated_at)
         SELECT x.id, $2, $3, x.on_hand, 'MANUAL', $4, 1, $5
           FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, on_hand numeric)
         ON CONFLICT (catalogue_item_id) DO UPDATE SET on_hand = EXCLUDED.on_hand, source = 'MANUAL',
           updated_by = EXCLUDED.updated_by, version = drug_stock.version + 1, updated_at = EXCLUDED.updated_at
          WHERE drug_stock.on_hand IS DISTINCT FROM EXCLUDED.on_hand
         RETURNING catalogue_item_id, on_hand::text`,
        [
          JSON.stringify(input.items.map((i) => ({ id: i.catalogueItemId, on_hand: i.onHand }))),
          user.tenantId,
          inst.id,
          user.id,
          now,
        ],
      );
      if (changed.length) {
        await this.audit.record(em, {
          action: 'drug.stock.update',
          entityType: 'DrugCatalogue',
          entityId: inst.id,
          actor: user,
          tenantId: user.tenantId,
          details: {
            institutionId: inst.id,
            changed: changed.map((c) => ({
              catalogueItemId: c.catalogue_item_id,
              from: was.get(c.catalogue_item_id) ?? null,
              to: c.on_hand,
            })),
            unchanged: ids.length - changed.length,
          },
        });
        await this.outbox.publish(
          em,
          stockChangedEvent(
            user.tenantId,
            inst.id,
            changed.map((c) => c.catalogue_item_id),
            'MANUAL',
            user.id,
            now,
          ),
        );
      }
      const items = await em.getRepository(DrugStockEntity).find({
        where: { catalogueItemId: In(ids) },
        order: { catalogueItemId: 'ASC' },
      });
      return { updated: changed.length, unchanged: ids.length - changed.length, items };
    });
  }
}
