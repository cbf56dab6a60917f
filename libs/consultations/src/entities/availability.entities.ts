import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { SessionMode } from '../domain/slots';

@Entity('expert_availability_rule')
export class AvailabilityRuleEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId!: string;
  @Column({ name: 'practitioner_id', type: 'uuid' }) practitionerId!: string;
  @Column({ type: 'smallint' }) weekday!: number;
  @Column({ name: 'start_time', type: 'text' }) startTime!: string;
  @Column({ name: 'end_time', type: 'text' }) endTime!: string;
  @Column({ name: 'session_minutes', type: 'int' }) sessionMinutes!: number;
  @Column({ type: 'text' }) mode!: SessionMode;
  @Column({ name: 'valid_from', type: 'date' }) validFrom!: string;
  @Column({ name: 'valid_to', type: 'date', nullable: true }) validTo!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

@Entity('expert_availability_exception')
export class AvailabilityExceptionEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId!: string;
  @Column({ name: 'practitioner_id', type: 'uuid' }) practitionerId!: string;
  @Column({ type: 'date' }) date!: string;
  @Column({ type: 'text' }) kind!: 'DAY_OFF' | 'EXTRA_WINDOW';
  @Column({ name: 'start_time', type: 'text', nullable: true }) startTime!: string | null;
  @Column({ name: 'end_time', type: 'text', nullable: true }) endTime!: string | null;
  @Column({ name: 'session_minutes', type: 'int', nullable: true }) sessionMinutes!: number | null;
  @Column({ type: 'text', nullable: true }) mode!: SessionMode | null;
}
