import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { QUEUE_PRODUCER, type QueueProducer } from '@switchboard/queue';
import { RequestContext, TenantScopedRepository } from '@switchboard/tenancy';
import { TOKEN_VAULT, type TokenVault } from '@switchboard/token-vault';
import type { Repository } from 'typeorm';
import { endpointSecretScope } from './endpoint-secret';
import { EventEndpointEntity } from './event-endpoint.entity';
import type { CreateEndpoint, EndpointView } from './event-endpoints.schemas';
import { TENANT_EVENTS_SETTINGS, type TenantEventsSettings } from './tenant-events.constants';

function view(row: EventEndpointEntity): EndpointView {
  return { id: row.id, url: row.url, events: row.events, description: row.description, createdAt: row.createdAt.toISOString() };
}

/** Equal after the WHATWG parser's normalisation: `HTTPS://Example.com` and `https://example.com/` are one endpoint. */
function sameUrl(a: string, b: string): boolean {
  return URL.canParse(a) && URL.canParse(b) && new URL(a).href === new URL(b).href;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `/v1/endpoints`: a tenant environment's event endpoints; everything through the tenant-scoped repository. */
@Injectable()
export class EventEndpointsService {
  private readonly endpoints: TenantScopedRepository<EventEndpointEntity>;

  constructor(
    @InjectRepository(EventEndpointEntity) private readonly rows: Repository<EventEndpointEntity>,
    @Inject(TOKEN_VAULT) private readonly vault: TokenVault,
    @Inject(QUEUE_PRODUCER) private readonly producer: QueueProducer,
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
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
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
    const endpoint = await this.require(id);
    await this.rows.manager.transaction(async (manager) => {
      await manager.delete(EventEndpointEntity, { id: endpoint.id });
      await this.vault.withManager(manager).delete(endpointSecretScope(endpoint));
    });
  }

  /** Dead deliveries of the endpoint go out again, from a fresh retry budget. */
  async replay(id: string): Promise<{ replayed: number }> {
    const endpoint = await this.require(id);
    const [rows] = (await this.rows.manager.query(
      `UPDATE event_deliveries SET state = 'pending', attempts = 0, replays = replays + 1, next_attempt_at = now(), last_error = NULL
       WHERE endpoint_id = $1 AND state = 'dead' RETURNING id, replays`,
      [endpoint.id],
    )) as [Array<{ id: string; replays: number }>, number];
    for (const row of rows) await this.producer.add('events.deliver', { deliveryId: row.id, replays: row.replays, attempt: 0 });
    return { replayed: rows.length };
  }

  private async require(id: string): Promise<EventEndpointEntity> {
    const endpoint = UUID.test(id) ? await this.endpoints.findOne({ id }) : null;
    if (!endpoint) throw new SwitchboardError({ code: 'not_found', message: `No endpoint ${id.slice(0, 40)}` });
    return endpoint;
  }
}
