import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthUser } from '@yg/core';
import { AuditService } from '@yg/audit';
import { ConsortiumSettingsService } from '@yg/network';
import { SupplySettings, supplySettings } from '../domain/supply';
import { SupplySettingsInput } from '../dto/supply.inputs';

const SECTION = 'supply';

/** The consortium's supply-request timings (consortium.settings.supply). */
@Injectable()
export class SupplySettingsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly settings: ConsortiumSettingsService,
    private readonly audit: AuditService,
  ) {}

  async get(user: AuthUser): Promise<SupplySettings> {
    const section = await this.settings.section(this.dataSource.manager, user.tenantId, SECTION);
    return supplySettings({ [SECTION]: section });
  }

  update(user: AuthUser, input: SupplySettingsInput): Promise<SupplySettings> {
    return this.dataSource.transaction(async (em) => {
      const current = supplySettings({ [SECTION]: await this.settings.section(em, user.tenantId, SECTION) });
      const next: SupplySettings = {
        decideSeconds: {
          URGENT: input.urgentDecideSeconds ?? current.decideSeconds.URGENT,
          ROUTINE: input.routineDecideSeconds ?? current.decideSeconds.ROUTINE,
        },
        deliverSeconds: {
          URGENT: input.urgentDeliverSeconds ?? current.deliverSeconds.URGENT,
          ROUTINE: input.routineDeliverSeconds ?? current.deliverSeconds.ROUTINE,
        },
        reminderBeforeSeconds: input.reminderBeforeSeconds ?? current.reminderBeforeSeconds,
      };
      await this.settings.replaceSection(
        em,
        user.tenantId,
        SECTION,
        next as unknown as Record<string, unknown>,
      );
      await this.audit.record(em, {
        action: 'supply.settings.update',
        entityType: 'Consortium',
        entityId: user.tenantId,
        details: { before: current, after: next },
      });
      return next;
    });
  }
}
