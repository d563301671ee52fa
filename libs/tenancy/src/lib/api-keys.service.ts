import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { IsNull, Repository } from 'typeorm';
import { generateApiKey, parseApiKey, sameHash } from './api-key.codec';
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

interface CachedKey {
  principal: TenantPrincipal | undefined;
  expiresAt: number;
}

@Injectable()
export class ApiKeysService {
  /** Verified (or refused) keys by hash; short-lived so a revocation lands on every instance within keyCacheMs. */
  private readonly cache = new Map<string, CachedKey>();
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    private readonly tenants: TenantsService,
    @Inject(TENANCY_SETTINGS) private readonly settings: TenancySettings,
  ) {}

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

  async revoke(tenantId: string, keyId: string): Promise<void> {
    const result = /^[0-9a-f-]{36}$/i.test(keyId)
      ? await this.keys.update({ id: keyId, tenantId, revokedAt: IsNull() }, { revokedAt: new Date() })
      : { affected: 0 };
    if (!result.affected) throw new SwitchboardError({ code: 'not_found', message: 'No such API key' });
  }

  /** The principal of a valid, unrevoked key, or undefined. */
  async authenticate(key: string): Promise<TenantPrincipal | undefined> {
    const parsed = parseApiKey(key);
    if (!parsed) return undefined;
    const cacheKey = parsed.hash.toString('base64');
    const now = Date.now();
    const cached = this.cache.get(cacheKey);
    if (cached && cached.expiresAt > now) return cached.principal;

    const row = await this.keys.findOneBy({ lookupPrefix: parsed.lookupPrefix, revokedAt: IsNull() });
    const valid = row && row.environment === parsed.environment && sameHash(row.keyHash, parsed.hash);
    const principal = valid ? { tenantId: row.tenantId, environment: row.environment, keyId: row.id } : undefined;
    this.remember(cacheKey, principal, now);
    if (principal) this.touch(principal.keyId, now);
    return principal;
  }

  private remember(cacheKey: string, principal: TenantPrincipal | undefined, now: number): void {
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(cacheKey, { principal, expiresAt: now + (this.settings.keyCacheMs ?? 1000) });
  }

  /** last_used_at at most once a minute per key: a write per request would cost more than the request. */
  private touch(keyId: string, now: number): void {
    const interval = this.settings.lastUsedWriteIntervalMs ?? 60_000;
    if (now - (this.lastUsedWritten.get(keyId) ?? 0) < interval) return;
    this.lastUsedWritten.set(keyId, now);
    this.keys.update({ id: keyId }, { lastUsedAt: new Date(now) }).catch(() => this.lastUsedWritten.delete(keyId));
  }
}
