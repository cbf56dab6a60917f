import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthUser, ConflictError } from '@yg/core';
import { AuditService } from '@yg/audit';
import { ConsortiumSettingsService } from '@yg/network';
import { referralSettings, ReferralSettings } from './domain/settings';
import { ReferralSettingsInput } from './dto/referral-settings.dto';

const SECTION = 'referrals';

/** The settings as read, with the version a change names. */
export type VersionedReferralSettings = ReferralSettings & { version: number };

@Injectable()
export class ReferralSettingsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly settings: ConsortiumSettingsService,
    private readonly audit: AuditService,
  ) {}

  async get(user: AuthUser): Promise<VersionedReferralSettings> {
    const { value, version } = await this.settings.section(this.dataSource.manager, user.tenantId, SECTION);
    return { ...referralSettings({ [SECTION]: value }), version };
  }

  update(user: AuthUser, input: ReferralSettingsInput): Promise<VersionedReferralSettings> {
    return this.dataSource.transaction(async (em) => {
      const read = await this.settings.section(em, user.tenantId, SECTION, { forUpdate: true });
      if (read.version !== input.version) {
        throw new ConflictError(
          `转诊时限已被他人修改(当前版本 ${read.version}),请刷新后再改 (changed by someone else meanwhile; reload and try again)`,
          { currentVersion: read.version },
        );
      }
      const current = referralSettings({ [SECTION]: read.value });
      const next: ReferralSettings = {
        responseSeconds: {
          EMERGENCY: input.emergencySeconds ?? current.responseSeconds.EMERGENCY,
          URGENT: input.urgentSeconds ?? current.responseSeconds.URGENT,
          ROUTINE: input.routineSeconds ?? current.responseSeconds.ROUTINE,
        },
        reminderBeforeSeconds: input.reminderBeforeSeconds ?? current.reminderBeforeSeconds,
        noShowGraceSeconds: input.noShowGraceSeconds ?? current.noShowGraceSeconds,
      };
      const version = await this.settings.replaceSection(
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
      return { ...next, version };
    });
  }
}
