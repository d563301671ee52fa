import type { TenantVaultScope } from '@switchboard/token-vault';
import type { EventEndpointEntity } from './event-endpoint.entity';

/** Where an endpoint's signing secret lives in the vault. */
export function endpointSecretScope(endpoint: Pick<EventEndpointEntity, 'id' | 'tenantId' | 'environment'>): TenantVaultScope {
  return { tenantId: endpoint.tenantId, environment: endpoint.environment, purpose: 'event_endpoint_secret', ownerRef: endpoint.id };
}
