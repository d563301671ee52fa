import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY } from '@switchboard/telemetry';
import { Counter, Histogram, type Registry } from 'prom-client';

/** What the send worker did with each job, and how long Graph took. */
@Injectable()
export class SendMetrics {
  /** outcome: sent, failed, dead, retry, reconcile, held, delayed, skipped, error (the step threw); reason: taxonomy code, why it waited, or the error's name. */
  readonly outcomes: Counter<'outcome' | 'reason'>;
  readonly metaErrors: Counter<'meta_code'>;
  readonly sendDuration: Histogram<'outcome'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.outcomes = new Counter({
      name: 'switchboard_send_outcomes_total',
      help: 'Send jobs by outcome and reason (taxonomy code, or why the job was delayed)',
      labelNames: ['outcome', 'reason'],
      registers: [registry],
    });
    this.metaErrors = new Counter({
      name: 'switchboard_send_meta_errors_total',
      help: "Meta error codes returned on sends",
      labelNames: ['meta_code'],
      registers: [registry],
    });
    this.sendDuration = new Histogram({
      name: 'switchboard_send_duration_seconds',
      help: 'Duration of the Graph send call',
      labelNames: ['outcome'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }
}
