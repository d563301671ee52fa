import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { joinClusterMetrics } from './cluster-metrics';

export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

export interface HttpMetrics {
  requestDuration: Histogram<'method' | 'route' | 'status_code'>;
}

/**
 * One registry per process, with Node's runtime metrics and the service name as label. The
 * runtime metrics keep their standard names (process_*, nodejs_*) so stock Node.js dashboards
 * and alerts work unchanged; the project's own metrics carry the switchboard_ prefix.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  joinClusterMetrics(registry);
  return registry;
}

export function createHttpMetrics(registry: Registry): HttpMetrics {
  return {
    requestDuration: new Histogram({
      name: 'switchboard_http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}
