import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { GraphApiClient } from '@switchboard/graph-api-client';
import { CacheInvalidation } from '@switchboard/platform';
import type { Environment } from '@switchboard/tenancy';
import { Repository } from 'typeorm';
import { ACCOUNTS_CACHE_TOPIC, accountsCacheKeys } from './accounts.cache';
import { ACCOUNTS_SETTINGS, type AccountsSettings } from './accounts.constants';
import { TenantEnvironmentEntity } from './tenant-environment.entity';

/**
 * One Graph client (one undici pool) per origin, shared by every tenant that uses it;
 * the environment decides the origin, so a `test` environment can point at the simulator.
 */
@Injectable()
export class GraphClients implements OnApplicationShutdown {
  private readonly clients = new Map<string, GraphApiClient>();

  constructor(
    @Inject(ACCOUNTS_SETTINGS) private readonly settings: AccountsSettings,
    @InjectRepository(TenantEnvironmentEntity) private readonly environments: Repository<TenantEnvironmentEntity>,
    private readonly caches: CacheInvalidation,
  ) {}

  forOrigin(origin: string): GraphApiClient {
    let client = this.clients.get(origin);
    if (!client) {
      client = new GraphApiClient({ baseUrl: origin, version: this.settings.graphVersion });
      this.clients.set(origin, client);
    }
    return client;
  }

  async originFor(tenantId: string, environment: Environment): Promise<string> {
    const row = await this.environments.findOneBy({ tenantId, environment });
    return row?.graphBaseUrl ?? this.settings.graphBaseUrl;
  }

  async forEnvironment(tenantId: string, environment: Environment): Promise<GraphApiClient> {
    return this.forOrigin(await this.originFor(tenantId, environment));
  }

  async setOrigin(tenantId: string, environment: Environment, graphBaseUrl: string | null): Promise<void> {
    await this.environments.upsert({ tenantId, environment, graphBaseUrl }, ['tenantId', 'environment']);
    // Every cached Graph client of the environment's WABAs points at the old origin.
    await this.caches.invalidate(ACCOUNTS_CACHE_TOPIC, [accountsCacheKeys.environment({ tenantId, environment })]);
  }

  // After every module's destroy hook, so the send worker's last calls (it drains on destroy) still have their pool.
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.clients.values()].map((client) => client.close()));
    this.clients.clear();
  }
}
