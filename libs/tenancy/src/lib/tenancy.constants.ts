export const TENANCY_SETTINGS = Symbol('TENANCY_SETTINGS');

export interface TenancySettings {
  /** The operator's key for /v1/admin/*. */
  adminApiKey: string;
  /** How long a verified key is trusted without a database read; bounds revocation delay. */
  keyCacheMs?: number;
  /** How many verified keys one process keeps (least recently used go first). */
  keyCacheSize?: number;
  /** How long a key hash that matched no unrevoked key is refused without a database read. */
  unknownKeyCacheMs?: number;
  /** How many such hashes one process keeps, apart from the verified keys. */
  unknownKeyCacheSize?: number;
  /** last_used_at is written at most this often per key and process. */
  lastUsedWriteIntervalMs?: number;
}
