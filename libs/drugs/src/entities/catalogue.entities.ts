import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { ImportFormat, ImportStatus, MappingStatus, StockSource } from '../domain/drug.enums';
import type { ImportRowError } from './dictionary.entities';

/** One upload of an institution's own drug dictionary (HIS 药品字典), and its progress. */
@Entity('drug_catalogue_import')
export class DrugCatalogueImportEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId!: string;
  @Column({ name: 'institution_id', type: 'uuid' }) institutionId!: string;
  @Column({ name: 'file_name', type: 'text' }) fileName!: string;
  @Column({ name: 'storage_path', type: 'text', nullable: true }) storagePath!: string | null;
  @Column({ type: 'text' }) format!: ImportFormat;
  @Column({ name: 'file_sha256', type: 'text', nullable: true }) fileSha256!: string | null;
  @Column({ name: 'size_bytes', type: 'bigint', nullable: true }) sizeBytes!: string | null;
  /** The file is the whole catalogue: active items it does not list are deactivated. */
  @Column({ name: 'full_import', type: 'boolean' }) fullImport!: boolean;
  @Column({ type: 'text' }) status!: ImportStatus;
  @Column({ name: 'duplicate_of', type: 'uuid', nullable: true }) duplicateOf!: string | null;
  /** Known once the file has been read through; null before. */
  @Column({ name: 'rows_total', type: 'int', nullable: true }) rowsTotal!: number | null;
  @Column({ name: 'rows_done', type: 'int' }) rowsDone!: number;
  @Column({ name: 'rows_ok', type: 'int' }) rowsOk!: number;
  @Column({ name: 'rows_bad', type: 'int' }) rowsBad!: number;
  @Column({ type: 'int' }) inserted!: number;
  @Column({ type: 'int' }) updated!: number;
  @Column({ type: 'int' }) unchanged!: number;
  @Column({ type: 'int' }) deactivated!: number;
  @Column({ type: 'int' }) reactivated!: number;
  @Column({ name: 'stock_updated', type: 'int' }) stockUpdated!: number;
  /** Mapping outcomes of the items this import created or changed, by status. */
  @Column({ name: 'match_counts', type: 'jsonb' }) matchCounts!: Partial<
    Record<MappingStatus | 'KEPT', number>
  >;
  @Column({ type: 'jsonb' }) errors!: ImportRowError[];
  @Column({ type: 'text', nullable: true }) failure!: string | null;
  @Column({ name: 'requested_by', type: 'uuid', nullable: true }) requestedBy!: string | null;
  @Column({ type: 'int' }) attempts!: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true }) startedAt!: Date | null;
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true }) finishedAt!: Date | null;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** The uploaded file's bytes, in order, until its import ends (deleted with the import's outcome). */
@Entity('drug_catalogue_upload_chunk')
export class DrugCatalogueUploadChunkEntity {
  @PrimaryColumn({ name: 'import_id', type: 'uuid' }) importId!: string;
  @PrimaryColumn({ type: 'int' }) seq!: number;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId!: string;
  @Column({ type: 'bytea' }) data!: Buffer;
}

/** A drug in an institution's own catalogue, as its HIS names it. */
@Entity('drug_catalogue_item')
export class DrugCatalogueItemEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId!: string;
  @Column({ name: 'institution_id', type: 'uuid' }) institutionId!: string;
  @Column({ name: 'local_code', type: 'text' }) localCode!: string;
  @Column({ name: 'brand_name', type: 'text', nullable: true }) brandName!: string | null;
  @Column({ name: 'generic_name', type: 'text' }) genericName!: string;
  @Column({ name: 'dosage_form', type: 'text', nullable: true }) dosageForm!: string | null;
  @Column({ type: 'text', nullable: true }) spec!: string | null;
  @Column({ type: 'text', nullable: true }) maker!: string | null;
  @Column({ name: 'pack_factor', type: 'numeric', nullable: true }) packFactor!: string | null;
  @Column({ type: 'text', nullable: true }) unit!: string | null;
  /** As the institution gave it; checked by the mapping, not here. */
  @Column({ name: 'national_code', type: 'text', nullable: true }) nationalCode!: string | null;
  @Column({ type: 'boolean' }) active!: boolean;
  @Column({ type: 'int' }) version!: number;
  /** SHA-256 of the row's content: an unchanged row is skipped on re-import. */
  @Column({ name: 'content_hash', type: 'text' }) contentHash!: string;
  @Column({ name: 'last_import_id', type: 'uuid', nullable: true }) lastImportId!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  @Column({ name: 'deactivated_at', type: 'timestamptz', nullable: true }) deactivatedAt!: Date | null;
}

