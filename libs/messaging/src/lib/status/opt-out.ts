import type { Environment } from '@switchboard/tenancy';
import type { EntityManager } from 'typeorm';
import { SuppressionEntity, type SuppressionSource } from '../persistence/suppression.entity';

/** An automatic suppression in the caller's transaction (or connection). An existing entry, manual or not, is kept. */
export async function insertSuppression(
  manager: EntityManager,
  scope: { tenantId: string; environment: Environment },
  waId: string,
  reason: string,
  source: Exclude<SuppressionSource, 'manual'>,
): Promise<void> {
  await manager
    .createQueryBuilder()
    .insert()
    .into(SuppressionEntity)
    .values({ tenantId: scope.tenantId, environment: scope.environment, waId, reason: reason.slice(0, 500), source })
    .orIgnore()
    .execute();
}

/**
 * A marketing opt-out Meta reported (131050, `user_preferences` stop), recorded as a
 * suppression in the caller's transaction, so it lands exactly when the webhook item
 * that reports it is marked processed.
 */
export function recordOptOut(manager: EntityManager, scope: { tenantId: string; environment: Environment }, waId: string, reason: string): Promise<void> {
  return insertSuppression(manager, scope, waId, reason, 'webhook');
}
