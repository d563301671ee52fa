import type { MessageError } from '@switchboard/error-taxonomy';
import type { Environment } from '@switchboard/tenancy';
import type { EntityManager } from 'typeorm';
import { SuppressionEntity, type SuppressionSource } from '../persistence/suppression.entity';

/** An automatic suppression for one channel in the caller's transaction (or connection). An existing entry, manual or not, is kept. */
export async function insertSuppression(
  manager: EntityManager,
  scope: { tenantId: string; environment: Environment },
  channel: string,
  address: string,
  reason: string,
  source: Exclude<SuppressionSource, 'manual'>,
): Promise<void> {
  await manager
    .createQueryBuilder()
    .insert()
    .into(SuppressionEntity)
    .values({ tenantId: scope.tenantId, environment: scope.environment, waId: address, channel, reason: reason.slice(0, 500), source })
    .orIgnore()
    .execute();
}

/**
 * An opt-out a channel reported (Meta 131050 or a `user_preferences` stop, an SMS STOP),
 * recorded as a suppression for that channel in the caller's transaction, so it lands
 * exactly when the report that carries it is marked processed.
 */
export function recordOptOut(manager: EntityManager, scope: { tenantId: string; environment: Environment; channel: string }, address: string, reason: string): Promise<void> {
  return insertSuppression(manager, scope, scope.channel, address, reason, 'webhook');
}

/** An opt-in (an SMS START): the channel's automatic suppression of the address goes; manual entries stay. */
export async function recordOptIn(manager: EntityManager, scope: { tenantId: string; environment: Environment; channel: string }, address: string): Promise<void> {
  await manager.delete(SuppressionEntity, { tenantId: scope.tenantId, environment: scope.environment, waId: address, channel: scope.channel, source: 'webhook' });
}

/** A suppression's reason in the vendor's words: Meta's or the channel vendor's code, then the message. */
export function optOutReason(error: Pick<MessageError, 'code' | 'message' | 'meta' | 'provider'>): string {
  const vendor = error.meta ? `Meta ${error.meta.code}` : error.provider ? `${error.provider.channel} ${error.provider.code}` : error.code;
  return `${vendor}: ${error.message}`;
}
