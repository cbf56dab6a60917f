import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthUser, Connection, paginate } from '@yg/core';
import { AuditEventEntity } from './entities/audit-event.entity';
import { AuditEventModel, AuditEventsArgs } from './models/audit.models';

@Injectable()
export class AuditQueryService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Newest first, always inside the caller's tenant. */
  async list(user: AuthUser, args: AuditEventsArgs): Promise<Connection<AuditEventModel>> {
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
    const page = await paginate(
      qb,
      [
        { expr: 'e.occurred_at', value: (r) => r.occurredAt.toISOString(), kind: 'date' },
        { expr: 'e.id', value: (r) => r.id, kind: 'bigint' },
      ],
      args,
      'DESC',
    );
    const names = await this.names(user.tenantId, page.nodes);
    return {
      ...page,
      nodes: page.nodes.map((e) => ({
        ...e,
        actorName: (e.actorUserId && names.get(`u:${e.actorUserId}`)) ?? null,
        actorInstitutionName: (e.actorInstitutionId && names.get(`i:${e.actorInstitutionId}`)) ?? null,
      })),
    };
  }

  /**
   * The names of a page's actors and their institutions, in one statement: an auditor reads who
   * acted, not ids. Read at query time from the published directories, so a renamed user shows
   * the current name; the event itself keeps only ids.
   */
  private async names(tenantId: string, events: AuditEventEntity[]): Promise<Map<string, string>> {
    const users = [...new Set(events.flatMap((e) => (e.actorUserId ? [e.actorUserId] : [])))];
    const insts = [...new Set(events.flatMap((e) => (e.actorInstitutionId ? [e.actorInstitutionId] : [])))];
    if (!users.length && !insts.length) return new Map();
    const rows: { key: string; name: string }[] = await this.dataSource.query(
      `SELECT 'u:' || id AS key, display_name AS name FROM user_directory
        WHERE tenant_id = $1 AND id = ANY($2::uuid[])
       UNION ALL
       SELECT 'i:' || id, name FROM network_institution WHERE tenant_id = $1 AND id = ANY($3::uuid[])`,
      [tenantId, users, insts],
    );
    return new Map(rows.map((r) => [r.key, r.name]));
  }
}
