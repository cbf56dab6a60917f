import type { SignedCheckpoint } from '../domain/checkpoint';

/** One stored line as read back: a checkpoint, or why the line is not one. */
export type StoredCheckpoint =
  { line: number; checkpoint: SignedCheckpoint } | { line: number; error: string; incomplete: boolean };

/**
 * Where signed checkpoints live, outside the database. Writers hold the tenant's checkpoint
 * lock (in Postgres) while they read the latest and append, so a tenant's file only grows.
 * A directory today; an object store (with object lock) fits the same three calls.
 */
export interface CheckpointStore {
  /** Where the checkpoints are, for messages. */
  readonly location: string;
  /** The tenant's most recent checkpoint, or null when it has none. */
  latest(tenantId: string): Promise<SignedCheckpoint | null>;
  append(checkpoint: SignedCheckpoint): Promise<void>;
  /** Every stored line of a tenant, oldest first. */
  read(tenantId: string): Promise<StoredCheckpoint[]>;
}

export const CHECKPOINT_STORE = Symbol('CHECKPOINT_STORE');
