import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import { DataSource, In } from 'typeorm';
import { isUUID } from 'class-validator';
import { AuthUser, Connection, hasRole, LoaderFactory, NotFoundError, paginate, Role } from '@yg/core';
import {
  DrugCatalogueImportEntity,
  DrugCatalogueItemEntity,
  DrugCatalogueItemVersionEntity,
  DrugMappingEntity,
  DrugMappingHistoryEntity,
  DrugStockEntity,
} from '../entities/catalogue.entities';
import { ImportStatus, MappingStatus } from '../domain/drug.enums';
import { codePrefixRange } from '../domain/search';
import {
  CatalogueCoverageArgs,
  CatalogueImportsArgs,
  CatalogueItemsArgs,
  CatalogueMappingsArgs,
} from '../dto/catalogue.inputs';
import type { CatalogueCoverageModel, CatalogueCoverageReportModel } from '../models/catalogue.models';
import { CatalogueAccess } from './catalogue-access.service';

const MAPPED = [MappingStatus.AUTO_CONFIRMED, MappingStatus.CONFIRMED];

interface CoverageRow {
  institution_id: string;
  items: number;
  auto_confirmed: number;
  confirmed: number;
  proposed: number;
  unmapped: number;
  rejected: number;
  invalid: number;
}

function coverage(institutionId: string | null, rows: CoverageRow[]): CatalogueCoverageModel {
  const sum = (k: keyof Omit<CoverageRow, 'institution_id'>) => rows.reduce((n, r) => n + r[k], 0);
  const items = sum('items');
  const mapped = sum('auto_confirmed') + sum('confirmed');
  return {
    institutionId,
    items,
    mapped,
    autoConfirmed: sum('auto_confirmed'),
    confirmed: sum('confirmed'),
    pending: sum('proposed'),
    unmapped: sum('unmapped') + sum('rejected'),
    rejected: sum('rejected'),
    invalid: sum('invalid'),
    mappedShare: items ? Math.round((mapped / items) * 10_000) / 10_000 : null,
  };
}

