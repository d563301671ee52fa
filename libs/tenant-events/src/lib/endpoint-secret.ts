import { randomBytes } from 'node:crypto';
import type { TenantVaultScope } from '@switchboard/token-vault';
import type { EventEndpointEntity } from './event-endpoint.entity';

const PREFIX = 'whsec_';

/** Where an endpoint's signing secret lives in the vault. */
export function endpointSecretScope(endpoint: Pick<EventEndpointEntity, 'id' | 'tenantId' | 'environment'>): TenantVaultScope {
  return { tenantId: endpoint.tenantId, environment: endpoint.environment, purpose: 'event_endpoint_secret', ownerRef: endpoint.id };
}

/** A Standard Webhooks secret: `whsec_` and the standard (padded) base64 of 32 random bytes, what every verifier library decodes. */
export function newEndpointSecret(): string {
  return `${PREFIX}${randomBytes(32).toString('base64')}`;
}

/**
 * The HMAC key of a secret: the bytes its base64 part decodes to. Secrets issued before the
 * Standard Webhooks headers used the base64url alphabet without padding; Node's base64 decoder
 * reads both alphabets, so those secrets keep their key bytes and keep working as stored.
 */
export function endpointSigningKey(secret: string): Buffer {
  const key = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
  if (key.length === 0) throw new Error('an endpoint secret decodes to no key bytes');
  return key;
}

/**
 * The same secret spelled as Standard Webhooks libraries expect it (`whsec_` + padded standard
 * base64): a secret issued in base64url is rewritten, a standard one comes back unchanged.
 */
export function standardWebhooksSecret(secret: string): string {
  return `${PREFIX}${endpointSigningKey(secret).toString('base64')}`;
}
