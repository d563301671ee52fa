import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { CacheInvalidation, cacheKey, type InvalidatingCache } from '@switchboard/platform';
import { LRUCache } from 'lru-cache';
import { IsNull, Repository } from 'typeorm';
import { generateApiKey, parseApiKey, sameHash, type ParsedApiKey } from './api-key.codec';
import { ApiKeyEntity } from './api-key.entity';
import type { Environment } from './environment';
import type { TenantPrincipal } from './request-context';
import { TENANCY_SETTINGS, type TenancySettings } from './tenancy.constants';
import { TenantsService } from './tenants.service';

export interface CreatedApiKey {
  id: string;
  key: string;
  environment: Environment;
  name: string | null;
  createdAt: string;
}

/** A key as listed: never the key itself nor its hash. */
export interface ApiKeyView {
  id: string;
  environment: Environment;
  name: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const cacheKeyOf = (hash: Buffer) => hash.toString('base64');

const CACHE_TOPIC = 'api-keys';
/** Ids only: a revocation names the key's tenant, environment and id, never the key or its hash. */
const stateKeyOf = (principal: TenantPrincipal) => cacheKey(principal.tenantId, principal.environment, principal.keyId);

@Injectable()
export class ApiKeysService {
  /**
   * Whose verified keys these are, by hash. A key's tenant, environment and id never change,
   * so nothing invalidates these; whether it is still unrevoked is asked of `unrevoked`.
   */
  private readonly identities: LRUCache<string, TenantPrincipal>;
  /** Whether a key is unrevoked, kept per process until a revocation anywhere drops it. */
  private readonly unrevoked: InvalidatingCache<boolean>;
  /**
   * Hashes that matched no unrevoked key, kept apart from the verified ones: a flood of
   * random well-formed keys repeats no query per key and cannot push a valid key out.
   * Remembering a miss is safe for longer: a key is unguessable before it is issued, and
   * a revoked one never comes back.
   */
  private readonly unknown: LRUCache<string, true>;
  /** Lookups in flight by hash: a burst with one key costs one query. */
  private readonly lookups = new Map<string, Promise<TenantPrincipal | undefined>>();
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    private readonly tenants: TenantsService,
    @Inject(TENANCY_SETTINGS) private readonly settings: TenancySettings,
    private readonly caches: CacheInvalidation,
  ) {
    this.identities = new LRUCache({ max: settings.keyCacheSize ?? 10_000 });
    this.unrevoked = caches.cache(CACHE_TOPIC, 'api-keys');
    this.unknown = new LRUCache({ max: settings.unknownKeyCacheSize ?? 10_000, ttl: settings.unknownKeyCacheMs ?? 30_000 });
  }

  async create(tenantId: string, input: { environment: Environment; name?: string }): Promise<CreatedApiKey> {
    await this.tenants.require(tenantId);
    const generated = generateApiKey(input.environment);
    const saved = await this.keys.save(
      this.keys.create({
        tenantId,
        environment: input.environment,
        name: input.name ?? null,
        lookupPrefix: generated.lookupPrefix,
        keyHash: generated.hash,
      }),
    );
    return {
      id: saved.id,
      key: generated.key,
      environment: saved.environment,
      name: saved.name,
      createdAt: saved.createdAt.toISOString(),
    };
  }

  /** Every key of the tenant, revoked ones included, newest first. */
  async list(tenantId: string): Promise<ApiKeyView[]> {
    await this.tenants.require(tenantId);
    const rows = await this.keys.find({ where: { tenantId }, order: { createdAt: 'DESC' } });
    return rows.map((row) => ({
      id: row.id,
      environment: row.environment,
      name: row.name,
      createdAt: row.createdAt.toISOString(),
      lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
      revokedAt: row.revokedAt?.toISOString() ?? null,
    }));
  }

  /** Stops the key here at once, and on every other instance when the invalidation arrives. */
  async revoke(tenantId: string, keyId: string): Promise<void> {
    const revoked: Array<{ environment: Environment }> = /^[0-9a-f-]{36}$/i.test(keyId)
      ? (
          await this.keys
            .createQueryBuilder()
            .update()
            .set({ revokedAt: () => 'now()' })
            .where({ id: keyId, tenantId, revokedAt: IsNull() })
            .returning(['environment'])
            .execute()
        ).raw
      : [];
    const [row] = revoked;
    if (!row) throw new SwitchboardError({ code: 'not_found', message: 'No such API key' });
    await this.caches.invalidate(CACHE_TOPIC, [stateKeyOf({ tenantId, environment: row.environment, keyId })]);
  }

  /** The principal of a valid, unrevoked key, or undefined. */
  async authenticate(key: string): Promise<TenantPrincipal | undefined> {
    const parsed = parseApiKey(key);
    if (!parsed) return undefined;
    const hashKey = cacheKeyOf(parsed.hash);
    const known = this.identities.get(hashKey);
    if (known) return (await this.unrevoked.get(stateKeyOf(known), () => this.isUnrevoked(known.keyId))) ? known : undefined;
    if (this.unknown.has(hashKey)) return undefined;
    const pending = this.lookups.get(hashKey);
    if (pending) return pending;
    const lookup = this.lookUp(parsed, hashKey).finally(() => this.lookups.delete(hashKey));
    this.lookups.set(hashKey, lookup);
    return lookup;
  }

  private async lookUp(parsed: ParsedApiKey, hashKey: string): Promise<TenantPrincipal | undefined> {
    const version = this.unrevoked.version();
    const row = await this.keys.findOneBy({ lookupPrefix: parsed.lookupPrefix, revokedAt: IsNull() });
    const valid = row && row.environment === parsed.environment && sameHash(row.keyHash, parsed.hash);
    if (!valid) {
      this.unknown.set(hashKey, true);
      return undefined;
    }
    const principal = { tenantId: row.tenantId, environment: row.environment, keyId: row.id };
    this.identities.set(hashKey, principal);
    // Unless a revocation was heard while the row was read: then the next request asks again.
    this.unrevoked.put(stateKeyOf(principal), true, version);
    this.touch(principal.keyId, Date.now());
    return principal;
  }

  private isUnrevoked(keyId: string): Promise<boolean> {
    return this.keys.existsBy({ id: keyId, revokedAt: IsNull() });
  }

  /** last_used_at at most once a minute per key: a write per request would cost more than the request. */
  private touch(keyId: string, now: number): void {
    const interval = this.settings.lastUsedWriteIntervalMs ?? 60_000;
    if (now - (this.lastUsedWritten.get(keyId) ?? 0) < interval) return;
    this.lastUsedWritten.set(keyId, now);
    this.keys.update({ id: keyId }, { lastUsedAt: new Date(now) }).catch(() => this.lastUsedWritten.delete(keyId));
  }
}
