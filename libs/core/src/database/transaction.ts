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

/**
 * `fn` in a read-only REPEATABLE READ transaction begun with one statement: TypeORM's
 * `transaction('REPEATABLE READ')` sends two (START TRANSACTION, then SET TRANSACTION), one
 * round trip more on every report. The runner is left as TypeORM's own `startTransaction`
 * leaves it, so a nested `transaction` takes a savepoint and `inTransaction` joins it.
 */
export async function readSnapshot<T>(
  dataSource: DataSource,
  fn: (em: EntityManager) => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    Object.assign(runner, { isTransactionActive: true, transactionDepth: 1 });
    const result = await fn(runner.manager);
    await runner.commitTransaction();
    return result;
  } catch (e) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw e;
  } finally {
    await runner.release();
  }
}
