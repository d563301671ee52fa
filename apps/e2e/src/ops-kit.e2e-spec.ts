import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@switchboard/testing';
import { freePort, repoRoot, startNode, waitFor, type RunningProcess } from './support/app-process';
import { declaredMetrics, promqlMetricNames, unexportedMetrics } from './support/promql-metric-names';

const GATEWAY = 'dist/apps/gateway/main.js';
const WORKER = 'dist/apps/worker/main.js';

/** Metrics that Prometheus and the compose profile's exporters provide, by the scrape job that brings them. */
const EXTERNAL_METRICS: Record<string, string | undefined> = { up: undefined, pg_up: 'postgres', redis_up: 'redis' };
const externalKinds = Object.keys(EXTERNAL_METRICS).map((name) => [name, 'gauge'] as const);

interface Panel {
  id: number;
  title: string;
  type: string;
  datasource?: { uid: string };
  targets?: { expr: string }[];
  panels?: Panel[];
}
interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');
const readYaml = <T>(path: string) => YAML.parse(read(path), { merge: true }) as T;

const dashboard = JSON.parse(read('ops/grafana/dashboards/switchboard.json')) as { uid: string; panels: Panel[] };
const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
const rules = readYaml<{ groups: { name: string; rules: Rule[] }[] }>('ops/prometheus/alerts.yml').groups.flatMap((group) => group.rules);
const prometheus = readYaml<{ rule_files: string[]; scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[] }>(
  'ops/prometheus/prometheus.yml',
);
const expressions = [
  ...panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ where: `panel "${panel.title}"`, expr: target.expr }))),
  ...rules.map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr })),
];

describe('reading metric names out of PromQL', () => {
  it('keeps metric names and drops functions, grouping labels, matchers, ranges, strings and numbers', () => {
    expect(
      promqlMetricNames(
        'histogram_quantile(0.95, sum by (le, route) (rate(a_seconds_bucket{route="/x", job=~"b|c"}[$__rate_interval]))) / on() group_left count(b_total offset 5m) > 7 * 24 * 3600 and absent(c_up) or label_replace(d, "x", "$1", "y", "(.*)") # a comment names no metric\n+ e_total',
      ).sort(),
    ).toEqual(['a_seconds_bucket', 'b_total', 'c_up', 'd', 'e_total']);
  });

  it('maps a histogram’s series to its base name and reports names nothing exports', () => {
    const exported = new Map([
      ['switchboard_send_duration_seconds', 'histogram'],
      ['switchboard_send_outcomes_total', 'counter'],
    ]);
    expect(
      unexportedMetrics(
        ['switchboard_send_duration_seconds_bucket', 'switchboard_send_duration_seconds_count', 'switchboard_send_outcomes_total', 'switchboard_sends_total', 'switchboard_send_outcomes_total_count'],
        exported,
      ),
    ).toEqual(['switchboard_send_outcomes_total_count', 'switchboard_sends_total']);
  });
});

describe('the ops kit: dashboard, alert rules, Prometheus and compose configuration', () => {
  it('has a dashboard on the provisioned Prometheus datasource with the panels an operator needs', () => {
    const datasources = readYaml<{ datasources: { uid: string; url: string }[] }>('ops/grafana/provisioning/datasources/prometheus.yml').datasources;
    const provider = readYaml<{ providers: { options: { path: string } }[] }>('ops/grafana/provisioning/dashboards/switchboard.yml').providers[0];
    expect(datasources.map((source) => source.uid)).toEqual(['prometheus']);
    expect(provider?.options.path).toBe('/var/lib/grafana/dashboards');
    for (const panel of panels.filter((candidate) => candidate.type !== 'row')) {
      expect({ panel: panel.title, uid: panel.datasource?.uid }).toEqual({ panel: panel.title, uid: 'prometheus' });
      expect(panel.targets?.length).toBeGreaterThan(0);
    }
    const used = new Set(expressions.filter((entry) => entry.where.startsWith('panel')).flatMap((entry) => promqlMetricNames(entry.expr)));
    for (const needed of [
      'switchboard_http_request_duration_seconds_count', // accepts
      'switchboard_send_outcomes_total', // sends by outcome
      'switchboard_send_meta_errors_total', // 130429s
      'switchboard_queue_jobs', // queue depth
      'switchboard_queue_oldest_waiting_seconds', // queue and webhook lag
      'switchboard_token_expires_in_seconds', // token expiry
    ]) {
      expect(used).toContain(needed);
    }
    expect(new Set(panels.map((panel) => panel.id)).size).toBe(panels.length);
  });

  it('has alert rules with an expression, a severity and a summary each, loaded by prometheus.yml', () => {
    expect(rules.length).toBeGreaterThanOrEqual(10);
    for (const rule of rules) {
      expect({ alert: rule.alert, severity: rule.labels?.['severity'] }).toEqual({ alert: rule.alert, severity: expect.stringMatching(/^(warning|critical)$/) });
      expect(rule.annotations?.['summary']).toEqual(expect.any(String));
      expect(promqlMetricNames(rule.expr).length).toBeGreaterThan(0);
      if (rule.for !== undefined) expect(rule.for).toMatch(/^\d+[smh]$/);
    }
    expect(new Set(rules.map((rule) => rule.alert)).size).toBe(rules.length);
    expect(prometheus.rule_files).toEqual(['/etc/prometheus/alerts.yml']);
    const targets = Object.fromEntries(prometheus.scrape_configs.map((job) => [job.job_name, job.static_configs.flatMap((config) => config.targets)]));
    expect(targets['gateway']).toEqual(['gateway:3000']);
    expect(targets['worker']).toEqual(['worker:3001']);
  });

  it('keeps the dependency services by default and runs apps, Prometheus, Grafana and Jaeger v2 under the full profile', () => {
    type Service = { image?: string; profiles?: string[]; command?: string[]; volumes?: string[]; build?: unknown };
    const services = readYaml<{ services: Record<string, Service> }>('docker-compose.yml').services;
    const inProfile = (profile: string) => Object.keys(services).filter((name) => services[name]?.profiles?.includes(profile)).sort();
    expect(Object.keys(services).filter((name) => !services[name]?.profiles).sort()).toEqual(['jaeger', 'postgres', 'redis']);
    expect(inProfile('full')).toEqual(['gateway', 'grafana', 'meta-simulator', 'postgres-exporter', 'prometheus', 'redis-exporter', 'worker']);
    expect(services['jaeger']?.image).toMatch(/^jaegertracing\/jaeger:2\./);
    for (const app of ['gateway', 'worker', 'meta-simulator']) {
      expect(services[app]?.command).toEqual(['node', `dist/apps/${app}/main.js`]);
      expect(services[app]?.build).toEqual({ context: '.' });
    }
    for (const mount of [...(services['prometheus']?.volumes ?? []), ...(services['grafana']?.volumes ?? [])].filter((volume) => volume.startsWith('./'))) {
      expect(existsSync(join(repoRoot, mount.split(':')[0] as string))).toBe(true);
    }
    for (const job of Object.values(EXTERNAL_METRICS).filter((job) => job !== undefined)) {
      expect(prometheus.scrape_configs.map((config) => config.job_name)).toContain(job);
    }
  });

  it('builds a non-root, production image with a liveness HEALTHCHECK and keeps the checkout out of its context', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile).toMatch(/^FROM \S+ AS builder$/m);
    expect(dockerfile).toMatch(/^FROM \S+ AS runtime$/m);
    expect(dockerfile).toMatch(/npm install --omit=dev/);
    expect(dockerfile).toMatch(/NODE_ENV=production/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*healthcheck\.mjs/m);
    expect(read('ops/docker/healthcheck.mjs')).toContain('/health/live');
    expect(read('.dockerignore').split('\n')).toEqual(expect.arrayContaining(['**/node_modules', 'dist', '.git', '.env']));
  });
});

