import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** An institution other than the registering one that may see the patient (e.g. a referral target). */
@Entity('patient_access')
export class PatientAccessEntity {
  @PrimaryColumn({ name: 'patient_id', type: 'uuid' }) patientId!: string;
  @PrimaryColumn({ name: 'institution_id', type: 'uuid' }) institutionId!: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId!: string;
  @Column({ type: 'text' }) reason!: string;
  @CreateDateColumn({ name: 'granted_at', type: 'timestamptz' }) grantedAt!: Date;
}
