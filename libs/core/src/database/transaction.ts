import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs `fn` in the caller's transaction when one is passed, otherwise in a new one.
 * Services take an optional manager so that several of them can share one transaction.
 */
export function inTransaction<T>(
  dataSource: DataSource,
  manager: EntityManager | undefined,
  fn: (em: EntityManager) => Promise<T>,
): Promise<T> {
  if (manager?.queryRunner?.isTransactionActive) return fn(manager);
  return dataSource.transaction(fn);
}

/** Serialises work on one key until the transaction ends (e.g. edits of one tenant's tree). */
export async function advisoryXactLock(em: EntityManager, namespace: string, id: string): Promise<void> {
  await em.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`${namespace}:${id}`]);
}
