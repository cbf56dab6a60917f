import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { InstitutionKind, Tier } from '../domain/institution-kind';

@Entity('institution')
export class InstitutionEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) kind!: InstitutionKind;
  @Column({ type: 'text' }) tier!: Tier;
  @Column({ name: 'parent_id', type: 'uuid', nullable: true }) parentId!: string | null;
  @Column({ type: 'text', nullable: true }) grade!: string | null;
  @Column({ name: 'division_code', type: 'text' }) divisionCode!: string;
  @Column({ type: 'text', nullable: true }) address!: string | null;
  @Column({ type: 'text', nullable: true }) phone!: string | null;
  @Column({ type: 'boolean', default: true }) active!: boolean;
  /** Bumped by each change: an edit names the version it was made on. */
  @Column({ type: 'int', default: 1 }) version!: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
