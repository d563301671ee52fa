export const TENANCY_SETTINGS = Symbol('TENANCY_SETTINGS');

export interface TenancySettings {
  /** The operator's key for /v1/admin/*. */
  adminApiKey: string;
  /** How long a verified key is trusted without a database read; bounds revocation delay. */
  keyCacheMs?: number;
  /** last_used_at is written at most this often per key and process. */
  lastUsedWriteIntervalMs?: number;
}