/** Reads of member catalogues: imports, items, the review queue, coverage; loaders for nested fields. */
@Injectable()
export class CatalogueQueries {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: CatalogueAccess,
  ) {}

  async importById(user: AuthUser, id: string): Promise<DrugCatalogueImportEntity> {
    const run = isUUID(id)
      ? await this.dataSource
          .getRepository(DrugCatalogueImportEntity)
          .findOneBy({ id, tenantId: user.tenantId })
      : null;
    if (!run || run.status === ImportStatus.UPLOADING) {
      throw new NotFoundError('DrugCatalogueImport', '药品目录导入', id);
    }
    try {
      await this.access.assertRead(user, run.institutionId);
    } catch {
      throw new NotFoundError('DrugCatalogueImport', '药品目录导入', id);
    }
    return run;
  }

  async imports(user: AuthUser, args: CatalogueImportsArgs): Promise<Connection<DrugCatalogueImportEntity>> {
    const inst = await this.access.assertRead(user, args.institutionId ?? user.institutionId);
    const qb = this.dataSource
      .getRepository(DrugCatalogueImportEntity)
      .createQueryBuilder('r')
      .where('r.institution_id = :inst', { inst: inst.id })
      .andWhere(`r.status <> 'UPLOADING'`);
    return paginate(
      qb,
      [
        { expr: 'r.created_at', value: (r) => r.createdAt.toISOString(), kind: 'date' },
        { expr: 'r.id', value: (r) => r.id, kind: 'uuid' },
      ],
      args,
      'DESC',
    );
  }

  async item(user: AuthUser, id: string): Promise<DrugCatalogueItemEntity> {
    const item = isUUID(id)
      ? await this.dataSource
          .getRepository(DrugCatalogueItemEntity)
          .findOneBy({ id, tenantId: user.tenantId })
      : null;
    if (!item) throw new NotFoundError('DrugCatalogueItem', '机构目录条目', id);
    try {
      await this.access.assertRead(user, item.institutionId);
    } catch {
      throw new NotFoundError('DrugCatalogueItem', '机构目录条目', id);
    }
    return item;
  }

  async items(user: AuthUser, args: CatalogueItemsArgs): Promise<Connection<DrugCatalogueItemEntity>> {
    const inst = await this.access.assertRead(user, args.institutionId ?? user.institutionId);
    const qb = this.dataSource
      .getRepository(DrugCatalogueItemEntity)
      .createQueryBuilder('i')
      .where('i.institution_id = :inst', { inst: inst.id });
    if (!args.includeInactive) qb.andWhere('i.active');
    const search = args.search?.trim();
    if (search) {
      const range = codePrefixRange(search);
      qb.andWhere(
        `(strpos(i.generic_name, :search) > 0 OR strpos(coalesce(i.brand_name, ''), :search) > 0
          OR left(i.local_code, :n) = :search ${range ? 'OR left(i.national_code, :cn) = :prefix' : ''})`,
        { search, n: search.length, cn: range?.prefix.length ?? 0, prefix: range?.prefix ?? '' },
      );
    }
    if (args.mappedOnly || args.mappingStatus) {
      const statuses = args.mappingStatus ? [args.mappingStatus] : MAPPED;
      if (args.mappedOnly && args.mappingStatus && !MAPPED.includes(args.mappingStatus)) {
        return { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } };
      }
      qb.andWhere(
        `EXISTS (SELECT 1 FROM drug_mapping m WHERE m.catalogue_item_id = i.id AND m.status = ANY(:statuses))`,
        { statuses },
      );
    }
    return paginate(
      qb,
      [
        { expr: 'i.generic_name', value: (r) => r.genericName },
        { expr: 'i.id', value: (r) => r.id, kind: 'uuid' },
      ],
      args,
    );
  }

  /** The review queue: oldest first, of active items only. */
  async mappings(user: AuthUser, args: CatalogueMappingsArgs): Promise<Connection<DrugMappingEntity>> {
    const qb = this.dataSource
      .getRepository(DrugMappingEntity)
      .createQueryBuilder('m')
      .where('m.tenant_id = :tenant', { tenant: user.tenantId })
      .andWhere('m.status = :status', { status: args.status ?? MappingStatus.PROPOSED })
      .andWhere(`EXISTS (SELECT 1 FROM drug_catalogue_item i WHERE i.id = m.catalogue_item_id AND i.active)`);
    if (args.institutionId) {
      const inst = await this.access.assertRead(user, args.institutionId);
      qb.andWhere('m.institution_id = :inst', { inst: inst.id });
    } else if (!(await this.access.seesAll(user))) {
      qb.andWhere('m.institution_id = :inst', { inst: user.institutionId });
    }
    return paginate(
      qb,
      [
        { expr: 'm.updated_at', value: (r) => r.updatedAt.toISOString(), kind: 'date' },
        { expr: 'm.catalogue_item_id', value: (r) => r.catalogueItemId, kind: 'uuid' },
      ],
      args,
    );
  }

  /**
   * Mapped / pending / unmapped / invalid over active items, per institution and in total, in one
   * statement whatever the number of institutions. Auditors see every member's figures.
   */
  async coverage(user: AuthUser, args: CatalogueCoverageArgs): Promise<CatalogueCoverageReportModel> {
    let scope: string | null = null;
    if (args.institutionId) {
      scope = (await this.access.assertRead(user, args.institutionId, undefined, { auditors: true })).id;
    } else if (!(hasRole(user, Role.AUDITOR) || (await this.access.seesAll(user)))) {
      scope = user.institutionId;
    }
    const rows: CoverageRow[] = await this.dataSource.query(
      `SELECT i.institution_id,
              count(*)::int AS items,
              count(*) FILTER (WHERE m.status = 'AUTO_CONFIRMED')::int AS auto_confirmed,
              count(*) FILTER (WHERE m.status = 'CONFIRMED')::int AS confirmed,
              count(*) FILTER (WHERE m.status = 'PROPOSED')::int AS proposed,
              count(*) FILTER (WHERE m.status = 'UNMAPPED' OR m.status IS NULL)::int AS unmapped,
              count(*) FILTER (WHERE m.status = 'REJECTED')::int AS rejected,
              count(*) FILTER (WHERE m.status = 'INVALID')::int AS invalid
         FROM drug_catalogue_item i LEFT JOIN drug_mapping m ON m.catalogue_item_id = i.id
        WHERE i.tenant_id = $1 AND i.active AND ($2::uuid IS NULL OR i.institution_id = $2)
        GROUP BY i.institution_id
        ORDER BY i.institution_id`,
      [user.tenantId, scope],
    );
    return {
      total: coverage(null, rows),
      institutions: rows.map((r) => coverage(r.institution_id, [r])),
    };
  }

  // ---------- per-request loaders ----------

  readonly itemLoader: LoaderFactory<string, DrugCatalogueItemEntity | null> = (caller) =>
    new DataLoader(async (ids) => {
      const rows = await this.dataSource
        .getRepository(DrugCatalogueItemEntity)
        .findBy({ id: In([...ids]), tenantId: caller?.tenantId ?? '' });
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    });

  readonly mappingLoader: LoaderFactory<string, DrugMappingEntity | null> = (caller) =>
    new DataLoader(async (ids) => {
      const rows = await this.dataSource
        .getRepository(DrugMappingEntity)
        .findBy({ catalogueItemId: In([...ids]), tenantId: caller?.tenantId ?? '' });
      const byId = new Map(rows.map((r) => [r.catalogueItemId, r]));
      return ids.map((id) => byId.get(id) ?? null);
    });

  readonly stockLoader: LoaderFactory<string, DrugStockEntity | null> = (caller) =>
    new DataLoader(async (ids) => {
      const rows = await this.dataSource
        .getRepository(DrugStockEntity)
        .findBy({ catalogueItemId: In([...ids]), tenantId: caller?.tenantId ?? '' });
      const byId = new Map(rows.map((r) => [r.catalogueItemId, r]));
      return ids.map((id) => byId.get(id) ?? null);
    });

  readonly versionsLoader: LoaderFactory<string, DrugCatalogueItemVersionEntity[]> = (caller) =>
    new DataLoader(async (ids) => {
      const rows = await this.dataSource.getRepository(DrugCatalogueItemVersionEntity).find({
        where: { catalogueItemId: In([...ids]), tenantId: caller?.tenantId ?? '' },
        order: { version: 'ASC' },
      });
      return ids.map((id) => rows.filter((r) => r.catalogueItemId === id));
    });

  readonly historyLoader: LoaderFactory<string, DrugMappingHistoryEntity[]> = (caller) =>
    new DataLoader(async (ids) => {
      const rows = await this.dataSource.getRepository(DrugMappingHistoryEntity).find({
        where: { catalogueItemId: In([...ids]), tenantId: caller?.tenantId ?? '' },
        order: { version: 'ASC' },
      });
      return ids.map((id) => rows.filter((r) => r.catalogueItemId === id));
    });
}
