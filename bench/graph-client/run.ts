// Graph client throughput vs a bare undici loop, both against the Meta
// simulator running in a child process (its own core).
//
//   SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register bench/graph-client/run.ts \
//     [--duration 20] [--concurrency 64] [--warmup 3] [--slice 2] [--no-write]
//
// SWC_NODE_PROJECT makes @swc-node/register resolve the @switchboard/* path aliases.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { GraphApiClient, type OutboundMessage } from '@switchboard/graph-api-client';
import { DEMO_IDS } from '@switchboard/meta-simulator';
import { Pool } from 'undici';
import type { BenchChildMessage, BenchParentMessage } from './bench-messages';
import { runPhase, type PhaseStats } from './load-loop';
import { positiveArg } from '../support/cli-args';

interface Args {
  durationS: number;
  concurrency: number;
  warmupS: number;
  sliceS: number;
  write: boolean;
}

function parseArgs(argv: string[]): Args {
  const value = (name: string, fallback: number): number => positiveArg(argv, name, fallback);
  return {
    durationS: value('duration', 20),
    concurrency: value('concurrency', 64),
    warmupS: value('warmup', 3),
    sliceS: value('slice', 2),
    write: !argv.includes('--no-write'),
  };
}

type Loop = 'client' | 'undici' | 'undici-dispatch';
const LOOPS: readonly Loop[] = ['client', 'undici', 'undici-dispatch'];

const TOKEN = `test-token-${randomBytes(12).toString('hex')}`;
const RECIPIENT = '14155550123';
const VERSION = 'v24.0';
const MESSAGE: OutboundMessage = {
  to: RECIPIENT,
  type: 'text',
  text: { body: 'Your order #4521 is on its way.' },
  biz_opaque_callback_data: 'msg_bench',
};

class SimulatorProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(): Promise<SimulatorProcess> {
    const child = fork(join(__dirname, 'simulator.process.ts'), [], {
      execArgv: ['-r', '@swc-node/register'],
      env: { ...process.env, BENCH_TOKEN: TOKEN, BENCH_RECIPIENT: RECIPIENT },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`simulator exited early (${String(code)})`)));
      child.on('message', (m: BenchChildMessage) => {
        if (m.type === 'ready') resolve(m.url);
      });
    });
    child.removeAllListeners('exit');
    return new SimulatorProcess(child, url);
  }

  async reset(): Promise<void> {
    await new Promise<void>((resolve) => {
      const onMessage = (m: BenchChildMessage): void => {
        if (m.type !== 'reset-done') return;
        this.child.off('message', onMessage);
        resolve();
      };
      this.child.on('message', onMessage);
      this.tell({ type: 'reset' });
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.tell({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  private tell(message: BenchParentMessage): void {
    this.child.send(message);
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const loadBefore = loadavg();
  const sim = await SimulatorProcess.start();
  const path = `/${VERSION}/${DEMO_IDS.phoneNumberId}/messages`;
  const body = JSON.stringify({ messaging_product: 'whatsapp', ...MESSAGE });

  const client = new GraphApiClient({ baseUrl: sim.url, version: VERSION, connections: args.concurrency });
  const pool = new Pool(sim.url, { connections: args.concurrency, keepAliveTimeout: 55_000 });
  const call = { accessToken: TOKEN };

  const viaClient = async (): Promise<string | undefined> => {
    try {
      await client.sendMessage(DEMO_IDS.phoneNumberId, MESSAGE, call);
      return undefined;
    } catch (error) {
      return SwitchboardError.isSwitchboardError(error) ? `${error.category ?? 'other'}:${error.code}` : 'unexpected';
    }
  };
  const pool2 = new Pool(sim.url, { connections: args.concurrency, keepAliveTimeout: 55_000 });
  // The lowest-level loop: undici's dispatch with a buffering handler, no body stream.
  const viaDispatch = (): Promise<string | undefined> =>
    new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let status = 0;
      pool2.dispatch(
        { path, method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', accept: 'application/json' }, body },
        {
          // Its presence tells undici this is a new-style (controller) handler.
          onRequestStart: () => undefined,
          onResponseStart: (_c, statusCode) => {
            status = statusCode;
          },
          onResponseData: (_c, chunk) => {
            chunks.push(chunk);
          },
          onResponseEnd: () => {
            const json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { messages?: { id: string }[] };
            resolve(status === 200 && json.messages?.[0]?.id ? undefined : `http:${status}`);
          },
          onResponseError: (_c, error) => {
            const code = (error as { code?: unknown }).code;
            resolve(`transport:${typeof code === 'string' ? code : 'error'}`);
          },
        },
      );
    });
  const viaUndici = async (): Promise<string | undefined> => {
    try {
      const res = await pool.request({
        path,
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', accept: 'application/json' },
        body,
      });
      const json = (await res.body.json()) as { messages?: { id: string }[] };
      if (res.statusCode !== 200 || !json.messages?.[0]?.id) return `http:${res.statusCode}`;
      return undefined;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return `transport:${typeof code === 'string' ? code : 'error'}`;
    }
  };

  const phases: Record<Loop, PhaseStats[]> = { client: [], undici: [], 'undici-dispatch': [] };
  const attempts: Record<Loop, () => Promise<string | undefined>> = {
    client: viaClient,
    undici: viaUndici,
    'undici-dispatch': viaDispatch,
  };
  // Each loop's 20 s are measured as interleaved slices (A B C, B C A, ...): on a shared
  // machine, other processes' load then hits all loops alike instead of one whole phase.
  const slices = Math.max(1, Math.round(args.durationS / args.sliceS));
  const sliceRatios: number[] = [];
  try {
    // Warm every code path once (JIT, pools, simulator) before anything counts.
    for (const which of LOOPS) await runPhase(`${which} warm-up`, args.warmupS * 1000, args.concurrency, attempts[which]);
    for (let slice = 0; slice < slices; slice++) {
      const order = LOOPS.map((_, i) => LOOPS[(i + slice) % LOOPS.length]);
      const rates: Partial<Record<Loop, number>> = {};
      for (const which of order) {
        await sim.reset();
        const stats = await runPhase(which, args.sliceS * 1000, args.concurrency, attempts[which]);
        phases[which].push(stats);
        rates[which] = stats.sendsPerSecond;
      }
      sliceRatios.push((rates.client ?? 0) / (rates.undici ?? 1));
      console.log(
        `slice ${slice + 1}/${slices}: ${LOOPS.map((l) => `${l} ${(rates[l] ?? 0).toFixed(0)}/s`).join(', ')}`,
      );
    }
  } finally {
    await client.close();
    await pool.close();
    await pool2.close();
    await sim.stop();
  }

  const client$ = combine('client', phases.client);
  const undici$ = combine('undici', phases.undici);
  const dispatch$ = combine('undici-dispatch', phases['undici-dispatch']);
  const ratio = client$.sendsPerSecond / undici$.sendsPerSecond;
  const dispatchRatio = client$.sendsPerSecond / dispatch$.sendsPerSecond;
  const medianSliceRatio = median(sliceRatios);
  for (const total of [client$, undici$, dispatch$]) console.log(line(total));
  const socketErrors = (s: PhaseStats): number =>
    Object.entries(s.failures)
      .filter(([k]) => k.startsWith('transport:') || k.startsWith('cancelled:'))
      .reduce((n, [, v]) => n + v, 0);
  console.log(
    `\nclient ${client$.sendsPerSecond.toFixed(0)} sends/s, bare undici ${undici$.sendsPerSecond.toFixed(0)} sends/s, ` +
      `ratio ${ratio.toFixed(3)} (target >= 0.9: ${ratio >= 0.9 ? 'met' : 'NOT met'}; median of slice ratios ${medianSliceRatio.toFixed(3)}); ` +
      `bare dispatch ${dispatch$.sendsPerSecond.toFixed(0)} sends/s, ratio ${dispatchRatio.toFixed(3)}; ` +
      `socket errors: client ${socketErrors(client$)}, undici ${socketErrors(undici$)}, dispatch ${socketErrors(dispatch$)}`,
  );
  if (args.write) {
    const file = join(__dirname, 'RESULTS.md');
    const load = { before: loadBefore, after: loadavg() };
    writeFileSync(
      file,
      results(args, [client$, undici$, dispatch$], { ratio, dispatchRatio, medianSliceRatio, sliceRatios }, socketErrors, load),
    );
    console.log(`wrote ${file}`);
  }
}

function combine(label: string, runs: PhaseStats[]): PhaseStats {
  const sends = runs.reduce((n, r) => n + r.sends, 0);
  const elapsedMs = runs.reduce((n, r) => n + r.elapsedMs, 0);
  const failures: Record<string, number> = {};
  for (const r of runs) for (const [k, v] of Object.entries(r.failures)) failures[k] = (failures[k] ?? 0) + v;
  const weighted = (pick: (r: PhaseStats) => number): number =>
    sends ? runs.reduce((n, r) => n + pick(r) * r.sends, 0) / sends : 0;
  return {
    label,
    sends,
    failures,
    elapsedMs,
    sendsPerSecond: sends / (elapsedMs / 1000),
    p50Ms: weighted((r) => r.p50Ms),
    p99Ms: weighted((r) => r.p99Ms),
    cpuMicrosPerSend: weighted((r) => r.cpuMicrosPerSend),
  };
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function line(s: PhaseStats): string {
  return `${s.label.padEnd(7)} ${s.sends} sends in ${(s.elapsedMs / 1000).toFixed(1)} s = ${s.sendsPerSecond.toFixed(0)}/s, p50 ${s.p50Ms.toFixed(2)} ms, p99 ${s.p99Ms.toFixed(2)} ms, ${s.cpuMicrosPerSend.toFixed(0)} µs CPU/send, failures ${JSON.stringify(s.failures)}`;
}

function results(
  args: Args,
  totals: PhaseStats[],
  ratios: { ratio: number; dispatchRatio: number; medianSliceRatio: number; sliceRatios: number[] },
  socketErrors: (s: PhaseStats) => number,
  load: { before: number[]; after: number[] },
): string {
  const { ratio, dispatchRatio, medianSliceRatio, sliceRatios } = ratios;
  const cpu = cpus();
  const avg = (l: number[]): string => l.map((n) => n.toFixed(2)).join(' / ');
  const row = (s: PhaseStats): string =>
    `| ${s.label} | ${s.sends} | ${s.sendsPerSecond.toFixed(0)} | ${s.p50Ms.toFixed(2)} | ${s.p99Ms.toFixed(2)} | ${s.cpuMicrosPerSend.toFixed(0)} | ${socketErrors(s)} | ${Object.keys(s.failures).length ? `\`${JSON.stringify(s.failures)}\`` : 'none'} |`;
  return `# Graph client benchmark

Generated by \`bench/graph-client/run.ts\`; rerun to refresh.

## Command

\`\`\`sh
SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register bench/graph-client/run.ts${
    args.durationS !== 20 || args.concurrency !== 64 || args.warmupS !== 3 || args.sliceS !== 2
      ? ` --duration ${args.durationS} --concurrency ${args.concurrency} --warmup ${args.warmupS} --slice ${args.sliceS}`
      : ''
  }
\`\`\`

## Run

* Date: ${new Date().toISOString()}
* Machine: ${cpu.length} cores (${cpu[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${platform()} ${release()}, Node ${process.version}
* Other load on the machine (1/5/15 min load average): ${avg(load.before)} before, ${avg(load.after)} after
* Load: concurrency ${args.concurrency} and ${args.concurrency} connections per loop; ${args.durationS} s measured per loop as ${Math.max(1, Math.round(args.durationS / args.sliceS))} interleaved slices of ${args.sliceS} s (order rotates every slice), after a ${args.warmupS} s warm-up of each loop
* Simulator: \`@switchboard/meta-simulator\` in a child process on 127.0.0.1, reset before every slice, per-number throughput 1,000,000 mps, pair-rate burst 10^9, request log off; statuses are still scheduled (no webhook URL, so none are posted)
* Payload: the same text message with \`biz_opaque_callback_data\` (\`POST /v24.0/{phone-number-id}/messages\`, Bearer token)

## Results

| loop | sends | sends/s | p50 ms¹ | p99 ms¹ | load-process CPU µs/send | socket errors | failures |
|---|---|---|---|---|---|---|---|
${totals.map(row).join('\n')}

¹ Send-weighted mean of the per-slice percentiles.

**Ratio client / bare undici (\`Pool.request\`): ${ratio.toFixed(3)}** (target >= 0.9: ${ratio >= 0.9 ? 'met' : 'NOT met'}).
Ratio client / bare undici \`Pool.dispatch\`: ${dispatchRatio.toFixed(3)}.

Median of the per-slice client / undici ratios: ${medianSliceRatio.toFixed(3)} (slices: ${sliceRatios.map((r) => r.toFixed(2)).join(', ')}).

## Reading the figures

* \`undici\` is the idiomatic bare loop: \`Pool.request\` + \`body.json()\` with the pre-serialised body.
  \`undici-dispatch\` is the floor: \`Pool.dispatch\` with a handler that buffers the answer (no body
  stream), which is also what the client is built on. The client adds per call: JSON serialisation of
  the message, a deadline timer, Date/usage header handling, a zod parse of the answer and the result
  mapping.
* All loops share one 2-core machine with the simulator (and, on a shared box, with other people's
  processes: see the load average). When the simulator's core is saturated the rates converge on its
  capacity, and the client's own cost shows in the CPU µs per send of the load process.
`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
