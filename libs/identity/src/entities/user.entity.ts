import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Role } from '@yg/core';

@Entity('app_user')
export class UserEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'tenant_id', type: 'uuid' }) tenantId!: string;
  @Column({ name: 'institution_id', type: 'uuid' }) institutionId!: string;
  @Column({ name: 'practitioner_id', type: 'uuid', nullable: true }) practitionerId!: string | null;
  @Column({ type: 'text' }) username!: string;
  @Column({ name: 'display_name', type: 'text' }) displayName!: string;
  @Column({ name: 'password_hash', type: 'text', select: false }) passwordHash!: string;
  @Column({ type: 'text', array: true }) roles!: Role[];
  @Column({ type: 'text', nullable: true }) phone!: string | null;
  @Column({ type: 'boolean', default: true }) active!: boolean;
  @Column({ name: 'failed_attempts', type: 'int', default: 0 }) failedAttempts!: number;
  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true }) lockedUntil!: Date | null;
  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true }) lastLoginAt!: Date | null;
  /** Carried in every token; a token of an older version is refused. */
  @Column({ name: 'session_version', type: 'int', default: 0 }) sessionVersion!: number;
  @Column({ name: 'deactivated_at', type: 'timestamptz', nullable: true }) deactivatedAt!: Date | null;
  @Column({ name: 'deactivated_by', type: 'uuid', nullable: true }) deactivatedBy!: string | null;
  @Column({ name: 'deactivation_reason', type: 'text', nullable: true }) deactivationReason!: string | null;
  /** Set when someone else chose the password (created or reset by an admin); cleared by changePassword. */
  @Column({ name: 'password_change_required', type: 'boolean', default: false })
  passwordChangeRequired!: boolean;
  /** Bumped by each change an admin makes to the account: an edit names the version it was made on. */
  @Column({ type: 'int', default: 1 }) version!: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
