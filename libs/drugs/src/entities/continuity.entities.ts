import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { ContinuityOutcome, ContinuityTrigger } from '../domain/drug.enums';

/** An item of a referral's medication plan, structured (the referral keeps its own free text). */
@Entity('medication_plan_item')
export class MedicationPlanItemEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId!: string;
  @Column({ name: 'referral_id', type: 'uuid' }) referralId!: string;
  @Column({ type: 'smallint' }) position!: number;
  @Column({ name: 'drug_text', type: 'text' }) drugText!: string;
  @Column({ name: 'national_code', type: 'text', nullable: true }) nationalCode!: string | null;
  @Column({ name: 'formulary_item_id', type: 'uuid', nullable: true }) formularyItemId!: string | null;
  @Column({ type: 'text', nullable: true }) dose!: string | null;
  @Column({ type: 'text', nullable: true }) route!: string | null;
  @Column({ type: 'text', nullable: true }) frequency!: string | null;
  @Column({ type: 'text', nullable: true }) duration!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

/** One continuity check of a referral's plan against the receiving institution. */
@Entity('medication_continuity_check')
export class MedicationContinuityCheckEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId!: string;
  @Column({ name: 'referral_id', type: 'uuid' }) referralId!: string;
  @Column({ name: 'receiving_institution_id', type: 'uuid' }) receivingInstitutionId!: string;
  @Column({ type: 'text' }) trigger!: ContinuityTrigger;
  /** The month the check counts in for 用药衔接率. */
  @Column({ name: 'referral_submitted_at', type: 'timestamptz' }) referralSubmittedAt!: Date;
  @Column({ name: 'checked_at', type: 'timestamptz' }) checkedAt!: Date;
  @Column({ type: 'boolean' }) current!: boolean;
  @Column({ name: 'items_total', type: 'int' }) itemsTotal!: number;
  @Column({ type: 'int' }) available!: number;
  @Column({ type: 'int' }) substitute!: number;
  @Column({ name: 'out_of_stock', type: 'int' }) outOfStock!: number;
  @Column({ name: 'not_listed', type: 'int' }) notListed!: number;
  @Column({ type: 'int' }) unknown!: number;
  /** The inputs as they were (mapping versions, stock), so the figure can be rebuilt. */
  @Column({ type: 'jsonb' }) snapshot!: Record<string, unknown>;
}

/** The outcome of one plan item in one check (append-only). */
@Entity('medication_continuity_result')
export class MedicationContinuityResultEntity {
  @PrimaryColumn({ name: 'check_id', type: 'uuid' }) checkId!: string;
  @PrimaryColumn({ name: 'plan_item_id', type: 'uuid' }) planItemId!: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId!: string;
  @Column({ type: 'text' }) outcome!: ContinuityOutcome;
  @Column({ name: 'formulary_item_id', type: 'uuid', nullable: true }) formularyItemId!: string | null;
  @Column({ name: 'catalogue_item_id', type: 'uuid', nullable: true }) catalogueItemId!: string | null;
  @Column({ name: 'on_hand', type: 'numeric', nullable: true }) onHand!: string | null;
  /** For a substitute: what differs (strength, maker) and the dose note. */
  @Column({ type: 'text', nullable: true }) note!: string | null;
}
