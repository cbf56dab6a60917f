import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { ChronicCondition, SexValue } from '../domain/chronic-condition';

/**
 * A resident known to the consortium. The ID number and phone are stored encrypted; the
 * keyed hash finds a patient by ID number without decrypting, and the masked forms are
 * what most roles see.
 */
@Entity('patient')
export class PatientEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text' }) sex!: SexValue;
  @Column({ name: 'birth_date', type: 'date' }) birthDate!: string;
  @Column({ name: 'id_number_enc', type: 'text', select: false }) idNumberEnc!: string;
  @Column({ name: 'id_number_hash', type: 'text' }) idNumberHash!: string;
  @Column({ name: 'id_number_masked', type: 'text' }) idNumberMasked!: string;
  @Column({ name: 'phone_enc', type: 'text', nullable: true, select: false }) phoneEnc!: string | null;
  @Column({ name: 'phone_masked', type: 'text', nullable: true }) phoneMasked!: string | null;
  @Column({ name: 'residence_division_code', type: 'text' }) residenceDivisionCode!: string;
  @Column({ name: 'chronic_conditions', type: 'text', array: true }) chronicConditions!: ChronicCondition[];
  @Column({ name: 'contract_institution_id', type: 'uuid', nullable: true }) contractInstitutionId!:
    string | null;
  @Column({ name: 'contract_practitioner_id', type: 'uuid', nullable: true }) contractPractitionerId!:
    string | null;
  @Column({ name: 'contract_signed_on', type: 'date', nullable: true }) contractSignedOn!: string | null;
  @Column({ name: 'registered_by_institution_id', type: 'uuid' }) registeredByInstitutionId!: string;
  @Column({ name: 'registered_by_user_id', type: 'uuid' }) registeredByUserId!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
