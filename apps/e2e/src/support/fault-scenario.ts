import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './app-process';
import type { FaultStack } from './fault-stack';

/** Requests the clients keep open at once: enough to have accepts in flight when a gateway dies. */
const CLIENT_CONCURRENCY = 32;
/** A client gives a message up (and the scenario fails) when it is not accepted within this. */
const ACCEPT_DEADLINE_MS = 120_000;
const RESULTS_FILE = join(repoRoot, 'dist', 'faults', 'results.json');

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
  /** Bounded wait, from the end of the fault and the last accept, for every message to leave queued/sending. */
  drainLimitMs: number;
  /** Which gateway the n-th attempt of a request goes to (default: the first one). */
  gatewayFor?(attempt: number): number;
}

export interface AcceptLog {
  /** Idempotency-Key -> message id of its 202. */
  ids: Map<string, string>;
  /** HTTP status (or `connection`) of every answer that was not a 202, with how often. */
  refusals: Record<string, number>;
  /** Keys whose first attempt ended in a connection error and that were accepted on a later attempt. */
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
  refusals: Record<string, number>;
  at: string;
}

const isSettled = (status: string) => status !== 'queued' && status !== 'sending';
const SENT = new Set(['sent', 'delivered', 'read']);

function recipientOf(index: number): string {
  return `+1415556${String(index).padStart(4, '0')}`;
}

async function acceptAll(stack: FaultStack, scenario: FaultScenario, log: AcceptLog, onAccepted: () => void): Promise<void> {
  let next = 0;
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
          headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json', 'idempotency-key': key },
          body,
          signal: AbortSignal.timeout(15_000),
        });
        const answer = (await response.json().catch(() => ({}))) as { id?: string; error?: { code?: string } };
        if (response.status === 202 && answer.id) {
          log.ids.set(key, answer.id);
          if (connectionErrorFirst) log.acceptedAfterConnectionError.push(key);
          onAccepted();
          return;
        }
        outcome = `${response.status}${answer.error?.code ? ` ${answer.error.code}` : ''}`;
        // Only "try again" answers are retried; anything else is a refusal the scenario reports.
        if (response.status !== 503 && !(response.status === 409 && answer.error?.code === 'idempotency_conflict')) {
          log.refusals[outcome] = (log.refusals[outcome] ?? 0) + 1;
          return;
        }
      } catch {
        outcome = 'connection';
        if (attempt === 0) connectionErrorFirst = true;
      }
      log.refusals[outcome] = (log.refusals[outcome] ?? 0) + 1;
      if (Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  await Promise.all(
    Array.from({ length: CLIENT_CONCURRENCY }, async () => {
      while (next < scenario.messages) await one(next++);
    }),
  );
}

interface StatusRow {
  status: string;
  explained: boolean;
  n: number;
}

async function statuses(stack: FaultStack, ids: string[]): Promise<StatusRow[]> {
  return stack.query<StatusRow>(
    `SELECT status, (error->>'code') IS NOT NULL AS explained, count(*)::int AS n FROM messages WHERE id = ANY($1) GROUP BY 1, 2`,
    [ids],
  );
}

function recordFigures(figures: ScenarioFigures): void {
  mkdirSync(join(RESULTS_FILE, '..'), { recursive: true });
  let previous: ScenarioFigures[] = [];
  try {
    previous = JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as ScenarioFigures[];
  } catch {
    // first scenario of the run
  }
  writeFileSync(RESULTS_FILE, `${JSON.stringify([...previous.filter((entry) => entry.scenario !== figures.scenario), figures], null, 2)}\n`);
  process.stdout.write(
    `FAULT ${figures.scenario}: ${figures.messages} messages, accepted ${figures.accepted}, sent ${figures.sent}, explained failures ${figures.explainedFailures}, ` +
      `lost ${figures.lost} ${JSON.stringify(figures.stuck)}, duplicates ${figures.duplicates} (bound ${figures.duplicateBound}: ${figures.duplicateBoundReason}), ` +
      `drain ${figures.drainMs === null ? 'not drained' : `${figures.drainMs} ms`}, fault ${figures.faultMs} ms, refusals ${JSON.stringify(figures.refusals)}\n`,
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
export async function runFaultScenario(stack: FaultStack, scenario: FaultScenario): Promise<ScenarioOutcome> {
  await stack.sim('POST', '/_sim/reset');
  await scenario.prepare?.(stack);
  const log: AcceptLog = { ids: new Map(), refusals: {}, acceptedAfterConnectionError: [] };
  const accepting = acceptAll(stack, scenario, log, () => undefined);
  const progress: AcceptProgress = {
    get accepted() {
      return log.ids.size;
    },
    pastQueued: async () =>
      (await statuses(stack, [...log.ids.values()])).filter((row) => row.status !== 'queued').reduce((sum, row) => sum + row.n, 0),
  };
  const trigger = scenario.trigger ?? (async (state: AcceptProgress) => (await state.pastQueued()) >= scenario.messages / 4);
  const triggerDeadline = Date.now() + 90_000;
  while (!(await trigger(progress))) {
    if (Date.now() > triggerDeadline) throw new Error(`${scenario.name}: the fault's trigger never came (${log.ids.size} accepted)`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const faultStarted = Date.now();
  await scenario.fault(stack);
  const faultMs = Date.now() - faultStarted;
  await accepting;

  const ids = [...log.ids.values()];
  const drainStarted = Date.now();
  let rows: StatusRow[] = [];
  let drainMs: number | null = null;
  for (;;) {
    rows = await statuses(stack, ids).catch(() => rows);
    if (rows.length > 0 && rows.every((row) => isSettled(row.status))) {
      drainMs = Date.now() - drainStarted;
      break;
    }
    if (Date.now() - drainStarted > scenario.drainLimitMs) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }

  const records = (await stack.sim<{ data: Array<{ bizOpaqueCallbackData?: string }> }>('GET', '/_sim/messages')).data;
  const wanted = new Set(ids);
  const sends = new Map<string, number>();
  for (const record of records) {
    if (record.bizOpaqueCallbackData && wanted.has(record.bizOpaqueCallbackData)) {
      sends.set(record.bizOpaqueCallbackData, (sends.get(record.bizOpaqueCallbackData) ?? 0) + 1);
    }
  }
  const count = (predicate: (row: StatusRow) => boolean) => rows.filter(predicate).reduce((sum, row) => sum + row.n, 0);
  const sent = count((row) => SENT.has(row.status));
  const explainedFailures = count((row) => !SENT.has(row.status) && isSettled(row.status) && row.explained);
  const stuck: Record<string, number> = {};
  for (const row of rows) {
    if (!SENT.has(row.status) && !(isSettled(row.status) && row.explained)) stuck[row.status] = (stuck[row.status] ?? 0) + row.n;
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
    refusals: log.refusals,
    at: new Date().toISOString(),
  };
  recordFigures(figures);
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
  }).toEqual({ accepted: figures.messages, lost: 0, stuck: {}, drained: true, duplicatesWithinBound: true });
}
