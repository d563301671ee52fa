import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { QUEUE_PRODUCER, type QueueProducer } from '@switchboard/queue';
import { currentTraceparent } from '@switchboard/telemetry';
import type { Environment } from '@switchboard/tenancy';
import { DataSource } from 'typeorm';
import type { DeliveryStatus, DeliveryView, ListDeliveriesQuery } from './event-deliveries.schemas';
import { EventEndpointsService } from './event-endpoints.service';
import { isUuid } from './is-uuid';
import { ENDPOINT_TEST_EVENT_TYPE } from './tenant-events.constants';
import { newTenantEvent } from './tenant-events.publisher';

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  type: DeliveryView['type'];
  state: DeliveryStatus;
  attempts: number;
  replays: number;
  next_attempt_at: Date;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
  /** Creation time in microseconds since the epoch, exact (a JS Date keeps milliseconds only): half of the cursor. */
  created_micros: string;
}

const COLUMNS = `id, endpoint_id, event_id, type, state, attempts, replays, next_attempt_at, last_status_code, last_error, created_at, delivered_at,
  (extract(epoch FROM created_at) * 1000000)::bigint::text AS created_micros`;

function view(row: DeliveryRow): DeliveryView {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    type: row.type,
    status: row.state,
    attempts: row.attempts,
    replays: row.replays,
    nextAttemptAt: row.state === 'pending' ? row.next_attempt_at.toISOString() : null,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: row.created_at.toISOString(),
    deliveredAt: row.delivered_at?.toISOString() ?? null,
  };
}

/**
 * `/v1/endpoints/{id}/deliveries`, replays and the test event. Every query starts from an endpoint
 * found through the tenant-scoped repository, so another tenant's or environment's is a 404.
 */
@Injectable()
export class EventDeliveriesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly endpoints: EventEndpointsService,
    @Inject(QUEUE_PRODUCER) private readonly producer: QueueProducer,
  ) {}

  /** Newest first, `limit` per page; `nextCursor` is null on the last page. */
  async list(endpointId: string, query: ListDeliveriesQuery): Promise<{ data: DeliveryView[]; nextCursor: string | null }> {
    const endpoint = await this.endpoints.owned(endpointId);
    const params: unknown[] = [endpoint.id, endpoint.tenantId, query.limit + 1];
    let where = 'endpoint_id = $1 AND tenant_id = $2';
    if (query.status) {
      params.push(query.status);
      where += ` AND state = $${params.length}`;
    }
    if (query.cursor) {
      const [micros, id] = query.cursor.split('_') as [string, string];
      params.push(micros, id);
      where += ` AND (created_at, id) < (timestamptz 'epoch' + $${params.length - 1}::bigint * interval '1 microsecond', $${params.length}::uuid)`;
    }
    const rows = (await this.dataSource.query(`SELECT ${COLUMNS} FROM event_deliveries WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT $3`, params)) as DeliveryRow[];
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return { data: page.map(view), nextCursor: rows.length > query.limit && last ? `${last.created_micros}_${last.id}` : null };
  }

  /**
   * One delivered or dead delivery goes out again as a new attempt with a fresh retry budget and
   * the same event (same `webhook-id`). A pending one is already owed an attempt: `409 conflict`.
   */
  async replay(endpointId: string, deliveryId: string): Promise<DeliveryView> {
    const endpoint = await this.endpoints.owned(endpointId);
    if (!isUuid(deliveryId)) throw this.noDelivery(deliveryId);
    const [row] = await this.requeue(`id = $1 AND endpoint_id = $2 AND state <> 'pending'`, [deliveryId, endpoint.id]);
    if (row) return view(row);
    const [pending] = (await this.dataSource.query(`SELECT id FROM event_deliveries WHERE id = $1 AND endpoint_id = $2`, [deliveryId, endpoint.id])) as unknown[];
    if (!pending) throw this.noDelivery(deliveryId);
    throw new SwitchboardError({ code: 'conflict', message: `Delivery ${deliveryId} is pending: its next attempt is already queued` });
  }

  /** Every dead delivery of the endpoint goes out again, from a fresh retry budget. */
  async replayDead(endpointId: string): Promise<{ replayed: number }> {
    const endpoint = await this.endpoints.owned(endpointId);
    return { replayed: (await this.requeue(`endpoint_id = $1 AND state = 'dead'`, [endpoint.id])).length };
  }

  /** An `endpoint.test` event to this endpoint only, whatever events it subscribes to; delivered, signed and retried like any other. */
  async sendTest(endpointId: string): Promise<DeliveryView> {
    const endpoint = await this.endpoints.owned(endpointId);
    const scope: { tenantId: string; environment: Environment } = { tenantId: endpoint.tenantId, environment: endpoint.environment };
    const event = newTenantEvent(scope, ENDPOINT_TEST_EVENT_TYPE, { endpointId: endpoint.id, url: endpoint.url });
    const [row] = (await this.dataSource.query(
      `INSERT INTO event_deliveries (endpoint_id, tenant_id, environment, event_id, type, payload) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [endpoint.id, endpoint.tenantId, endpoint.environment, event.id, event.type, JSON.stringify(event)],
    )) as DeliveryRow[];
    if (!row) throw new Error('the test delivery was not recorded');
    // Recorded first: should this enqueue fail, the request fails and the events sweep still delivers the row.
    await this.producer.add('events.deliver', { deliveryId: row.id, replays: 0, attempt: 0, traceparent: currentTraceparent() });
    return view(row);
  }

  private async requeue(where: string, params: unknown[]): Promise<DeliveryRow[]> {
    const [rows] = (await this.dataSource.query(
      `UPDATE event_deliveries SET state = 'pending', attempts = 0, replays = replays + 1, next_attempt_at = now(), last_error = NULL, delivered_at = NULL
       WHERE ${where} RETURNING ${COLUMNS}`,
      params,
    )) as [DeliveryRow[], number];
    for (const row of rows) await this.producer.add('events.deliver', { deliveryId: row.id, replays: row.replays, attempt: 0, traceparent: currentTraceparent() });
    return rows;
  }

  private noDelivery(deliveryId: string): SwitchboardError {
    return new SwitchboardError({ code: 'not_found', message: `No delivery ${deliveryId.slice(0, 40)} for this endpoint` });
  }
}
