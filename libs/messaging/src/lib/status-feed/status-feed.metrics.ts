import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY } from '@switchboard/telemetry';
import { Counter, type Registry } from 'prom-client';

/** What the live status feed lost: the stored timeline has every change, these count what watchers did not see live. */
@Injectable()
export class StatusFeedMetrics {
  readonly publishFailures: Counter;
  readonly dropped: Counter;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.publishFailures = new Counter({
      name: 'switchboard_status_feed_publish_failures_total',
      help: 'Message status changes that could not be published to Redis (stored in the timeline, not seen live)',
      registers: [registry],
    });
    this.dropped = new Counter({
      name: 'switchboard_status_feed_dropped_total',
      help: 'Message status changes dropped for a watcher that fell behind (its buffer was full; the oldest went first)',
      registers: [registry],
    });
  }
}