describe('every metric the dashboard and the alert rules name is exported by the built apps', () => {
  const ADMIN_API_KEY = `e2e-admin-${'o'.repeat(32)}`;
  let database: TestDatabase;
  let redis: TestRedis;
  let gateway: RunningProcess;
  let worker: RunningProcess;
  let gatewayUrl: string;
  let workerUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase('e2e_ops_kit');
    redis = createTestRedis('e2e_ops_kit');
    const [gatewayPort, workerPort] = [await freePort(), await freePort()];
    const env = { DATABASE_URL: database.url, REDIS_URL: redis.url, QUEUE_PREFIX: redis.prefix, LOG_LEVEL: 'warn' };
    gateway = startNode(GATEWAY, { ...env, PORT: String(gatewayPort), ADMIN_API_KEY });
    worker = startNode(WORKER, { ...env, WORKER_PORT: String(workerPort), MIGRATE_ON_START: 'false' });
    gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    workerUrl = `http://127.0.0.1:${workerPort}`;
    await waitFor(`${gatewayUrl}/health/ready`, { app: gateway });
    await waitFor(`${workerUrl}/health/ready`, { app: worker });
    // A round trip through the queue, so labelled series exist besides the declarations.
    const probe = await fetch(`${gatewayUrl}/health/pipeline`, { headers: { authorization: `Bearer ${ADMIN_API_KEY}` } });
    expect(probe.status).toBe(200);
  });

  afterAll(async () => {
    await gateway?.stop();
    await worker?.stop();
    await redis?.cleanup();
    await database?.drop();
  });

  it('finds each name in the /metrics of the gateway or the worker (or from Prometheus and the exporters)', async () => {
    const [gatewayText, workerText] = await Promise.all([gatewayUrl, workerUrl].map(async (url) => (await fetch(`${url}/metrics`)).text()));
    const exported = new Map([...declaredMetrics(gatewayText as string), ...declaredMetrics(workerText as string), ...externalKinds]);
    expect(exported.get('switchboard_queue_jobs')).toBe('gauge');
    const missing = expressions.flatMap(({ where, expr }) => unexportedMetrics(promqlMetricNames(expr), exported).map((name) => `${name} (${where})`));
    expect(missing).toEqual([]);
    expect(expressions.length).toBeGreaterThan(20);
  });

  it('exports the runtime metrics under their standard names and queue depth and lag on both apps', async () => {
    for (const url of [gatewayUrl, workerUrl]) {
      const text = await (await fetch(`${url}/metrics`)).text();
      expect(text).toMatch(/^process_cpu_seconds_total\{/m);
      expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds\{/m);
      expect(text).not.toMatch(/^switchboard_(process|nodejs)_/m);
      expect(text).toMatch(/^switchboard_queue_jobs\{queue="messages",state="waiting",service="\w+"\} 0$/m);
      expect(text).toMatch(/^switchboard_queue_oldest_waiting_seconds\{queue="webhooks",service="\w+"\} \d/m);
    }
  });
});
