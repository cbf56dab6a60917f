import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthUser, BadInputError, DomainError, maskPhone, paginate, readSnapshot } from '@yg/core';
import { AuditService } from '@yg/audit';
import { NotificationEntity } from './entities/notification.entity';
import { NotificationPreferenceEntity } from './entities/notification-preference.entity';
import {
  DestinationLookupFailed,
  DestinationRefused,
  WebhookDestinations,
} from './channels/webhook-destination';
import {
  MarkReadArgs,
  NotificationConnectionModel,
  NotificationPreferencesModel,
  NotificationsArgs,
  OutsideChannelValue,
  UpdateNotificationPreferencesInput,
} from './models/notification.models';

/** The caller's inbox and channel preferences. */
@Injectable()
export class NotificationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly destinations: WebhookDestinations,
  ) {}

  async inbox(user: AuthUser, args: NotificationsArgs): Promise<NotificationConnectionModel> {
    // One snapshot for the page and the count: read apart, a notification committed between
    // them showed as unread with no row to show.
    return readSnapshot(this.dataSource, async (em) => {
      const qb = em
        .getRepository(NotificationEntity)
        .createQueryBuilder('n')
        .where('n.recipient_user_id = :me', { me: user.id });
      if (args.unreadOnly) qb.andWhere('n.read_at IS NULL');
      const page = await paginate(
        qb,
        [
          { expr: 'n.created_at', value: (r) => r.createdAt.toISOString(), kind: 'date' },
          { expr: 'n.id', value: (r) => r.id, kind: 'uuid' },
        ],
        args,
        'DESC',
      );
      const [{ n }]: { n: number }[] = await em.query(
        `SELECT count(*)::int AS n FROM notification WHERE recipient_user_id = $1 AND read_at IS NULL`,
        [user.id],
      );
      return { ...page, unreadCount: n };
    });
  }

  /** Marks the caller's own notifications read; returns how many changed. */
  async markRead(user: AuthUser, args: MarkReadArgs): Promise<number> {
    if (!args.all && !args.ids?.length) {
      throw new BadInputError('请给出通知编号或选择全部 (give ids or set all: true)', { field: 'ids' });
    }
    return this.dataSource.transaction(async (em) => {
      // Counted through a CTE: for a bare UPDATE, TypeORM's em.query returns [rows, rowCount],
      // whose length is always 2, whatever changed.
      const [{ n }]: { n: number }[] = await em.query(
        `WITH marked AS (
           UPDATE notification SET read_at = now()
            WHERE recipient_user_id = $1 AND read_at IS NULL ${args.all ? '' : 'AND id = ANY($2::uuid[])'}
            RETURNING id)
         SELECT count(*)::int AS n FROM marked`,
        args.all ? [user.id] : [user.id, args.ids],
      );
      await this.audit.record(em, {
        action: 'notification.mark-read',
        entityType: 'User',
        entityId: user.id,
        details: { count: n, all: args.all },
      });
      return n;
    });
  }

  async preferences(user: AuthUser): Promise<NotificationPreferencesModel> {
    const [p, phone] = await Promise.all([
      this.dataSource.getRepository(NotificationPreferenceEntity).findOneBy({ userId: user.id }),
      this.phoneOf(user),
    ]);
    return {
      channels: (p?.channels ?? []) as OutsideChannelValue[],
      webhookUrl: p?.webhookUrl ?? null,
      smsTo: phone ? maskPhone(phone) : null,
    };
  }

  /** The number SMS notices go to (the user's row, kept up by their admins). */
  private async phoneOf(user: AuthUser): Promise<string | null> {
    const [row]: { phone: string | null }[] = await this.dataSource.query(
      `SELECT phone FROM user_contact WHERE id = $1 AND tenant_id = $2`,
      [user.id, user.tenantId],
    );
    return row?.phone ?? null;
  }

  async updatePreferences(
    user: AuthUser,
    input: UpdateNotificationPreferencesInput,
  ): Promise<NotificationPreferencesModel> {
    const channels = [...new Set(input.channels)];
    const webhook = channels.includes(OutsideChannelValue.WEBHOOK);
    if (webhook && !input.webhookUrl) {
      throw new BadInputError('选择 Webhook 时须提供地址 (webhookUrl is required for the WEBHOOK channel)', {
        field: 'webhookUrl',
      });
    }
    // SMS with no number on record would fail every notice, silently for the user.
    const phone = await this.phoneOf(user);
    if (channels.includes(OutsideChannelValue.SMS) && !phone) {
      throw new BadInputError(
        '未登记手机号,无法短信通知;请机构管理员在用户管理中登记 (no mobile number on record for SMS; ask your administrator to add one)',
        { field: 'channels' },
      );
    }
    // Checked before anything is written; stored in the parsed form the check looked at. Without
    // the channel no address is kept, nor its signing secret: a secret kept for nothing is one
    // more to leak, and choosing WEBHOOK again issues a new one.
    const url = webhook ? await this.checkedWebhookUrl(input.webhookUrl!) : null;
    return this.dataSource.transaction(async (em) => {
      const repo = em.getRepository(NotificationPreferenceEntity);
      const current = await repo
        .createQueryBuilder('p')
        .addSelect('p.webhookSecret')
        .where('p.user_id = :id', { id: user.id })
        .setLock('pessimistic_write')
        .getOne();
      // A new address gets a new secret, shown once; the same address keeps its secret.
      const freshSecret = url && url !== current?.webhookUrl ? randomBytes(24).toString('base64url') : null;
      await repo.save({
        userId: user.id,
        tenantId: user.tenantId,
        channels,
        webhookUrl: url,
        webhookSecret: url ? (freshSecret ?? current?.webhookSecret ?? null) : null,
      });
      await this.audit.record(em, {
        action: 'notification.preferences.update',
        entityType: 'User',
        entityId: user.id,
        details: { channels, webhook: !!url },
      });
      return {
        channels: channels as OutsideChannelValue[],
        webhookUrl: url,
        webhookSecret: freshSecret,
        smsTo: phone ? maskPhone(phone) : null,
      };
    });
  }

  private async checkedWebhookUrl(raw: string): Promise<string> {
    try {
      return (await this.destinations.check(raw)).url.href;
    } catch (err) {
      if (err instanceof DestinationRefused) {
        throw new BadInputError(err.message, { field: 'webhookUrl', reason: err.reason });
      }
      if (err instanceof DestinationLookupFailed) {
        // Not the user's fault and may pass: a retryable answer, not a refusal of the input.
        throw new DomainError(
          'SERVICE_UNAVAILABLE',
          '暂时无法解析该主机名,请稍后重试 (the host name cannot be resolved right now; retry later)',
          { field: 'webhookUrl' },
        );
      }
      throw err;
    }
  }
}
