import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY } from '@switchboard/telemetry';
import { Gauge, Histogram, type Registry } from 'prom-client';

/** Graph reachability and token expiry, for alerts that fire before sends fail. */
@Injectable()
export class AccountsMetrics {
  readonly graphProbeDuration: Histogram<'outcome'>;
  readonly graphReachable: Gauge<'waba_id'>;
  readonly tokenExpiresIn: Gauge<'tenant_id' | 'environment' | 'waba_id'>;
  readonly tokenProblems: Gauge<'tenant_id' | 'environment' | 'waba_id'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.graphProbeDuration = new Histogram({
      name: 'switchboard_graph_probe_duration_seconds',
      help: 'Duration of the scheduled Graph probe per WABA',
      labelNames: ['outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    this.graphReachable = new Gauge({
      name: 'switchboard_graph_reachable',
      help: '1 when the last Graph probe of the WABA succeeded',
      labelNames: ['waba_id'],
      registers: [registry],
    });
    this.tokenExpiresIn = new Gauge({
      name: 'switchboard_token_expires_in_seconds',
      help: 'Seconds until the WABA access token expires (absent for never-expiring tokens)',
      labelNames: ['tenant_id', 'environment', 'waba_id'],
      registers: [registry],
    });
    this.tokenProblems = new Gauge({
      name: 'switchboard_token_problem',
      help: '1 when the WABA token is expired, invalid or lacks scopes',
      labelNames: ['tenant_id', 'environment', 'waba_id'],
      registers: [registry],
    });
  }
}
