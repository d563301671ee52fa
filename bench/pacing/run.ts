// Pacing across workers: one number at 80 mps, a backlog accepted with no worker running,
// then two built worker processes draining it through the shared Redis limiter (the cold
// drain); then, with the same workers running, a second backlog accepted as scheduled sends
// that all fall due at once (the warm drain: what a running deployment sees). The
// simulator's request log (its own child process, /_sim/requests) says when each send
// arrived: the busiest 1-second window of the whole run must hold at most 80, the warm
// drain's average must be >= 76/s, and Meta's 130429 must never be answered.
//
//   npx nx run-many -t build -p gateway worker meta-simulator
//   SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register bench/pacing/run.ts \
//     [--messages 2000] [--mps 80] [--workers 2] [--no-write]
//
// BENCH_DIST points at another copy of the built apps (default dist/apps).
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { RecordedRequest } from '@switchboard/meta-simulator';
import { BenchStack } from '../support/bench-stack';
import { benchSeed } from '../support/bench-seed';
import { runBounded } from '../support/bounded-loop';
import { JsonPoster } from '../support/json-poster';
import { comparability, deployedNodeOptions, loadLine, machineLine } from '../support/machine';
import { RoundTripMeter, roundTripsLine, type RoundTrips } from '../support/round-trips';
import { waitSettled, workerCounters } from '../support/send-progress';
import { gatewayBody } from '../support/template-sends';
import { positiveArg } from '../support/cli-args';

interface Args {
  messages: number;
  mps: number;
  workers: number;
  write: boolean;
}

function parseArgs(argv: string[]): Args {
  const value = (name: string, fallback: number): number => positiveArg(argv, name, fallback, { integer: true });
  return { messages: value('messages', 2000), mps: value('mps', 80), workers: value('workers', 2), write: !argv.includes('--no-write') };
}

const ACCEPT_CONCURRENCY = 32;
/** The warm backlog falls due this long after its accepts began, at least: they are all in by then. */
const WARM_LEAD_MS = 5_000;
const WINDOW_MS = 1000;
// The average the drain must reach, as a share of the number's mps (76 of 80).
const AVERAGE_SHARE = 0.95;

interface Pacing {
  sends: number;
  /** Most sends that arrived in any window of 1,000 ms (sliding, from each send). */
  maxInWindow: number;
  /** Sends per second between the first and the last arrival. */
  averagePerSecond: number;
  spanS: number;
}

