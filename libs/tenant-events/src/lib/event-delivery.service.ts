import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { QUEUE_PRODUCER, type QueueProducer } from '@switchboard/queue';
import { currentTraceparent } from '@switchboard/telemetry';
import type { Environment } from '@switchboard/tenancy';
import { TOKEN_VAULT, type TokenVault } from '@switchboard/token-vault';
import { DataSource } from 'typeorm';
import { egressDispatcher, PrivateAddressRefusedError } from '@switchboard/net-guard';
import { request, type Dispatcher } from 'undici';
import { endpointSecretScope } from './endpoint-secret';
import { signEvent, signStandardWebhook } from './event-signature';
import { TENANT_EVENTS_SETTINGS, type TenantEventsSettings } from './tenant-events.constants';

export type DeliveryOutcome = 'delivered' | 'retrying' | 'dead' | 'skipped';

interface DueDelivery {
  id: string;
  endpoint_id: string;
  tenant_id: string;
  environment: Environment;
  type: string;
  payload: Record<string, unknown>;
  attempts: number;
  replays: number;
  url: string;
}

/** A pending delivery whose job should have run this long ago is re-enqueued by the sweep. */
const SWEEP_GRACE_MS = 60_000;

/**
 * One attempt to POST one event to one endpoint, signed with the endpoint's secret as Standard
 * Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`) and, for receivers built
 * before those, `Switchboard-Signature`. A 2xx
 * is delivered; anything else waits the next delay of the backoff schedule (about 24 h in
 * all), after which the delivery is dead until replayed (`POST /v1/endpoints/{id}/replay`, or one
 * delivery's `.../deliveries/{deliveryId}/replay`).
 */
