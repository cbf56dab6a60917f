import { Injectable, OnModuleInit } from '@nestjs/common';
import { DomainEvent, EventBus } from '@yg/outbox';
import { ContinuityTrigger } from '../domain/drug.enums';
import { CATALOGUE_EVENTS } from '../catalogue/catalogue-events';
import { ContinuityService } from './continuity.service';

const TRIGGERS: Record<string, ContinuityTrigger> = {
  [CATALOGUE_EVENTS.MAPPING_CHANGED]: ContinuityTrigger.MAPPING_CHANGE,
  [CATALOGUE_EVENTS.STOCK_CHANGED]: ContinuityTrigger.STOCK_CHANGE,
};

/**
 * What an institution can dispense changed (an import, a mapping decision, a re-match, a stock
 * update): its open down-referrals are checked again. The catalogue events commit with the
 * change, so reacting to them misses none; the re-check is once per event (keyed in Postgres).
 */
@Injectable()
export class CatalogueChangeHandler implements OnModuleInit {
  constructor(
    private readonly bus: EventBus,
    private readonly continuity: ContinuityService,
  ) {}

  onModuleInit() {
    this.bus.register('continuity.catalogue-change', Object.keys(TRIGGERS), (event, messageId) =>
      this.handle(event, messageId),
    );
  }

  async handle(event: DomainEvent, messageId: string): Promise<void> {
    const institutionId = (event.data as { institutionId?: unknown } | undefined)?.institutionId;
    const trigger = TRIGGERS[event.type];
    if (!event.tenantId || typeof institutionId !== 'string' || !trigger) return;
    await this.continuity.recheck(messageId, { tenantId: event.tenantId, institutionId, trigger });
  }
}
