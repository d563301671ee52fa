import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { RequestContext, TenantScopedRepository } from '@switchboard/tenancy';
import { TOKEN_VAULT, type TokenVault } from '@switchboard/token-vault';
import type { Repository } from 'typeorm';
import { endpointSecretScope, newEndpointSecret } from './endpoint-secret';
import { EventEndpointEntity } from './event-endpoint.entity';
import { isUuid } from './is-uuid';
import type { CreateEndpoint, EndpointView } from './event-endpoints.schemas';
import { TENANT_EVENTS_SETTINGS, type TenantEventsSettings } from './tenant-events.constants';

function view(row: EventEndpointEntity): EndpointView {
  return { id: row.id, url: row.url, events: row.events, description: row.description, createdAt: row.createdAt.toISOString() };
}

/** Equal after the WHATWG parser's normalisation: `HTTPS://Example.com` and `https://example.com/` are one endpoint. */
function sameUrl(a: string, b: string): boolean {
  return URL.canParse(a) && URL.canParse(b) && new URL(a).href === new URL(b).href;
}

/** `/v1/endpoints`: a tenant environment's event endpoints; everything through the tenant-scoped repository. */
@Injectable()
export class EventEndpointsService {
  private readonly endpoints: TenantScopedRepository<EventEndpointEntity>;

  constructor(
    @InjectRepository(EventEndpointEntity) private readonly rows: Repository<EventEndpointEntity>,
    @Inject(TOKEN_VAULT) private readonly vault: TokenVault,
    @Inject(TENANT_EVENTS_SETTINGS) private readonly settings: TenantEventsSettings,
  ) {
    this.endpoints = new TenantScopedRepository(rows);
  }

  /**
   * Row and secret in one transaction; the secret is returned here and never again. The cap and
   * the duplicate check run under a lock per tenant environment, so concurrent creations cannot
   * pass them together.
   */
  async create(input: CreateEndpoint): Promise<EndpointView & { secret: string }> {
    const { tenantId, environment } = RequestContext.principal();
    const secret = newEndpointSecret();
    const saved = await this.rows.manager.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`event-endpoints ${tenantId} ${environment}`]);
      const existing = await manager.find(EventEndpointEntity, { where: { tenantId, environment }, select: { id: true, url: true } });
      this.assertRoomFor(input.url, existing);
      const row = await manager.save(
        manager.create(EventEndpointEntity, { tenantId, environment, url: input.url, events: [...new Set(input.events)], description: input.description ?? null }),
      );
      await this.vault.withManager(manager).put(endpointSecretScope(row), secret);
      return row;
    });
    return { ...view(saved), secret };
  }

  /** Refuses an endpoint past the per-environment cap, and a URL the environment already has. */
  private assertRoomFor(url: string, existing: readonly Pick<EventEndpointEntity, 'id' | 'url'>[]): void {
    const same = existing.find((endpoint) => sameUrl(endpoint.url, url));
    if (same) {
      throw new SwitchboardError({
        code: 'conflict',
        message: `Endpoint ${same.id} already receives this environment's events at this URL; delete it first to change its events`,
        details: [{ path: 'url', issue: `already registered as endpoint ${same.id}` }],
      });
    }
    const max = this.settings.maxEndpointsPerEnvironment;
    if (existing.length >= max) {
      throw new SwitchboardError({
        code: 'endpoint_limit_reached',
        message: `This environment has ${existing.length} event endpoints, the most it may have is ${max}; delete one first`,
        details: [{ path: 'url', issue: `at most ${max} endpoints per environment` }],
      });
    }
  }

  async list(): Promise<{ data: EndpointView[] }> {
    return { data: (await this.endpoints.find({}, { order: { createdAt: 'ASC' } })).map(view) };
  }

  async remove(id: string): Promise<void> {
    const endpoint = await this.owned(id);
    await this.rows.manager.transaction(async (manager) => {
      await manager.delete(EventEndpointEntity, { id: endpoint.id });
      await this.vault.withManager(manager).delete(endpointSecretScope(endpoint));
    });
  }

  /** The endpoint of the caller's tenant environment, or `404 not_found` (another tenant's or environment's included). */
  async owned(id: string): Promise<EventEndpointEntity> {
    const endpoint = isUuid(id) ? await this.endpoints.findOne({ id }) : null;
    if (!endpoint) throw new SwitchboardError({ code: 'not_found', message: `No endpoint ${id.slice(0, 40)}` });
    return endpoint;
  }
}
