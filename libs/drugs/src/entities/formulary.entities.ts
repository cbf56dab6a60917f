import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { FormularyStatus, FormularyTier } from '../domain/drug.enums';

/** An item of the consortium's unified drug list (统一药品目录). */
@Entity('formulary_item')
export class FormularyItemEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId!: string;
  @Column({ name: 'national_code', type: 'text', nullable: true }) nationalCode!: string | null;
  @Column({ name: 'product_key', type: 'text' }) productKey!: string;
  @Column({ name: 'generic_name', type: 'text' }) genericName!: string;
  @Column({ name: 'dosage_form', type: 'text', nullable: true }) dosageForm!: string | null;
  @Column({ type: 'text', nullable: true }) spec!: string | null;
  /** The spec as compared for uniqueness (see specKey()). */
  @Column({ name: 'spec_key', type: 'text' }) specKey!: string;
  @Column({ type: 'text', array: true }) tiers!: FormularyTier[];
  /** An explicit substitution group; without one, items of the same product key substitute. */
  @Column({ name: 'substitution_group', type: 'text', nullable: true }) substitutionGroup!: string | null;
  @Column({ name: 'substitution_key', type: 'text', insert: false, update: false }) substitutionKey!: string;
  @Column({ type: 'text' }) status!: FormularyStatus;
  @Column({ type: 'int' }) version!: number;
  @Column({ type: 'text', nullable: true }) note!: string | null;
  @Column({ name: 'retire_reason', type: 'text', nullable: true }) retireReason!: string | null;
  @Column({ name: 'created_by', type: 'uuid', nullable: true }) createdBy!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true }) retiredAt!: Date | null;
}

export type FormularyAction = 'CREATE' | 'UPDATE' | 'RETIRE';

/** Each version of a unified-list item, as it was after the change (append-only). */
@Entity('formulary_item_version')
export class FormularyItemVersionEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id!: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId!: string;
  @Column({ name: 'formulary_item_id', type: 'uuid' }) formularyItemId!: string;
  @Column({ type: 'int' }) version!: number;
  @Column({ type: 'text' }) action!: FormularyAction;
  @Column({ type: 'text', array: true }) changed!: string[];
  @Column({ type: 'jsonb' }) snapshot!: Record<string, unknown>;
  @Column({ type: 'text', nullable: true }) note!: string | null;
  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true }) actorUserId!: string | null;
  @Column({ type: 'timestamptz' }) at!: Date;
}
