import { Audience, Role } from '@yg/core';
import { InstitutionKind } from '@yg/network';
import type { DomainEvent } from '@yg/outbox';
import { rooms } from '@yg/realtime';
import type { DrugCatalogueImportEntity } from '../entities/catalogue.entities';

/**
 * Events of member catalogues. Other parts (medication continuity) react to the last two: what
 * an institution can dispense may have changed. `catalogueItemIds` null means "any item of the
 * institution" (an import).
 */
export const CATALOGUE_EVENTS = {
  IMPORT_FINISHED: 'drugs.catalogue.import-finished',
  MAPPING_CHANGED: 'drugs.mapping.changed',
  STOCK_CHANGED: 'drugs.stock.changed',
} as const;

/** Socket events (user and institution rooms). */
export const CATALOGUE_PUSH = {
  IMPORT_PROGRESS: 'catalogue.import.progress',
  MAPPING_UPDATED: 'catalogue.mapping.updated',
  STOCK_UPDATED: 'catalogue.stock.updated',
} as const;

/**
 * Who works every member's review queue besides the member itself (see CatalogueAccess): the
 * lead hospital's pharmacists and the consortium's admins.
 */
const REVIEWERS: Audience[] = [
  { institutionKinds: [InstitutionKind.GENERAL_HOSPITAL], roles: [Role.PHARMACIST] },
  { tenantRoles: [Role.CONSORTIUM_ADMIN] },
];

export interface ImportProgress {
  id: string;
  institutionId: string;
  status: string;
  rowsDone: number;
  rowsTotal: number | null;
  rowsBad: number;
  at: string;
}

export function progressOf(run: DrugCatalogueImportEntity, at: Date): ImportProgress {
  return {
    id: run.id,
    institutionId: run.institutionId,
    status: run.status,
    rowsDone: run.rowsDone,
    rowsTotal: run.rowsTotal,
    rowsBad: run.rowsBad,
    at: at.toISOString(),
  };
}

/** Who follows an import live: the uploader and the institution. */
export function progressRooms(
  run: Pick<DrugCatalogueImportEntity, 'institutionId' | 'requestedBy'>,
): string[] {
  return [...(run.requestedBy ? [rooms.user(run.requestedBy)] : []), rooms.institution(run.institutionId)];
}

/** The last word on an import: pushed after commit, and an inbox entry for the uploader. */
export function importFinishedEvent(run: DrugCatalogueImportEntity, at: Date): DomainEvent {
  const done = run.status === 'DONE' || run.status === 'SKIPPED';
  return {
    type: CATALOGUE_EVENTS.IMPORT_FINISHED,
    tenantId: run.tenantId,
    aggregateType: 'DrugCatalogueImport',
    aggregateId: run.id,
    occurredAt: at.toISOString(),
    actorUserId: null,
    data: {
      importId: run.id,
      institutionId: run.institutionId,
      status: run.status,
      rowsTotal: run.rowsTotal,
      rowsBad: run.rowsBad,
      inserted: run.inserted,
      updated: run.updated,
      deactivated: run.deactivated,
      reactivated: run.reactivated,
      stockUpdated: run.stockUpdated,
      matchCounts: run.matchCounts,
    },
    notify: run.requestedBy
      ? [
          {
            audience: [{ userIds: [run.requestedBy] }],
            kind: CATALOGUE_EVENTS.IMPORT_FINISHED,
            title:
              run.status === 'SKIPPED'
                ? '药品目录与上次导入的文件相同,未做改动 (same file as the last import; nothing changed)'
                : done
                  ? `药品目录导入完成:${run.rowsTotal ?? 0} 行,${run.rowsBad} 行有误 (catalogue import finished: ${run.rowsTotal ?? 0} rows, ${run.rowsBad} refused)`
                  : '药品目录导入失败,目录未改动 (catalogue import failed; nothing changed)',
            link: `/drugs/catalogue-imports/${run.id}`,
          },
        ]
      : [],
    push: [{ rooms: progressRooms(run), event: CATALOGUE_PUSH.IMPORT_PROGRESS, data: progressOf(run, at) }],
  };
}

export function mappingChangedEvent(
  tenantId: string,
  institutionId: string,
  catalogueItemIds: string[] | null,
  reason: 'IMPORT' | 'REMATCH' | 'DECISION',
  actorUserId: string | null,
  at: Date,
): DomainEvent {
  const count = catalogueItemIds?.length ?? null;
  return {
    type: CATALOGUE_EVENTS.MAPPING_CHANGED,
    tenantId,
    aggregateType: 'DrugCatalogue',
    aggregateId: institutionId,
    occurredAt: at.toISOString(),
    actorUserId,
    data: { institutionId, catalogueItemIds, reason },
    push: [
      {
        rooms: [rooms.institution(institutionId)],
        audience: REVIEWERS,
        event: CATALOGUE_PUSH.MAPPING_UPDATED,
        data: {
          institutionId,
          reason,
          count,
          catalogueItemIds: count !== null && count <= 100 ? catalogueItemIds : null,
          at: at.toISOString(),
        },
      },
    ],
  };
}

export function stockChangedEvent(
  tenantId: string,
  institutionId: string,
  catalogueItemIds: string[] | null,
  source: 'IMPORT' | 'MANUAL',
  actorUserId: string | null,
  at: Date,
): DomainEvent {
  return {
    type: CATALOGUE_EVENTS.STOCK_CHANGED,
    tenantId,
    aggregateType: 'DrugCatalogue',
    aggregateId: institutionId,
    occurredAt: at.toISOString(),
    actorUserId,
    data: { institutionId, catalogueItemIds, source },
    push: [
      {
        rooms: [rooms.institution(institutionId)],
        event: CATALOGUE_PUSH.STOCK_UPDATED,
        data: {
          institutionId,
          source,
          count: catalogueItemIds?.length ?? null,
          at: at.toISOString(),
        },
      },
    ],
  };
}
