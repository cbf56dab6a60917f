import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { NotFoundError } from '@yg/core';

/** One settings section as stored, and its version (1 until first saved with versions). */
export interface SettingsSection {
  value: Record<string, unknown> | undefined;
  version: number;
}

/**
 * Per-consortium settings, one section per capability (`referrals`, …). The network owns the
 * consortium row; capabilities read and replace only their own section. Each section has its own
 * version (`consortium.settings_versions`), bumped by each replace, so a capability can refuse a
 * save made on a version that is gone.
 */
@Injectable()
export class ConsortiumSettingsService {
  /**
   * `forUpdate` (inside the caller's transaction) holds the consortium row until it ends, so a
   * version checked stays current until the section is replaced. NO KEY: rows that reference the
   * consortium can still be written meanwhile.
   */
  async section(
    em: EntityManager,
    tenantId: string,
    name: string,
    { forUpdate = false }: { forUpdate?: boolean } = {},
  ): Promise<SettingsSection> {
    const [row] = await em.query(
      `SELECT settings -> $2 AS s, coalesce((settings_versions ->> $2)::int, 1) AS v
         FROM consortium WHERE id = $1${forUpdate ? ' FOR NO KEY UPDATE' : ''}`,
      [tenantId, name],
    );
    if (!row) throw new NotFoundError('Consortium', '医共体', tenantId);
    return { value: row.s ?? undefined, version: row.v };
  }

  /** Replaces the section and answers its new version. */
  async replaceSection(
    em: EntityManager,
    tenantId: string,
    name: string,
    value: Record<string, unknown>,
  ): Promise<number> {
    // A CTE, because TypeORM hands back [rows, count] for a bare UPDATE … RETURNING.
    const [row] = await em.query(
      `WITH u AS (
         UPDATE consortium
            SET settings = jsonb_set(settings, ARRAY[$2::text], $3::jsonb, true),
                settings_versions = jsonb_set(settings_versions, ARRAY[$2::text],
                  to_jsonb(coalesce((settings_versions ->> $2)::int, 1) + 1), true)
          WHERE id = $1
          RETURNING (settings_versions ->> $2)::int AS version
       ) SELECT version FROM u`,
      [tenantId, name, JSON.stringify(value)],
    );
    if (!row) throw new NotFoundError('Consortium', '医共体', tenantId);
    return row.version;
  }
}
