import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY } from '@switchboard/telemetry';
import { Counter, type Registry } from 'prom-client';

export type IngestOutcome = 'stored' | 'unauthorized' | 'unknown_app' | 'unavailable';

/**
 * Why a change or item of a signed payload was dropped: its WABA or phone number is
 * registered under another Meta app than the one whose secret signed it (`app_mismatch`);
 * its phone number belongs to another WABA than its entry's (`account_mismatch`); no
 * tenant has registered its WABA (`unknown_account`); it fails validation or a database
 * constraint (`invalid`).
 */
export type RejectReason = 'app_mismatch' | 'account_mismatch' | 'unknown_account' | 'invalid';

/** Webhook ingest (gateway) and processing (worker) counters. */
@Injectable()
export class WebhookMetrics {
  readonly requests: Counter<'outcome'>;
  readonly items: Counter<'field' | 'outcome'>;
  readonly unparseable: Counter;
  readonly failedPayloads: Counter;
  readonly metaErrors: Counter<'code'>;
  readonly rejected: Counter<'reason'>;

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
    this.rejected = new Counter({
      name: 'switchboard_webhook_entries_rejected_total',
      help: 'Webhook changes and items dropped unapplied, by reason (app_mismatch, account_mismatch, unknown_account, invalid)',
      labelNames: ['reason'],
      registers: [registry],
    });
  }
}
