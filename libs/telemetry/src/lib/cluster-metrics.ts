import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry, type Registry } from 'prom-client';

const MESSAGE = 'switchboard:cluster-metrics';
const TIMEOUT_MS = 5_000;

interface MetricsMessage {
  type: typeof MESSAGE;
  id: string;
  text?: string;
  error?: string;
}

function isMetricsMessage(message: unknown): message is MetricsMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === MESSAGE;
}

/**
 * Several processes on one port (node:cluster): a scrape reaches any one of them, so every
 * process answers /metrics with the whole cluster's figures. A process hands its own registry
 * to prom-client's aggregation here; its scrape asks the primary, which collects every
 * process's metrics and sums them (or takes their min, max or average where the metric says).
 */
export function joinClusterMetrics(registry: Registry): void {
  if (!cluster.isWorker) return;
  AggregatorRegistry.setRegistries([registry]);
  // prom-client starts answering the primary's requests when a process makes its first aggregator.
  new AggregatorRegistry();
}

/** In the primary: answers the processes' requests for the aggregated metrics. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    if (!isMetricsMessage(message)) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: MESSAGE, id: message.id, text } satisfies MetricsMessage),
      (error: unknown) => worker.send({ type: MESSAGE, id: message.id, error: error instanceof Error ? error.message : String(error) } satisfies MetricsMessage),
    );
  });
}

/** This process's metrics, or the cluster's when it is one of several processes on a port. */
export function scrapeMetrics(registry: Registry): Promise<string> {
  const send = process.send?.bind(process);
  if (!cluster.isWorker || !send) return registry.metrics();
  const id = randomUUID();
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error('the primary did not answer the metrics request')), TIMEOUT_MS);
    const onMessage = (message: unknown): void => {
      if (!isMetricsMessage(message) || message.id !== id) return;
      finish(message.error === undefined ? undefined : new Error(message.error), message.text);
    };
    function finish(error: Error | undefined, text = ''): void {
      clearTimeout(timer);
      process.off('message', onMessage);
      if (error) reject(error);
      else resolve(text);
    }
    process.on('message', onMessage);
    send({ type: MESSAGE, id } satisfies MetricsMessage);
  });
}
