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
  async publish(manager: EntityManager, scope: TenantEventScope, type: TenantEventType, data: Record<string, unknown>): Promise<string[]> {
    const event = newTenantEvent(scope, type, data);
    const rows = (await manager.query(
      `INSERT INTO event_deliveries (endpoint_id, tenant_id, environment, event_id, type, payload)
       SELECT id, tenant_id, environment, $3, $4::text, $5 FROM event_endpoints WHERE tenant_id = $1 AND environment = $2 AND $4::text = ANY(events)
       RETURNING id`,
      [scope.tenantId, scope.environment, event.id, type, JSON.stringify(event)],
    )) as Array<{ id: string }>;
    return rows.map((row) => row.id);
  }

  async dispatch(deliveryIds: readonly string[]): Promise<void> {
    for (const deliveryId of deliveryIds) {
      try {
        await this.producer.add('events.deliver', { deliveryId, replays: 0, attempt: 0, traceparent: currentTraceparent() });
      } catch (error) {
        this.logger.warn({ deliveryId, reason: error instanceof Error ? error.message : String(error) }, 'event delivery not enqueued; the events sweep will');
      }
    }
  }
}
