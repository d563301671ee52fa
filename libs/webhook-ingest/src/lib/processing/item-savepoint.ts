import type { EntityManager } from 'typeorm';

/**
 * SQLSTATE classes of errors that one item's own data causes: 22 (data exception, e.g. a
 * value too long) and 23 (integrity constraint, e.g. a CHECK). Anything else (a lost
 * connection, a timeout, a deadlock) fails the whole payload, which is then retried.
 */
const ITEM_ERROR = /^2[23][0-9A-Z]{3}$/;

/** The SQLSTATE of an error one item's data caused, else undefined. */
export function itemErrorState(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, driverError } = error as { code?: unknown; driverError?: { code?: unknown } };
  const state = typeof code === 'string' ? code : driverError?.code;
  return typeof state === 'string' && ITEM_ERROR.test(state) ? state : undefined;
}

/**
 * Runs one item of a payload in a savepoint of the payload's transaction: when the item's
 * data breaks a constraint, only that item is rolled back and the SQLSTATE is returned,
 * so the other items (often other tenants' statuses in the same batch) still commit.
 * Other errors are thrown.
 */
export async function inSavepoint(manager: EntityManager, apply: () => Promise<void>): Promise<{ applied: true } | { applied: false; sqlState: string }> {
  await manager.query('SAVEPOINT webhook_item');
  try {
    await apply();
  } catch (error) {
    const sqlState = itemErrorState(error);
    if (sqlState === undefined) throw error;
    await manager.query('ROLLBACK TO SAVEPOINT webhook_item');
    await manager.query('RELEASE SAVEPOINT webhook_item');
    return { applied: false, sqlState };
  }
  await manager.query('RELEASE SAVEPOINT webhook_item');
  return { applied: true };
}
