import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The tenant: one county consortium. */
@Entity('consortium')
export class ConsortiumEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ name: 'division_code', type: 'text' }) divisionCode!: string;
  @Column({ name: 'time_zone', type: 'text' }) timeZone!: string;
  @Column({ type: 'text' }) framework!: string;
  /** Per-consortium tunables (deadlines and the like); read through typed accessors. */
  @Column({ type: 'jsonb', default: () => "'{}'" }) settings!: Record<string, unknown>;
  /** Each settings section's version (1 when not named); see ConsortiumSettingsService. */
  @Column({ name: 'settings_versions', type: 'jsonb', default: () => "'{}'" })
  settingsVersions!: Record<string, number>;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
