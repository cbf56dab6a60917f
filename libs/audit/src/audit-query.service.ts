import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthUser, Connection, paginate } from '@yg/core';
import { AuditEventEntity } from './entities/audit-event.entity';
import { AuditEventsArgs } from './models/audit.models';

@Injectable()
export class AuditQueryService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Newest first, always inside the caller's tenant. */
  list(user: AuthUser, args: AuditEventsArgs): Promise<Connection<AuditEventEntity>> {
    const f = args.filter ?? {};
    const qb = this.dataSource
      .getRepository(AuditEventEntity)
      .createQueryBuilder('e')
      .where('e.tenant_id = :tenant', { tenant: user.tenantId });
    if (f.actorUserId) qb.andWhere('e.actor_user_id = :actor', { actor: f.actorUserId });
    if (f.entityType) qb.andWhere('e.entity_type = :et', { et: f.entityType });
    if (f.entityId) qb.andWhere('e.entity_id = :eid', { eid: f.entityId });
    if (f.action) {
      qb.andWhere(`e.action LIKE :action ESCAPE '\\'`, {
        action: `${f.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
      });
    }
    if (f.from) qb.andWhere('e.occurred_at >= :from', { from: f.from });
    if (f.to) qb.andWhere('e.occurred_at < :to', { to: f.to });
    return paginate(
      qb,
      [
        { expr: 'e.occurred_at', value: (r) => r.occurredAt.toISOString(), kind: 'date' },
        { expr: 'e.id', value: (r) => r.id, kind: 'bigint' },
      ],
      args,
      'DESC',
    );
  }
}
