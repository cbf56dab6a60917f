import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthUser } from '@yg/core';
import { AuditService } from '@yg/audit';
import { ConsortiumSettingsService } from '@yg/network';
import { referralSettings, ReferralSettings } from './domain/settings';
import { ReferralSettingsInput } from './dto/referral-settings.dto';

const SECTION = 'referrals';

@Injectable()
export class ReferralSettingsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly settings: ConsortiumSettingsService,
    private readonly audit: AuditService,
  ) {}

  async get(user: AuthUser): Promise<ReferralSettings> {
    const section = await this.settings.section(this.dataSource.manager, user.tenantId, SECTION);
    return referralSettings({ [SECTION]: section });
  }

  update(user: AuthUser, input: ReferralSettingsInput): Promise<ReferralSettings> {
    return this.dataSource.transaction(async (em) => {
      const current = referralSettings({
        [SECTION]: await this.settings.section(em, user.tenantId, SECTION),
      });
      const next: ReferralSettings = {
        responseSeconds: {
          EMERGENCY: input.emergencySeconds ?? current.responseSeconds.EMERGENCY,
          URGENT: input.urgentSeconds ?? current.responseSeconds.URGENT,
          ROUTINE: input.routineSeconds ?? current.responseSeconds.ROUTINE,
        },
        reminderBeforeSeconds: input.reminderBeforeSeconds ?? current.reminderBeforeSeconds,
        noShowGraceSeconds: input.noShowGraceSeconds ?? current.noShowGraceSeconds,
      };
      await this.settings.replaceSection(
        em,
        user.tenantId,
        SECTION,
        next as unknown as Record<string, unknown>,
      );
      await this.audit.record(em, {
        action: 'referral.settings.update',
        entityType: 'Consortium',
        entityId: user.tenantId,
        details: { before: current, after: next },
      });
      return next;
    });
  }
}
