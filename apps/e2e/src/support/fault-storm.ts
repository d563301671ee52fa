import { seededRandom } from '@switchboard/meta-simulator';

/** A fault as POST /_sim/faults takes it. */
export interface SimulatorFaultSpec {
  kind: 'error' | 'latency' | 'empty-5xx';
  count: number;
  match: { route: 'messages' };
  code?: number;
  httpStatus?: number;
  latencyMs?: number;
}

export interface Storm {
  faults: SimulatorFaultSpec[];
  /** Sends that answer after the client's timeout (each may be resent once: the bound on duplicates). */
  timeouts: number;
}

/**
 * The simulator applies armed faults to the next matching calls in order, so a storm
 * spread over `calls` sends is a queue of pass-throughs (a zero latency answers
 * normally) with one fault after each run: on average `share` of the calls fail, in
 * equal parts 5xx (500/502/503 without a body), timeouts (an answer after
 * `timeoutMs`, past the client's deadline, for a message Meta did take), 130429 and
 * 131000.
 */
export function stormFaults({
  calls,
  share,
  timeoutMs,
  randomSeed,
}: {
  calls: number;
  share: number;
  timeoutMs: number;
  randomSeed: number;
}): Storm {
  const next = seededRandom(randomSeed);
  const faults: SimulatorFaultSpec[] = [];
  const match = { route: 'messages' } as const;
  const meanRun = 1 / share - 1;
  let timeouts = 0;
  for (let planned = 0; planned < calls; ) {
    // Runs of 1 .. 2*mean-1 calls (mean `meanRun`), so faults are spread, never adjacent.
    const run = 1 + Math.floor(next() * (2 * meanRun - 1));
    faults.push({ kind: 'latency', latencyMs: 0, count: run, match });
    const pick = Math.floor(next() * 4);
    if (pick === 0)
      faults.push({
        kind: 'empty-5xx',
        httpStatus: [500, 502, 503][Math.floor(next() * 3)] ?? 503,
        count: 1,
        match,
      });
    else if (pick === 1) {
      faults.push({ kind: 'latency', latencyMs: timeoutMs, count: 1, match });
      timeouts += 1;
    } else
      faults.push({
        kind: 'error',
        code: pick === 2 ? 130429 : 131000,
        count: 1,
        match,
      });
    planned += run + 1;
  }
  return { faults, timeouts };
}
