import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthUser, ConflictError } from '@yg/core';
import { AuditService } from '@yg/audit';
import { ConsortiumSettingsService } from '@yg/network';
import { SupplySettings, supplySettings } from '../domain/supply';
import { SupplySettingsInput } from '../dto/supply.inputs';

const SECTION = 'supply';

/** The settings as read, with the version a change names. */
export type VersionedSupplySettings = SupplySettings & { version: number };

/** The consortium's supply-request timings (consortium.settings.supply). */
@Injectable()
export class SupplySettingsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly settings: ConsortiumSettingsService,
    private readonly audit: AuditService,
  ) {}

  async get(user: AuthUser): Promise<VersionedSupplySettings> {
    const { value, version } = await this.settings.section(this.dataSource.manager, user.tenantId, SECTION);
    return { ...supplySettings({ [SECTION]: value }), version };
  }

  update(user: AuthUser, input: SupplySettingsInput): Promise<VersionedSupplySettings> {
    return this.dataSource.transaction(async (em) => {
      const read = await this.settings.section(em, user.tenantId, SECTION, { forUpdate: true });
      if (read.version !== input.version) {
        throw new ConflictError(
          `缺药登记时限已被他人修改(当前版本 ${read.version}),请刷新后再改 (changed by someone else meanwhile; reload and try again)`,
          { currentVersion: read.version },
        );
      }
      const current = supplySettings({ [SECTION]: read.value });
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
      const version = await this.settings.replaceSection(
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
      return { ...next, version };
    });
  }
}
