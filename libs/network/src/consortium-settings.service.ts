import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { NotFoundError } from '@yg/core';

/**
 * Per-consortium settings, one section per capability (`referrals`, …). The network owns the
 * consortium row; capabilities read and replace only their own section.
 */
@Injectable()
export class ConsortiumSettingsService {
  async section(
    em: EntityManager,
    tenantId: string,
    name: string,
  ): Promise<Record<string, unknown> | undefined> {
    const [row] = await em.query(`SELECT settings -> $2 AS s FROM consortium WHERE id = $1`, [
      tenantId,
      name,
    ]);
    if (!row) throw new NotFoundError('Consortium', '医共体', tenantId);
    return row.s ?? undefined;
  }

  async replaceSection(
    em: EntityManager,
    tenantId: string,
    name: string,
    value: Record<string, unknown>,
  ): Promise<void> {
    // A CTE, because TypeORM hands back [rows, count] for a bare UPDATE … RETURNING.
    const [{ n }] = await em.query(
      `WITH u AS (
         UPDATE consortium SET settings = jsonb_set(settings, ARRAY[$2::text], $3::jsonb, true) WHERE id = $1 RETURNING id
       ) SELECT count(*)::int AS n FROM u`,
      [tenantId, name, JSON.stringify(value)],
    );
    if (!n) throw new NotFoundError('Consortium', '医共体', tenantId);
  }
}