/** Arrival times (ms, sorted) to the sliding-window maximum and the average rate. */
function pacingOf(arrivals: number[]): Pacing {
  let maxInWindow = 0;
  let start = 0;
  for (let end = 0; end < arrivals.length; end++) {
    while ((arrivals[end] ?? 0) - (arrivals[start] ?? 0) >= WINDOW_MS) start++;
    maxInWindow = Math.max(maxInWindow, end - start + 1);
  }
  const spanS = ((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)) / 1000;
  return { sends: arrivals.length, maxInWindow, averagePerSecond: spanS > 0 ? (arrivals.length - 1) / spanS : 0, spanS };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const loadBefore = loadavg();
  // One STANDARD number: 80 mps at the simulator and in our limiter (the sync's default); the request log keeps every call.
  const seed = benchSeed({ numbers: 1, mps: args.mps, throughputLevel: 'STANDARD', simulation: { recordLimit: args.messages * 4 } });
  const stack = await BenchStack.start('bench_pacing', seed);
  try {
    const { key, numbers } = await stack.provision();
    const [number] = numbers;
    if (!number || numbers.length !== 1) throw new Error(`expected one number, synced ${numbers.length}`);
    const gateway = new JsonPoster(stack.gatewayUrl, ACCEPT_CONCURRENCY, { authorization: `Bearer ${key}` });
    const acceptAll = async (first: number, scheduledAt?: string): Promise<{ ids: string[]; elapsedMs: number }> => {
      const ids: string[] = [];
      const accepted = await runBounded(args.messages, ACCEPT_CONCURRENCY, (n) =>
        gateway.post('/v1/messages', gatewayBody(first + n, number, scheduledAt), 202, (json) => ids.push((json as { id: string }).id)),
      );
      if (ids.length !== args.messages) throw new Error(`accepted ${ids.length} of ${args.messages}: ${JSON.stringify(accepted.failures)}`);
      return { ids, elapsedMs: accepted.elapsedMs };
    };
    console.log(`accepting ${args.messages} sends with no worker running ...`);
    const cold = await acceptAll(1);

    console.log(`starting ${args.workers} workers ...`);
    const meter = new RoundTripMeter(stack.redisUrl, () => stack.appUrls());
    await meter.begin();
    const gatewayCpuBefore = stack.processes.find((p) => p.name === 'gateway')?.cpuSeconds() ?? 0;
    const workers = await Promise.all(Array.from({ length: args.workers }, () => stack.startWorker()));
    await waitSettled(stack, cold.ids, 10 * 60_000);
    const trips = await meter.end();
    await meter.close();
    const coldEnd = Date.now();
    // The workers started with the drain; the gateway ran before it (the accepts), so only its part since.
    const cpu = stack.processes
      .filter((p) => p.name === 'gateway' || p.name.startsWith('worker-'))
      .map((p) => ({ name: p.name, cpuS: p.cpuSeconds() - (p.name === 'gateway' ? gatewayCpuBefore : 0) }));

    const dueAt = new Date(Date.now() + Math.max(WARM_LEAD_MS, 3 * cold.elapsedMs)).toISOString();
    console.log(`accepting ${args.messages} sends due at ${dueAt}, the workers running ...`);
    const warm = await acceptAll(args.messages + 1, dueAt);
    await waitSettled(stack, warm.ids, 10 * 60_000);
    await gateway.close();
    const { rows } = await stack.pg.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM messages WHERE id = ANY($1) GROUP BY status`, [[...cold.ids, ...warm.ids]]);
    const requests = (await stack.simulator<{ data: RecordedRequest[] }>(`/requests?route=messages`)).data;
    const onNumber = requests.filter((request) => request.method === 'POST' && request.path.endsWith(`/${number}/messages`));
    const acceptedByMeta = (await stack.simulator<{ data: Array<{ phoneNumberId: string }> }>('/messages')).data.filter((m) => m.phoneNumberId === number).length;
    const arrivals = onNumber.map((request) => Date.parse(request.at)).sort((a, b) => a - b);
    const pacing = { whole: pacingOf(arrivals), cold: pacingOf(arrivals.filter((at) => at <= coldEnd)), warm: pacingOf(arrivals.filter((at) => at > coldEnd)) };
    const counters = await workerCounters(workers.map((worker) => worker.url));
    const peaks = stack.processes.map((p) => ({ name: p.name, peakMiB: p.peakRssMiB() }));
    const loadAfter = loadavg();
    const result = { pacing, statuses: Object.fromEntries(rows.map((r) => [r.status, r.n])), acceptedByMeta, refusedByMeta: onNumber.length - acceptedByMeta, counters, peaks, trips, cpu };
    console.log(JSON.stringify(result, null, 2));
    if (args.write) writeResults(args, result, [loadBefore, loadAfter]);
  } finally {
    await stack.stop();
  }
}

function writeResults(
  args: Args,
  r: { pacing: { whole: Pacing; cold: Pacing; warm: Pacing }; statuses: Record<string, number>; acceptedByMeta: number; refusedByMeta: number; counters: Record<string, number>; peaks: Array<{ name: string; peakMiB: number }>; trips: RoundTrips; cpu: Array<{ name: string; cpuS: number }> },
  loads: number[][],
): void {
  const { whole, cold, warm } = r.pacing;
  const throttled = r.counters['meta/130429'] ?? 0;
  const met = whole.maxInWindow <= args.mps && warm.averagePerSecond >= args.mps * AVERAGE_SHARE && throttled === 0 && r.refusedByMeta === 0;
  const text = `# Pacing benchmark

Generated by \`bench/pacing/run.ts\`; rerun to refresh.

## Command

\`\`\`sh
npx nx run-many -t build -p gateway worker meta-simulator
SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register bench/pacing/run.ts --messages ${args.messages} --mps ${args.mps} --workers ${args.workers}
\`\`\`

## Run

* Date: ${new Date().toISOString()}
* Machine: ${machineLine()}
* Load average (1/5/15 min): ${loadLine(loads[0])} before, ${loadLine(loads[1])} after: ${comparability(loads[0] ?? [])}
* Processes: built simulator, gateway and ${args.workers} workers (\`NODE_ENV=production\`, the image's \`NODE_OPTIONS=${deployedNodeOptions()}\`, \`LOG_LEVEL=warn\`, default \`SEND_CONCURRENCY\`), local PostgreSQL (a fresh database) and Redis (an own key prefix)
* One number, throughput STANDARD: ${args.mps} mps in the simulator (130429 past it) and in our limiter (synced), \`TIER_UNLIMITED\`, every send to a distinct recipient
* Cold drain: ${args.messages} \`order_update\` template sends accepted with no worker running, then ${args.workers} workers started together to drain them
* Warm drain: with those workers running, ${args.messages} more accepted as scheduled sends (\`scheduledAt\` at least ${WARM_LEAD_MS / 1000} s ahead, after the last accept) that fall due together
* Arrival times from the simulator's request log (\`GET /_sim/requests?route=messages\`, stamped before the simulator's own throughput check)

## Results

| figure | value | target |
| --- | --- | --- |
| sends that reached the simulator | ${whole.sends} (Meta accepted ${r.acceptedByMeta}, refused ${r.refusedByMeta}) | ${2 * args.messages} |
| message statuses at the end | ${Object.entries(r.statuses).map(([k, v]) => `${k} ${v}`).join(', ')} | all sent |
| **most sends in any 1-second window** (sliding, whole run) | **${whole.maxInWindow}** | <= ${args.mps} |
| **average rate, warm drain** (first to last arrival, ${warm.spanS.toFixed(1)} s) | **${warm.averagePerSecond.toFixed(1)}/s** | >= ${(args.mps * AVERAGE_SHARE).toFixed(0)}/s |
| average rate, cold drain (workers started with it; first to last arrival, ${cold.spanS.toFixed(1)} s) | ${cold.averagePerSecond.toFixed(1)}/s | recorded |
| **130429 answers** (workers' \`switchboard_send_meta_errors_total\`) | **${throttled}** | 0 |
| worker send steps (both workers, both drains) | ${Object.entries(r.counters).map(([k, v]) => `${k} ${v}`).join(', ')} | |
| Node CPU per send (cold drain: workers' start to the last send settled) | ${r.cpu.map((p) => `${p.name} ${((p.cpuS * 1000) / args.messages).toFixed(2)} ms`).join(', ')} | |
| round trips per send (cold drain) | ${roundTripsLine(r.trips, args.messages)} | |
| peak RSS (VmHWM, sampled every 500 ms) | ${r.peaks.map((x) => `${x.name} ${x.peakMiB.toFixed(0)} MiB`).join(', ')} | |

**${met ? 'Met' : 'Not met'}.**
`;
  writeFileSync(join(__dirname, 'RESULTS.md'), text);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