export type CatalogueChange = 'CREATE' | 'UPDATE' | 'DEACTIVATE' | 'REACTIVATE';

/** Each version of a catalogue item (append-only). */
@Entity('drug_catalogue_item_version')
export class DrugCatalogueItemVersionEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id!: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId!: string;
  @Column({ name: 'catalogue_item_id', type: 'uuid' }) catalogueItemId!: string;
  @Column({ type: 'int' }) version!: number;
  @Column({ type: 'text' }) change!: CatalogueChange;
  @Column({ type: 'jsonb' }) snapshot!: Record<string, unknown>;
  @Column({ name: 'import_id', type: 'uuid', nullable: true }) importId!: string | null;
  @Column({ type: 'timestamptz' }) at!: Date;
}

export interface MappingReason {
  code: string;
  detail?: string;
}

/** The current mapping of a catalogue item onto the unified list; earlier ones are in the history. */
@Entity('drug_mapping')
export class DrugMappingEntity {
  @PrimaryColumn({ name: 'catalogue_item_id', type: 'uuid' }) catalogueItemId!: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId!: string;
  @Column({ name: 'institution_id', type: 'uuid' }) institutionId!: string;
  @Column({ name: 'formulary_item_id', type: 'uuid', nullable: true }) formularyItemId!: string | null;
  @Column({ type: 'text' }) status!: MappingStatus;
  /** The matcher tier that produced it, or MANUAL. */
  @Column({ type: 'text', nullable: true }) tier!: string | null;
  @Column({ type: 'numeric', nullable: true }) score!: string | null;
  @Column({ type: 'jsonb' }) reasons!: MappingReason[];
  /** The proposals behind a PROPOSED mapping, best first. */
  @Column({ type: 'jsonb' }) candidates!: Record<string, unknown>[];
  @Column({ name: 'decided_by', type: 'uuid', nullable: true }) decidedBy!: string | null;
  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true }) decidedAt!: Date | null;
  /** Bumped by every change: a decision names the version it saw, so one of two wins. */
  @Column({ type: 'int' }) version!: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** Every mapping a catalogue item has had (append-only). */
@Entity('drug_mapping_history')
export class DrugMappingHistoryEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id!: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId!: string;
  @Column({ name: 'catalogue_item_id', type: 'uuid' }) catalogueItemId!: string;
  @Column({ type: 'int' }) version!: number;
  @Column({ type: 'text' }) action!: string;
  @Column({ name: 'formulary_item_id', type: 'uuid', nullable: true }) formularyItemId!: string | null;
  @Column({ type: 'text' }) status!: MappingStatus;
  @Column({ type: 'text', nullable: true }) tier!: string | null;
  @Column({ type: 'numeric', nullable: true }) score!: string | null;
  @Column({ type: 'jsonb' }) reasons!: MappingReason[];
  @Column({ name: 'decided_by', type: 'uuid', nullable: true }) decidedBy!: string | null;
  @Column({ type: 'text', nullable: true }) note!: string | null;
  @Column({ type: 'timestamptz' }) at!: Date;
}

/** On-hand quantity of a catalogue item at its institution, in the item's unit. */
@Entity('drug_stock')
export class DrugStockEntity {
  @PrimaryColumn({ name: 'catalogue_item_id', type: 'uuid' }) catalogueItemId!: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId!: string;
  @Column({ name: 'institution_id', type: 'uuid' }) institutionId!: string;
  @Column({ name: 'on_hand', type: 'numeric' }) onHand!: string;
  @Column({ type: 'text' }) source!: StockSource;
  @Column({ name: 'updated_by', type: 'uuid', nullable: true }) updatedBy!: string | null;
  @Column({ type: 'int' }) version!: number;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
