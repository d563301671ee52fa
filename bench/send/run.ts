// End-to-end sends: template sends posted at one built gateway, one built worker sending
// them to the built simulator (Meta, limits raised), Postgres and Redis real; then, in the
// same run, a bare undici loop posting the same Graph requests straight to the simulator
// (the ceiling).
//
//   npx nx run-many -t build -p gateway worker meta-simulator
//   SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register bench/send/run.ts \
//     [--messages 20000] [--numbers 10] [--concurrency 64] [--send-concurrency 50] [--warmup 500] [--no-write] [--cpu-prof <dir>]
//
// BENCH_DIST points at another copy of the built apps (default dist/apps).
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { BenchStack } from '../support/bench-stack';
import { benchSeed } from '../support/bench-seed';
import { runBounded, type LoopStats } from '../support/bounded-loop';
import { JsonPoster } from '../support/json-poster';
import { comparability, deployedNodeOptions, loadLine, machineLine } from '../support/machine';
import { RoundTripMeter, roundTripsLine, type RoundTrips } from '../support/round-trips';
import { waitSettled, workerCounters } from '../support/send-progress';
import { gatewayBody, graphBody } from '../support/template-sends';
import { positiveArg } from '../support/cli-args';

interface Args {
  messages: number;
  numbers: number;
  concurrency: number;
  sendConcurrency: number;
  warmup: number;
  /** Accepts per second offered (open loop), for latency at a given load; unset: as fast as the concurrency allows. */
  rate: number | undefined;
  /** GATEWAY_PROCESSES of the gateway. */
  gatewayProcesses: number;
  write: boolean;
  /** Directory for V8 CPU profiles of the gateway and the worker (written when they stop). */
  cpuProfDir: string | undefined;
}

function parseArgs(argv: string[]): Args {
  const value = (name: string, fallback: number): number => positiveArg(argv, name, fallback, { integer: true });
  return {
    messages: value('messages', 20_000),
    numbers: value('numbers', 10),
    concurrency: value('concurrency', 64),
    sendConcurrency: value('send-concurrency', 50),
    warmup: value('warmup', 500),
    rate: argv.includes('--rate') ? positiveArg(argv, 'rate', 1) : undefined,
    gatewayProcesses: value('gateway-processes', 1),
    write: !argv.includes('--no-write'),
    cpuProfDir: argv.includes('--cpu-prof') ? argv[argv.indexOf('--cpu-prof') + 1] : undefined,
  };
}

const GRAPH_VERSION = 'v24.0';
const TARGET_PER_SECOND = 1000;
/** Node CPU per message over our processes (gateway and workers; the simulator stands for Meta). */
const TARGET_CPU_MS = 1.0;

