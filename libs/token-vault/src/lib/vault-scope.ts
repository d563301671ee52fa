import { SwitchboardError } from '@switchboard/error-taxonomy';

export const VAULT_ENVIRONMENTS = ['live', 'test'] as const;
export type VaultEnvironment = (typeof VAULT_ENVIRONMENTS)[number];

/**
 * What a secret is for. Part of the authenticated data, so a Meta app secret can never
 * be read back as an access token. Adding one needs no migration (the column only
 * checks the format); renaming one orphans every row sealed under the old name.
 */
export const VAULT_PURPOSES = ['waba_access_token', 'meta_app_secret', 'meta_verify_token', 'event_endpoint_secret', 'channel_connection_config'] as const;
export type VaultPurpose = (typeof VAULT_PURPOSES)[number];

/**
 * Secrets of the operator rather than of a tenant: a Meta app serves many tenants'
 * WABAs, and its webhooks must be verified before any tenant is known.
 */
export const PLATFORM_ENVIRONMENT = 'platform';
export const PLATFORM_PURPOSES = ['meta_app_secret', 'meta_verify_token'] as const;
export type PlatformPurpose = (typeof PLATFORM_PURPOSES)[number];

/** Where a tenant's secret belongs. All four parts select the row and are bound into its ciphertext. */
export interface TenantVaultScope {
  readonly tenantId: string;
  readonly environment: VaultEnvironment;
  readonly purpose: VaultPurpose;
  /** The owning record's id or natural key, e.g. the WABA id or the Meta app id. */
  readonly ownerRef: string;
}

/** Where an operator-level secret belongs: no tenant, the `platform` environment. */
export interface PlatformVaultScope {
  readonly tenantId: null;
  readonly environment: typeof PLATFORM_ENVIRONMENT;
  readonly purpose: PlatformPurpose;
  readonly ownerRef: string;
}

export type VaultScope = TenantVaultScope | PlatformVaultScope;

export function platformScope(purpose: PlatformPurpose, ownerRef: string): PlatformVaultScope {
  return { tenantId: null, environment: PLATFORM_ENVIRONMENT, purpose, ownerRef };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_OWNER_REF_LENGTH = 200;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/**
 * Checks a scope at run time (callers are TypeScript, but scopes are built from
 * request data) and normalises the tenant id to Postgres's lower-case form, so the
 * authenticated data is the same bytes whoever spelled the uuid.
 */
export function normaliseScope(scope: VaultScope): VaultScope {
  const issues: Array<{ path: string; issue: string }> = [];
  const platform = scope.tenantId === null;
  const tenantId = typeof scope.tenantId === 'string' ? scope.tenantId.toLowerCase() : '';
  if (platform) {
    if (scope.environment !== PLATFORM_ENVIRONMENT) {
      issues.push({ path: 'environment', issue: `a scope without tenant is the ${PLATFORM_ENVIRONMENT} environment` });
    }
    if (!(PLATFORM_PURPOSES as readonly unknown[]).includes(scope.purpose)) {
      issues.push({ path: 'purpose', issue: `platform secrets are one of ${PLATFORM_PURPOSES.join(', ')}` });
    }
  } else {
    if (!UUID.test(tenantId)) issues.push({ path: 'tenantId', issue: 'expected a uuid' });
    if (!(VAULT_ENVIRONMENTS as readonly unknown[]).includes(scope.environment)) {
      issues.push({ path: 'environment', issue: `expected one of ${VAULT_ENVIRONMENTS.join(', ')}` });
    }
    if (!(VAULT_PURPOSES as readonly unknown[]).includes(scope.purpose)) {
      issues.push({ path: 'purpose', issue: `expected one of ${VAULT_PURPOSES.join(', ')}` });
    }
  }
  const ownerRef = scope.ownerRef;
  if (
    typeof ownerRef !== 'string' ||
    ownerRef.length === 0 ||
    ownerRef.length > MAX_OWNER_REF_LENGTH ||
    CONTROL_CHARS.test(ownerRef)
  ) {
    issues.push({ path: 'ownerRef', issue: `expected 1-${MAX_OWNER_REF_LENGTH} printable characters` });
  }
  if (issues.length > 0) {
    // Scope values are identifiers, not secrets, but they are still not echoed:
    // a caller that mixed up arguments could have passed the secret as one.
    throw new SwitchboardError({
      code: 'validation_failed',
      message: `Invalid vault scope: ${issues.map((i) => i.path).join(', ')}`,
      details: issues,
    });
  }
  return platform
    ? platformScope(scope.purpose as PlatformPurpose, ownerRef)
    : { tenantId, environment: scope.environment as VaultEnvironment, purpose: scope.purpose, ownerRef };
}

/** Log-safe description of a scope for error messages and metadata. */
export function describeScope(scope: VaultScope): string {
  return `tenant ${scope.tenantId ?? PLATFORM_ENVIRONMENT}, environment ${scope.environment}, purpose ${scope.purpose}, owner ${scope.ownerRef}`;
}

export function scopeMetadata(scope: VaultScope): Record<string, string> {
  return {
    tenantId: scope.tenantId ?? PLATFORM_ENVIRONMENT,
    environment: scope.environment,
    purpose: scope.purpose,
    ownerRef: scope.ownerRef,
  };
}

/** Cache key: JSON keeps the parts unambiguous whatever characters ownerRef holds. */
export function scopeKey(scope: VaultScope): string {
  return JSON.stringify([scope.tenantId, scope.environment, scope.purpose, scope.ownerRef]);
}
