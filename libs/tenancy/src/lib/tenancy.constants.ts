export const TENANCY_SETTINGS = Symbol('TENANCY_SETTINGS');

export interface TenancySettings {
  /** The operator's key for /v1/admin/*. */
  adminApiKey: string;
  /** How many verified keys one process knows (least recently used go first); whether one is revoked is kept until a revocation is published. */
  keyCacheSize?: number;
  /** How long a key hash that matched no unrevoked key is refused without a database read. */
  unknownKeyCacheMs?: number;
  /** How many such hashes one process keeps, apart from the verified keys. */
  unknownKeyCacheSize?: number;
  /** last_used_at is written at most this often per key and process. */
  lastUsedWriteIntervalMs?: number;
}
