import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './app-process';
import type { FaultStack } from './fault-stack';

/** Requests the clients keep open at once: enough to have accepts in flight when a gateway dies. */
const CLIENT_CONCURRENCY = 32;
/** A client gives a message up (and the scenario fails) when it is not accepted within this. */
const ACCEPT_DEADLINE_MS = 120_000;
/**
 * The drain (every message out of queued/sending) fails when no message settled for this
 * long. The slowest recoveries take a stalled-job check (BullMQ: up to 2 x 30 s after a
 * worker dies) or an outbox sweep (every 30 s, rows queued over 15 s), then the
 * reconciliation window (8 s): 68 s, plus the timer slack of a runner whose two cores are
 * busy (under load 4 a worker-kill recovery went past 75 s). Nothing may settle for that long, and no longer.
 */
const STALL_LIMIT_MS = 90_000;
/** Whatever the progress, a drain longer than this fails. */
const DRAIN_CAP_MS = 600_000;
/** The fault waits at most this long for its trigger (a share of the messages past queued). */
const TRIGGER_LIMIT_MS = 300_000;
const RESULTS_DIR = join(repoRoot, 'dist', 'faults');

export interface AcceptProgress {
  accepted: number;
  /** Accepted messages the worker has taken past `queued`. */
  pastQueued(): Promise<number>;
}

export interface FaultScenario {
  name: string;
  messages: number;
  /** When the fault starts; default: a quarter of the messages are past `queued`. */
  trigger?(progress: AcceptProgress): Promise<boolean>;
  /** Before the first accept (arm simulator faults, set its config). */
  prepare?(stack: FaultStack): Promise<void>;
  fault(stack: FaultStack): Promise<void>;
  /** Duplicates at the simulator this fault may cause, and why. */
  duplicateBound: { count: number; reason: string };
  /** Which gateway the n-th attempt of a request goes to (default: the first one). */
  gatewayFor?(attempt: number): number;
}

export interface AcceptLog {
  /** Idempotency-Key -> message id of its 202. */
  ids: Map<string, string>;
  /** HTTP status (or `connection`, `timeout`) of every answer that was not a 202, with how often. */
  refusals: Record<string, number>;
  /** Keys whose first attempt got no answer (connection error or client timeout) and that were accepted on a later attempt. */
  acceptedAfterConnectionError: string[];
}

export interface ScenarioFigures {
  scenario: string;
  messages: number;
  accepted: number;
  sent: number;
  explainedFailures: number;
  /** Accepted but neither sent nor failed with a taxonomy code when the drain limit passed (or ended unexplained). */
  lost: number;
  stuck: Record<string, number>;
  duplicates: number;
  duplicateBound: number;
  duplicateBoundReason: string;
  drainMs: number | null;
  faultMs: number;
  /** From the first accept to the end of the drain (or of the wait). */
  wallMs: number;
  refusals: Record<string, number>;
  at: string;
}

const isSettled = (status: string) =>
  status !== 'queued' && status !== 'sending';
const SENT = new Set(['sent', 'delivered', 'read']);

function recipientOf(index: number): string {
  return `+1415556${String(index).padStart(4, '0')}`;
}

