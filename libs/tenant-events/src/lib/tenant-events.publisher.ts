import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { QUEUE_PRODUCER, type QueueProducer } from '@switchboard/queue';
import { currentTraceparent } from '@switchboard/telemetry';
import type { Environment } from '@switchboard/tenancy';
import type { EntityManager } from 'typeorm';
import type { DeliveredEventType, TenantEventType } from './tenant-events.constants';

export interface TenantEventScope {
  tenantId: string;
  environment: Environment;
}

/** What an endpoint receives: one JSON object per POST. */
export interface TenantEvent<T = Record<string, unknown>> {
  id: string;
  type: DeliveredEventType;
  environment: Environment;
  createdAt: string;
  data: T;
}

/** A new event: its `id` is the delivery's `webhook-id` on every attempt and replay. */
export function newTenantEvent(scope: TenantEventScope, type: DeliveredEventType, data: Record<string, unknown>): TenantEvent {
  return { id: randomUUID(), type, environment: scope.environment, createdAt: new Date().toISOString(), data };
}

/**
 * Records an event for every endpoint of the tenant environment subscribed to its type,
 * inside the caller's transaction (so the event exists exactly when what it reports does),
 * and enqueues the deliveries once the caller has committed (`dispatch`); a delivery whose
 * job is lost is found by the events sweep.
 */
@Injectable()
export class TenantEventsPublisher {
  private readonly logger = new Logger(TenantEventsPublisher.name);

  constructor(@Inject(QUEUE_PRODUCER) private readonly producer: QueueProducer) {}

  /** Delivery ids to pass to `dispatch` after the commit. */
  publish(manager: EntityManager, scope: TenantEventScope, type: TenantEventType, data: Record<string, unknown>): Promise<string[]> {
    return this.publishMany(manager, type, [{ scope, data }]);
  }

  /**
   * Several events of one type, each for its own tenant environment, in one statement (a
   * webhook payload's statuses): delivery ids in the order of the events, to pass to `dispatch`.
   */
  async publishMany(manager: EntityManager, type: TenantEventType, events: ReadonlyArray<{ scope: TenantEventScope; data: Record<string, unknown> }>): Promise<string[]> {
    if (events.length === 0) return [];
    const built = events.map(({ scope, data }) => newTenantEvent(scope, type, data));
    const rows = (await manager.query(
      `INSERT INTO event_deliveries (endpoint_id, tenant_id, environment, event_id, type, payload)
       SELECT endpoint.id, endpoint.tenant_id, endpoint.environment, event.id, $1::text, event.payload
         FROM unnest($2::uuid[], $3::varchar[], $4::uuid[], $5::jsonb[]) WITH ORDINALITY AS event(tenant_id, environment, id, payload, position)
         JOIN event_endpoints endpoint ON endpoint.tenant_id = event.tenant_id AND endpoint.environment = event.environment AND $1::text = ANY(endpoint.events)
        ORDER BY event.position
       RETURNING id`,
      [
        type,
        events.map((event) => event.scope.tenantId),
        events.map((event) => event.scope.environment),
        built.map((event) => event.id),
        built.map((event) => JSON.stringify(event)),
      ],
    )) as Array<{ id: string }>;
    return rows.map((row) => row.id);
  }

  /** All at once, so a payload's deliveries share one round trip to Redis rather than one each. */
  async dispatch(deliveryIds: readonly string[]): Promise<void> {
    const traceparent = currentTraceparent();
    await Promise.all(
      deliveryIds.map((deliveryId) =>
        this.producer.add('events.deliver', { deliveryId, replays: 0, attempt: 0, traceparent }).catch((error: unknown) => {
          this.logger.warn({ deliveryId, reason: error instanceof Error ? error.message : String(error) }, 'event delivery not enqueued; the events sweep will');
        }),
      ),
    );
  }
}