interface EndToEnd {
  sent: number;
  others: Record<string, number>;
  spanS: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** From the first accept (row created) to the last `sent` event, both as Postgres stored them. */
async function endToEnd(stack: BenchStack, ids: string[]): Promise<EndToEnd> {
  const { rows } = await stack.pg.query<{ sent: number; span_s: number; p50: number; p99: number; max: number }>(
    `WITH latency AS (
       SELECT m.created_at, e.at, extract(epoch FROM e.at - m.created_at) * 1000 AS ms
         FROM messages m JOIN message_events e ON e.message_id = m.id AND e.status = 'sent'
        WHERE m.id = ANY($1))
     SELECT count(*)::int AS sent, extract(epoch FROM max(at) - min(created_at))::float8 AS span_s,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99, max(ms)::float8 AS max
       FROM latency`,
    [ids],
  );
  const others = await stack.pg.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM messages WHERE id = ANY($1) AND status <> 'sent' GROUP BY status`,
    [ids],
  );
  const row = rows[0];
  if (!row) throw new Error('no figures');
  return {
    sent: row.sent,
    others: Object.fromEntries(others.rows.map((r) => [r.status, r.n])),
    spanS: row.span_s,
    perSecond: row.sent / row.span_s,
    p50Ms: row.p50,
    p99Ms: row.p99,
    maxMs: row.max,
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const loadBefore = loadavg();
  // Meta's top tier on every number (HIGH: 1,000 mps, our limiter reads it at the sync), no pair-rate
  // or portfolio limit in the way (distinct recipients, unlimited tier), no request log kept.
  const seed = benchSeed({ numbers: args.numbers, mps: 1000, throughputLevel: 'HIGH', simulation: { recordLimit: 0 } });
  const stack = await BenchStack.start('bench_send', seed, args.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${args.cpuProfDir}`] : [], { GATEWAY_PROCESSES: String(args.gatewayProcesses) });
  try {
    const { key, numbers } = await stack.provision();
    const worker = await stack.startWorker({ SEND_CONCURRENCY: String(args.sendConcurrency) });
    const gateway = new JsonPoster(stack.gatewayUrl, args.concurrency, { authorization: `Bearer ${key}` });
    const accept = async (n: number, ids: string[], perSecond?: number): Promise<LoopStats> =>
      runBounded(
        n,
        args.concurrency,
        (i) => gateway.post('/v1/messages', gatewayBody(ids.length + i + 1, numbers[i % numbers.length] ?? ''), 202, (json) => ids.push((json as { id: string }).id)),
        perSecond,
      );

    // Warm-up through the whole pipeline (JIT, pools, caches), then the measured run on fresh recipients.
    const warmIds: string[] = [];
    await accept(args.warmup, warmIds);
    await waitSettled(stack, warmIds, 120_000);
    const cpuBefore = stack.processes.map((p) => p.cpuSeconds());
    const meter = new RoundTripMeter(stack.redisUrl, () => stack.appUrls());
    await meter.begin();

    console.log(`posting ${args.messages} template sends at ${args.concurrency} concurrent requests ...`);
    const ids: string[] = [...warmIds];
    const accepted = await accept(args.messages, ids, args.rate);
    const measured = ids.slice(warmIds.length);
    console.log(`accepted ${measured.length} in ${(accepted.elapsedMs / 1000).toFixed(1)} s; waiting for the worker ...`);
    await waitSettled(stack, measured, 600_000);
    const trips = await meter.end();
    await meter.close();
    const figures = await endToEnd(stack, measured);
    const cpu = stack.processes.map((p, i) => ({ name: p.name, cpuS: p.cpuSeconds() - (cpuBefore[i] ?? 0) }));
    const counters = await workerCounters([worker.url]);
    const loadAfterPipeline = loadavg();
    await gateway.close();

    // The ceiling: the same Graph requests, straight at the simulator, as fast as it answers.
    await stack.simulator('/reset', 'POST');
    const graph = new JsonPoster(stack.simulatorUrl, args.concurrency, { authorization: `Bearer ${stack.graphToken}` });
    const ceiling = await runBounded(args.messages, args.concurrency, (i) =>
      graph.post(`/${GRAPH_VERSION}/${numbers[i % numbers.length] ?? ''}/messages`, graphBody(1_000_000 + i), 200),
    );
    await graph.close();
    const peaks = stack.processes.map((p) => ({ name: p.name, peakMiB: p.peakRssMiB() }));
    const loadAfter = loadavg();

    const result = { figures, accepted, ceiling, cpu, peaks, counters, trips, benchPeakMiB: process.resourceUsage().maxRSS / 1024 };
    console.log(JSON.stringify(result, null, 2));
    if (args.write) writeResults(args, result, [loadBefore, loadAfterPipeline, loadAfter]);
  } finally {
    await stack.stop();
  }
}