/** Accepts every message of the scenario; `stop()` ends the clients after their current request. */
function acceptAll(
  stack: FaultStack,
  scenario: FaultScenario,
  log: AcceptLog,
): { done: Promise<void>; stop(): Promise<void> } {
  let next = 0;
  let stopped = false;
  const one = async (index: number) => {
    const key = `${scenario.name}-${index}`;
    const body = JSON.stringify({
      from: stack.phoneNumberId,
      to: recipientOf(index),
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
    const deadline = Date.now() + ACCEPT_DEADLINE_MS;
    let connectionErrorFirst = false;
    for (let attempt = 0; ; attempt += 1) {
      const gateway = stack.gateways[scenario.gatewayFor?.(attempt) ?? 0];
      let outcome: string;
      try {
        const response = await fetch(`${gateway}/v1/messages`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${stack.apiKey}`,
            'content-type': 'application/json',
            'idempotency-key': key,
          },
          body,
          signal: AbortSignal.timeout(15_000),
        });
        const answer = (await response.json().catch(() => ({}))) as {
          id?: string;
          error?: { code?: string };
        };
        if (response.status === 202 && answer.id) {
          log.ids.set(key, answer.id);
          if (connectionErrorFirst) log.acceptedAfterConnectionError.push(key);
          return;
        }
        outcome = `${response.status}${answer.error?.code ? ` ${answer.error.code}` : ''}`;
        // Only "try again" answers are retried; anything else is a refusal the scenario reports.
        if (
          response.status !== 503 &&
          !(
            response.status === 409 &&
            answer.error?.code === 'idempotency_conflict'
          )
        ) {
          log.refusals[outcome] = (log.refusals[outcome] ?? 0) + 1;
          return;
        }
      } catch (error) {
        // No answer: the connection failed, or the client's own deadline passed (a loaded gateway).
        outcome =
          error instanceof Error && error.name === 'TimeoutError'
            ? 'timeout'
            : 'connection';
        if (attempt === 0) connectionErrorFirst = true;
      }
      log.refusals[outcome] = (log.refusals[outcome] ?? 0) + 1;
      if (stopped || Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  const done = Promise.all(
    Array.from({ length: CLIENT_CONCURRENCY }, async () => {
      while (!stopped && next < scenario.messages) await one(next++);
    }),
  ).then(() => undefined);
  return {
    done,
    stop: () => {
      stopped = true;
      return done;
    },
  };
}

interface StatusRow {
  status: string;
  explained: boolean;
  n: number;
}

async function statuses(
  stack: FaultStack,
  ids: string[],
): Promise<StatusRow[]> {
  return stack.query<StatusRow>(
    `SELECT status, (error->>'code') IS NOT NULL AS explained, count(*)::int AS n FROM messages WHERE id = ANY($1) GROUP BY 1, 2`,
    [ids],
  );
}

/** One file per scenario: the two spec files may run at once, and each run replaces its own figures. */
function recordFigures(figures: ScenarioFigures): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(
    join(RESULTS_DIR, `${figures.scenario}.json`),
    `${JSON.stringify(figures, null, 2)}\n`,
  );
  process.stdout.write(
    `FAULT ${figures.scenario}: ${figures.messages} messages, accepted ${figures.accepted}, sent ${figures.sent}, explained failures ${figures.explainedFailures}, ` +
      `lost ${figures.lost} ${JSON.stringify(figures.stuck)}, duplicates ${figures.duplicates} (bound ${figures.duplicateBound}: ${figures.duplicateBoundReason}), ` +
      `drain ${figures.drainMs === null ? 'not drained' : `${figures.drainMs} ms`}, fault ${figures.faultMs} ms, wall ${figures.wallMs} ms, refusals ${JSON.stringify(figures.refusals)}\n`,
  );
}

export interface ScenarioOutcome {
  figures: ScenarioFigures;
  log: AcceptLog;
}

/**
 * One fault under load: accept `messages` template sends through the gateway(s) with an
 * Idempotency-Key each, start the fault mid-run, then wait (bounded) until every accepted
 * message is settled and count what happened to each, from Postgres and the simulator.
 */
export async function runFaultScenario(
  stack: FaultStack,
  scenario: FaultScenario,
): Promise<ScenarioOutcome> {
  await stack.sim('POST', '/_sim/reset');
  await scenario.prepare?.(stack);
  const log: AcceptLog = {
    ids: new Map(),
    refusals: {},
    acceptedAfterConnectionError: [],
  };
  const started = Date.now();
  const accepting = acceptAll(stack, scenario, log);
  const progress: AcceptProgress = {
    get accepted() {
      return log.ids.size;
    },
    pastQueued: async () =>
      (await statuses(stack, [...log.ids.values()]))
        .filter((row) => row.status !== 'queued')
        .reduce((sum, row) => sum + row.n, 0),
  };
  const trigger =
    scenario.trigger ??
    (async (state: AcceptProgress) =>
      (await state.pastQueued()) >= scenario.messages / 4);
  const triggerDeadline = Date.now() + TRIGGER_LIMIT_MS;
  while (!(await trigger(progress))) {
    if (Date.now() > triggerDeadline) {
      await accepting.stop();
      throw new Error(
        `${scenario.name}: the fault's trigger never came (${log.ids.size} accepted)`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const faultStarted = Date.now();
  await scenario.fault(stack);
  const faultMs = Date.now() - faultStarted;
  await accepting.done;

  const ids = [...log.ids.values()];
  const drainStarted = Date.now();
  let rows: StatusRow[] = [];
  let drainMs: number | null = null;
  // Bounded by progress, not by a fixed time: a loaded runner sends slower, but a stranded
  // message never settles, so the wait ends once nothing has settled for STALL_LIMIT_MS.
  let settled = -1;
  let lastProgress = Date.now();
  for (;;) {
    rows = await statuses(stack, ids).catch(() => rows);
    const nowSettled = rows
      .filter((row) => isSettled(row.status))
      .reduce((sum, row) => sum + row.n, 0);
    if (nowSettled === ids.length) {
      drainMs = Date.now() - drainStarted;
      break;
    }
    if (nowSettled > settled) {
      settled = nowSettled;
      lastProgress = Date.now();
    }
    if (
      Date.now() - lastProgress > STALL_LIMIT_MS ||
      Date.now() - drainStarted > DRAIN_CAP_MS
    )
      break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }

  const records = (
    await stack.sim<{ data: Array<{ bizOpaqueCallbackData?: string }> }>(
      'GET',
      '/_sim/messages',
    )
  ).data;
  const wanted = new Set(ids);
  const sends = new Map<string, number>();
  for (const record of records) {
    if (
      record.bizOpaqueCallbackData &&
      wanted.has(record.bizOpaqueCallbackData)
    ) {
      sends.set(
        record.bizOpaqueCallbackData,
        (sends.get(record.bizOpaqueCallbackData) ?? 0) + 1,
      );
    }
  }
  const count = (predicate: (row: StatusRow) => boolean) =>
    rows.filter(predicate).reduce((sum, row) => sum + row.n, 0);
  const sent = count((row) => SENT.has(row.status));
  const explainedFailures = count(
    (row) => !SENT.has(row.status) && isSettled(row.status) && row.explained,
  );
  const stuck: Record<string, number> = {};
  for (const row of rows) {
    if (!SENT.has(row.status) && !(isSettled(row.status) && row.explained))
      stuck[row.status] = (stuck[row.status] ?? 0) + row.n;
  }
  const figures: ScenarioFigures = {
    scenario: scenario.name,
    messages: scenario.messages,
    accepted: ids.length,
    sent,
    explainedFailures,
    lost: ids.length - sent - explainedFailures,
    stuck,
    duplicates: [...sends.values()].reduce((sum, n) => sum + n - 1, 0),
    duplicateBound: scenario.duplicateBound.count,
    duplicateBoundReason: scenario.duplicateBound.reason,
    drainMs,
    faultMs,
    wallMs: Date.now() - started,
    refusals: log.refusals,
    at: new Date().toISOString(),
  };
  recordFigures(figures);
  // The apps' last lines (warn and above) say why messages were left behind.
  if (drainMs === null) process.stdout.write(`${stack.logs()}\n`);
  return { figures, log };
}

/** The checks every scenario makes, as one expectation so a failure shows all the figures. */
export function expectNoLoss(figures: ScenarioFigures): void {
  expect({
    accepted: figures.accepted,
    lost: figures.lost,
    stuck: figures.stuck,
    drained: figures.drainMs !== null,
    duplicatesWithinBound: figures.duplicates <= figures.duplicateBound,
  }).toEqual({
    accepted: figures.messages,
    lost: 0,
    stuck: {},
    drained: true,
    duplicatesWithinBound: true,
  });
}
