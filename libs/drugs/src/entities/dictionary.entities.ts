import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { DrugCodeStatus, DrugKind, ImportFormat, ImportStatus, InsuranceClass } from '../domain/drug.enums';

/** An edition of the national essential-drug list (国家基本药物目录), kept as data. */
@Entity('essential_drug_edition')
export class EssentialDrugEditionEntity {
  @PrimaryColumn({ type: 'text' }) code!: string;
  @Column({ type: 'text' }) title!: string;
  @Column({ name: 'document_no', type: 'text', nullable: true }) documentNo!: string | null;
  @Column({ name: 'published_on', type: 'date', nullable: true }) publishedOn!: string | null;
  @Column({ name: 'effective_on', type: 'date', nullable: true }) effectiveOn!: string | null;
  @Column({ type: 'int', nullable: true }) entries!: number | null;
  @Column({ type: 'text', nullable: true }) note!: string | null;
}

/** A named edition of the national code list; `seq` orders them (later imports are newer). */
@Entity('drug_dictionary_edition')
export class DrugDictionaryEditionEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'bigint', insert: false, update: false }) seq!: string;
  @Column({ type: 'text' }) name!: string;
  /** The newest full edition loaded: it lists every active code whose last-seen edition is empty. */
  @Column({ type: 'boolean', insert: false }) current!: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

export interface ImportRowError {
  line: number;
  /** Worksheet number, for rows past the first sheet of a workbook. */
  sheet?: number;
  code?: string | null;
  reason: string;
}

/** One run of the national dictionary import. */
@Entity('drug_dictionary_import')
export class DrugDictionaryImportEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'edition_id', type: 'uuid' }) editionId!: string;
  @Column({ name: 'full_edition', type: 'boolean' }) fullEdition!: boolean;
  @Column({ name: 'essential_edition', type: 'text', nullable: true }) essentialEdition!: string | null;
  @Column({ name: 'file_name', type: 'text' }) fileName!: string;
  @Column({ name: 'source_path', type: 'text', nullable: true }) sourcePath!: string | null;
  @Column({ type: 'text' }) format!: ImportFormat;
  @Column({ name: 'file_sha256', type: 'text', nullable: true }) fileSha256!: string | null;
  @Column({ type: 'text' }) status!: ImportStatus;
  @Column({ name: 'duplicate_of', type: 'uuid', nullable: true }) duplicateOf!: string | null;
  @Column({ name: 'rows_total', type: 'int' }) rowsTotal!: number;
  @Column({ name: 'rows_ok', type: 'int' }) rowsOk!: number;
  @Column({ name: 'rows_bad', type: 'int' }) rowsBad!: number;
  @Column({ name: 'codes_distinct', type: 'int' }) codesDistinct!: number;
  @Column({ type: 'int' }) inserted!: number;
  @Column({ type: 'int' }) updated!: number;
  @Column({ type: 'int' }) retired!: number;
  @Column({ type: 'int' }) reactivated!: number;
  /** The first bad rows (at most IMPORT_ERRORS_KEPT); `rowsBad` counts them all. */
  @Column({ type: 'jsonb' }) errors!: ImportRowError[];
  @Column({ type: 'text', nullable: true }) failure!: string | null;
  @Column({ name: 'requested_by', type: 'text' }) requestedBy!: string;
  @Column({ type: 'int' }) attempts!: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true }) startedAt!: Date | null;
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true }) finishedAt!: Date | null;
}

/** A national medical-insurance drug code (医保药品分类与代码). Never deleted, only retired. */
@Entity('drug_code')
export class DrugCodeEntity {
  @PrimaryColumn({ type: 'text' }) code!: string;
  @Column({ type: 'text' }) kind!: DrugKind;
  @Column({ name: 'class_code', type: 'text' }) classCode!: string;
  @Column({ name: 'product_key', type: 'text' }) productKey!: string;
  @Column({ name: 'spec_no', type: 'text' }) specNo!: string;
  @Column({ name: 'pack_no', type: 'text' }) packNo!: string;
  @Column({ name: 'maker_code', type: 'text' }) makerCode!: string;
  @Column({ name: 'generic_name', type: 'text' }) genericName!: string;
  @Column({ name: 'dosage_form', type: 'text', nullable: true }) dosageForm!: string | null;
  @Column({ type: 'text', nullable: true }) spec!: string | null;
  @Column({ type: 'text', nullable: true }) maker!: string | null;
  @Column({ name: 'trade_name', type: 'text', nullable: true }) tradeName!: string | null;
  @Column({ name: 'approval_no', type: 'text', nullable: true }) approvalNo!: string | null;
  @Column({ name: 'insurance_class', type: 'text', nullable: true }) insuranceClass!: InsuranceClass | null;
  @Column({ type: 'boolean' }) essential!: boolean;
  @Column({ name: 'essential_edition', type: 'text', nullable: true }) essentialEdition!: string | null;
  @Column({ type: 'text' }) status!: DrugCodeStatus;
  @Column({ name: 'first_seen_edition_id', type: 'uuid' }) firstSeenEditionId!: string;
  /** Null: listed by the current edition (the newest full one loaded). */
  @Column({ name: 'last_seen_edition_id', type: 'uuid', nullable: true }) lastSeenEditionId!: string | null;
  @Column({ name: 'retired_in_edition_id', type: 'uuid', nullable: true }) retiredInEditionId!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
