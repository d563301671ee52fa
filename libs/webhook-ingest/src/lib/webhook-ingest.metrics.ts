import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY } from '@switchboard/telemetry';
import { Counter, type Registry } from 'prom-client';

export type IngestOutcome = 'stored' | 'unauthorized' | 'unknown_app' | 'unavailable';

/** Webhook ingest (gateway) and processing (worker) counters. */
@Injectable()
export class WebhookMetrics {
  readonly requests: Counter<'outcome'>;
  readonly items: Counter<'field' | 'outcome'>;
  readonly unparseable: Counter;
  readonly failedPayloads: Counter;
  readonly metaErrors: Counter<'code'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.requests = new Counter({
      name: 'switchboard_webhook_requests_total',
      help: 'Webhook POSTs by outcome (stored, unauthorized, unknown_app, unavailable)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.items = new Counter({
      name: 'switchboard_webhook_items_total',
      help: 'Processed webhook items (messages, statuses, changes) by field and outcome',
      labelNames: ['field', 'outcome'],
      registers: [registry],
    });
    this.unparseable = new Counter({
      name: 'switchboard_webhook_unparseable_total',
      help: 'Signed webhook payloads that could not be parsed (kept in the inbox, marked, not retried)',
      registers: [registry],
    });
    this.failedPayloads = new Counter({
      name: 'switchboard_webhook_failed_total',
      help: 'Stored webhook payloads given up after the maximum number of processing attempts',
      registers: [registry],
    });
    this.metaErrors = new Counter({
      name: 'switchboard_webhook_meta_errors_total',
      help: 'Errors Meta reported in webhooks (value.errors, status and inbound errors) by Meta code',
      labelNames: ['code'],
      registers: [registry],
    });
  }
}