@Injectable()
export class EventDeliveryService implements OnModuleDestroy {
  private readonly logger = new Logger(EventDeliveryService.name);
  private readonly dispatcher: Dispatcher;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(TOKEN_VAULT) private readonly vault: TokenVault,
    @Inject(QUEUE_PRODUCER) private readonly producer: QueueProducer,
    @Inject(TENANT_EVENTS_SETTINGS) private readonly settings: TenantEventsSettings,
  ) {
    // Judged at connect time, on every attempt: a name that was public at registration may resolve to 127.0.0.1 now.
    this.dispatcher = egressDispatcher({ allowPrivateTargets: settings.allowPrivateTargets });
  }

  async onModuleDestroy(): Promise<void> {
    await this.dispatcher.close();
  }

  async deliver(deliveryId: string, replays: number, attempt: number): Promise<DeliveryOutcome> {
    const [delivery] = (await this.dataSource.query(
      `SELECT d.id, d.endpoint_id, d.tenant_id, d.environment, d.type, d.payload, d.attempts, d.replays, e.url
       FROM event_deliveries d JOIN event_endpoints e ON e.id = d.endpoint_id
       WHERE d.id = $1 AND d.state = 'pending' AND d.replays = $2 AND d.attempts = $3`,
      [deliveryId, replays, attempt],
    )) as DueDelivery[];
    // Delivered, dead, replayed since, or an attempt another job already made.
    if (!delivery) return 'skipped';

    const failure = await this.post(delivery);
    const attempts = delivery.attempts + 1;
    if (failure === null) {
      await this.dataSource.query(
        `UPDATE event_deliveries SET state = 'delivered', attempts = $2, delivered_at = now(), last_status_code = 200, last_error = NULL WHERE id = $1`,
        [delivery.id, attempts],
      );
      return 'delivered';
    }
    const delayMs = this.settings.retryDelaysMs[attempts - 1];
    if (delayMs === undefined) {
      await this.dataSource.query(`UPDATE event_deliveries SET state = 'dead', attempts = $2, last_status_code = $3, last_error = $4 WHERE id = $1`, [
        delivery.id,
        attempts,
        failure.statusCode,
        failure.reason,
      ]);
      this.logger.warn({ deliveryId: delivery.id, endpointId: delivery.endpoint_id, tenantId: delivery.tenant_id, attempts, reason: failure.reason }, 'event delivery dead-lettered');
      return 'dead';
    }
    await this.dataSource.query(
      `UPDATE event_deliveries SET attempts = $2, next_attempt_at = now() + ($3 || ' milliseconds')::interval, last_status_code = $4, last_error = $5 WHERE id = $1`,
      [delivery.id, attempts, String(delayMs), failure.statusCode, failure.reason],
    );
    await this.producer.add('events.deliver', { deliveryId: delivery.id, replays: delivery.replays, attempt: attempts, delayMs, traceparent: currentTraceparent() });
    return 'retrying';
  }

  /**
   * Pending deliveries overdue by more than a minute lost their job, or their job ended without
   * recording the attempt (failed after its retries, or completed early): enqueue it again. A live
   * job of the same attempt is kept, so a sweep never doubles a delivery in flight.
   */
  async sweep(batchSize = 1000): Promise<{ reenqueued: number }> {
    const rows = (await this.dataSource.query(
      `SELECT id, replays, attempts FROM event_deliveries WHERE state = 'pending' AND next_attempt_at < $1 ORDER BY next_attempt_at LIMIT $2`,
      [new Date(Date.now() - SWEEP_GRACE_MS), batchSize],
    )) as Array<{ id: string; replays: number; attempts: number }>;
    let reenqueued = 0;
    for (const row of rows) {
      if (await this.producer.redrive('events.deliver', { deliveryId: row.id, replays: row.replays, attempt: row.attempts, traceparent: currentTraceparent() })) reenqueued += 1;
    }
    if (reenqueued > 0) this.logger.warn({ reenqueued }, 'events sweep re-enqueued deliveries whose job was missing or finished');
    return { reenqueued };
  }

  /**
   * Deletes delivered and dead deliveries older than the retention, in batches so no statement
   * holds many row locks or runs long. Pending ones stay, whatever their age: they are still owed.
   */
  async prune(batchSize = 5000): Promise<{ deleted: number }> {
    const cutoff = new Date(Date.now() - this.settings.deliveryRetentionMs);
    let deleted = 0;
    for (;;) {
      const [, count] = (await this.dataSource.query(
        `DELETE FROM event_deliveries WHERE id IN (
           SELECT id FROM event_deliveries WHERE state <> 'pending' AND created_at < $1 ORDER BY created_at LIMIT $2)`,
        [cutoff, batchSize],
      )) as [unknown, number];
      deleted += count;
      if (count < batchSize) return { deleted };
    }
  }

  /** Null when the endpoint answered 2xx. Never throws: a failure is an answer to record. */
  private async post(delivery: DueDelivery): Promise<{ statusCode: number | null; reason: string } | null> {
    // A URL stored while private targets were allowed is judged again: no message content in clear text.
    if (!this.settings.allowPrivateTargets && !delivery.url.startsWith('https://')) {
      return { statusCode: null, reason: 'refused: https only (EVENT_ENDPOINTS_ALLOW_PRIVATE is off)' };
    }
    try {
      const secret = await this.vault.get(endpointSecretScope({ id: delivery.endpoint_id, tenantId: delivery.tenant_id, environment: delivery.environment }));
      const body = JSON.stringify(delivery.payload);
      const eventId = String(delivery.payload['id']);
      const now = Math.floor(Date.now() / 1000);
      const response = await request(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Switchboard-Events/1',
          ...signStandardWebhook(secret, eventId, body, now),
          'switchboard-signature': signEvent(secret, body, now),
          'switchboard-event-id': eventId,
          'switchboard-event-type': delivery.type,
        },
        body,
        dispatcher: this.dispatcher,
        headersTimeout: this.settings.timeoutMs,
        bodyTimeout: this.settings.timeoutMs,
      });
      await response.body.dump();
      return response.statusCode >= 200 && response.statusCode < 300 ? null : { statusCode: response.statusCode, reason: `HTTP ${response.statusCode}` };
    } catch (error) {
      // Its message says what was refused and why; a bare code would not.
      if (error instanceof PrivateAddressRefusedError) return { statusCode: null, reason: `${error.message} (EVENT_ENDPOINTS_ALLOW_PRIVATE is off)`.slice(0, 500) };
      const code = (error as { code?: unknown }).code;
      return { statusCode: null, reason: (typeof code === 'string' ? code : error instanceof Error ? error.message : 'error').slice(0, 500) };
    }
  }
}
