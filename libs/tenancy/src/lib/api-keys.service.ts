import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { SwitchboardError } from '@switchboard/error-taxonomy';
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

@Injectable()
export class ApiKeysService {
  /** Verified keys by hash; short-lived so a revocation lands on every instance within keyCacheMs. */
  private readonly verified: LRUCache<string, TenantPrincipal>;
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
  ) {
    this.verified = new LRUCache({ max: settings.keyCacheSize ?? 10_000, ttl: settings.keyCacheMs ?? 1000 });
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

  /** Stops the key here at once; other instances drop it when their keyCacheMs runs out. */
  async revoke(tenantId: string, keyId: string): Promise<void> {
    const revoked: Array<{ key_hash: Buffer }> = /^[0-9a-f-]{36}$/i.test(keyId)
      ? (
          await this.keys
            .createQueryBuilder()
            .update()
            .set({ revokedAt: () => 'now()' })
            .where({ id: keyId, tenantId, revokedAt: IsNull() })
            .returning(['keyHash'])
            .execute()
        ).raw
      : [];
    const [row] = revoked;
    if (!row) throw new SwitchboardError({ code: 'not_found', message: 'No such API key' });
    this.verified.delete(cacheKeyOf(row.key_hash));
  }

  /** The principal of a valid, unrevoked key, or undefined. */
  async authenticate(key: string): Promise<TenantPrincipal | undefined> {
    const parsed = parseApiKey(key);
    if (!parsed) return undefined;
    const cacheKey = cacheKeyOf(parsed.hash);
    const cached = this.verified.get(cacheKey);
    if (cached) return cached;
    if (this.unknown.has(cacheKey)) return undefined;
    const pending = this.lookups.get(cacheKey);
    if (pending) return pending;
    const lookup = this.lookUp(parsed, cacheKey).finally(() => this.lookups.delete(cacheKey));
    this.lookups.set(cacheKey, lookup);
    return lookup;
  }

  private async lookUp(parsed: ParsedApiKey, cacheKey: string): Promise<TenantPrincipal | undefined> {
    const row = await this.keys.findOneBy({ lookupPrefix: parsed.lookupPrefix, revokedAt: IsNull() });
    const valid = row && row.environment === parsed.environment && sameHash(row.keyHash, parsed.hash);
    if (!valid) {
      this.unknown.set(cacheKey, true);
      return undefined;
    }
    const principal = { tenantId: row.tenantId, environment: row.environment, keyId: row.id };
    this.verified.set(cacheKey, principal);
    this.touch(principal.keyId, Date.now());
    return principal;
  }

  /** last_used_at at most once a minute per key: a write per request would cost more than the request. */
  private touch(keyId: string, now: number): void {
    const interval = this.settings.lastUsedWriteIntervalMs ?? 60_000;
    if (now - (this.lastUsedWritten.get(keyId) ?? 0) < interval) return;
    this.lastUsedWritten.set(keyId, now);
    this.keys.update({ id: keyId }, { lastUsedAt: new Date(now) }).catch(() => this.lastUsedWritten.delete(keyId));
  }
}