function writeResults(
  args: Args,
  r: { figures: EndToEnd; accepted: LoopStats; ceiling: LoopStats; cpu: Array<{ name: string; cpuS: number }>; peaks: Array<{ name: string; peakMiB: number }>; counters: Record<string, number>; trips: RoundTrips; benchPeakMiB: number },
  loads: number[][],
): void {
  const f = r.figures;
  const failures = (s: LoopStats): string => (Object.keys(s.failures).length ? Object.entries(s.failures).map(([k, v]) => `${k} × ${v}`).join(', ') : 'none');
  const ourCpuMs = (r.cpu.filter((p) => p.name !== 'simulator').reduce((sum, p) => sum + p.cpuS, 0) * 1000) / Math.max(1, f.sent);
  const met = f.perSecond >= TARGET_PER_SECOND && f.sent === args.messages && ourCpuMs <= TARGET_CPU_MS;
  const text = `# Send benchmark

Generated by \`bench/send/run.ts\`; rerun to refresh.

## Command

\`\`\`sh
npx nx run-many -t build -p gateway worker meta-simulator
SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register bench/send/run.ts --messages ${args.messages} --numbers ${args.numbers} --concurrency ${args.concurrency} --send-concurrency ${args.sendConcurrency} --warmup ${args.warmup} --gateway-processes ${args.gatewayProcesses}${args.rate ? ` --rate ${args.rate}` : ''}
\`\`\`

## Run

* Date: ${new Date().toISOString()}
* Machine: ${machineLine()}
* Load average (1/5/15 min): ${loadLine(loads[0])} before, ${loadLine(loads[1])} after the pipeline, ${loadLine(loads[2])} after the ceiling loop: ${comparability(loads[0] ?? [])}
* Processes: built simulator, gateway and one worker (\`NODE_ENV=production\`, the image's \`NODE_OPTIONS=${deployedNodeOptions()}\`, \`LOG_LEVEL=warn\`, traces off, \`SEND_CONCURRENCY=${args.sendConcurrency}\`, tenant quota off), local PostgreSQL (a fresh database) and Redis (an own key prefix); the load comes from this process
* Simulator: ${args.numbers} numbers at throughput HIGH (our limiter: 1,000 mps each) and 1,000 mps in the simulator, \`TIER_UNLIMITED\`, status webhooks not posted (no webhook URL), request log off
* Sends: ${args.messages} \`order_update\` templates (two body parameters, a URL button parameter) rotating over the numbers, each to a distinct recipient, posted at ${args.rate ? `${args.rate}/s (open loop, at most ${args.concurrency} in flight)` : `${args.concurrency} concurrent requests`} to a gateway of ${args.gatewayProcesses} process(es) after a ${args.warmup}-message warm-up through the whole pipeline

## Results

| figure | value |
| --- | --- |
| sent / posted | ${f.sent} / ${args.messages}${Object.keys(f.others).length ? ` (others: ${JSON.stringify(f.others)})` : ''} |
| **end-to-end msg/s** (first accept to last \`sent\`, Postgres times) | **${f.perSecond.toFixed(0)}** over ${f.spanS.toFixed(1)} s |
| accept-to-sent latency p50 / p99 / max | ${f.p50Ms.toFixed(0)} / ${f.p99Ms.toFixed(0)} / ${f.maxMs.toFixed(0)} ms |
| accepts/s at the gateway (202s, client side) | ${r.accepted.perSecond.toFixed(0)} (POST p50 ${r.accepted.p50Ms.toFixed(0)} ms, p99 ${r.accepted.p99Ms.toFixed(0)} ms; failures: ${failures(r.accepted)}) |
| ceiling: bare undici loop straight to the simulator | ${r.ceiling.perSecond.toFixed(0)} msg/s (p50 ${r.ceiling.p50Ms.toFixed(1)} ms, p99 ${r.ceiling.p99Ms.toFixed(1)} ms; failures: ${failures(r.ceiling)}) |
| end-to-end / ceiling | ${(f.perSecond / r.ceiling.perSecond).toFixed(2)} |
| peak RSS (VmHWM, sampled every 500 ms, whole run) | ${r.peaks.map((p) => `${p.name} ${p.peakMiB.toFixed(0)} MiB`).join(', ')}, bench process ${r.benchPeakMiB.toFixed(0)} MiB |
| CPU seconds during the measured pipeline run | ${r.cpu.map((p) => `${p.name} ${p.cpuS.toFixed(1)} s (${((p.cpuS * 1000) / Math.max(1, f.sent)).toFixed(2)} ms/msg)`).join(', ')} |
| **Node CPU per message, gateway + workers** | **${ourCpuMs.toFixed(2)} ms** (target <= ${TARGET_CPU_MS.toFixed(1)} ms) |
| round trips per message (measured run) | ${roundTripsLine(r.trips, f.sent)} |
| worker send outcomes (whole run, warm-up included) | ${Object.entries(r.counters).map(([k, v]) => `${k} ${v}`).join(', ')} |

**Targets >= ${TARGET_PER_SECOND.toLocaleString('en')} msg/s end-to-end and <= ${TARGET_CPU_MS.toFixed(1)} ms Node CPU per message: ${met ? 'met' : 'not met'}.**
`;
  writeFileSync(join(__dirname, 'RESULTS.md'), text);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
