import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { PractitionerTitle } from '../domain/institution-kind';

@Entity('practitioner')
export class PractitionerEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId!: string;
  @Column({ name: 'institution_id', type: 'uuid' }) institutionId!: string;
  @Column({ name: 'department_id', type: 'uuid', nullable: true }) departmentId!: string | null;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) title!: PractitionerTitle;
  @Column({ type: 'text', array: true, default: () => "'{}'" }) specialties!: string[];
  @Column({ name: 'licence_number', type: 'text' }) licenceNumber!: string;
  @Column({ type: 'boolean', default: true }) active!: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
