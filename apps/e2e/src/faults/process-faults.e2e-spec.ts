import { loadConfig, testEnvSchema } from '@switchboard/config';
import { expectNoLoss, runFaultScenario } from '../support/fault-scenario';
import {
  RECONCILE_WINDOW_MS,
  startFaultStack,
  WORKER_CONCURRENCY,
  type FaultStack,
} from '../support/fault-stack';
import { stormFaults } from '../support/fault-storm';

const { FAULT_SUITE_MESSAGES: MESSAGES } = loadConfig(testEnvSchema);
// Trigger, accept and a drain bounded by progress (fault-scenario.ts): generous, the scenario's own limits fail first.
const SCENARIO_TIMEOUT_MS = 900_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Processes dying and Meta misbehaving under load, against the built gateway (two of
 * them), worker and simulator on a Postgres cluster and Redis server of this file's own.
 */
describe('fault suite: processes and Meta (built apps, own Postgres and Redis)', () => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await startFaultStack({ gatewayCount: 2 });
  }, 180_000);

  afterAll(async () => {
    await stack?.close();
  });

  it(
    'SIGKILL of the worker mid-run, then a new worker: nothing lost, duplicates at most the sends in flight',
    async () => {
      const { figures } = await runFaultScenario(stack, {
        name: 'worker-sigkill',
        messages: MESSAGES,
        fault: async (target) => {
          await target.killWorker();
          await sleep(1_000);
          await target.startWorker();
        },
        duplicateBound: {
          count: WORKER_CONCURRENCY,
          reason: 'sends at Meta in the killed worker (SEND_CONCURRENCY)',
        },
      });
      expectNoLoss(figures);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    'SIGKILL of a gateway mid-accept: a 202 ends sent; a connection error retried with its Idempotency-Key on the other gateway is exactly one message',
    async () => {
      const { figures, log } = await runFaultScenario(stack, {
        name: 'gateway-sigkill',
        messages: MESSAGES,
        trigger: async (progress) => progress.accepted >= MESSAGES / 3,
        // First attempts go to the gateway that dies; a retry alternates between the two.
        gatewayFor: (attempt) => attempt % 2,
        fault: async (target) => {
          await target.killGateway(0);
          await sleep(2_000);
          await target.startGateway(0);
        },
        duplicateBound: {
          count: 0,
          reason:
            'the worker is untouched; a retried accept replays the first one',
        },
      });
      expectNoLoss(figures);
      const [rows] = await stack.query<{ messages: number; keys: number }>(
        `SELECT count(*)::int AS messages, count(DISTINCT idempotency_key)::int AS keys FROM messages WHERE idempotency_key LIKE 'gateway-sigkill-%'`,
      );
      expect(rows).toEqual({ messages: MESSAGES, keys: MESSAGES });
      // The kill really caught accepts in flight, and each of those is one sent message.
      expect(log.acceptedAfterConnectionError.length).toBeGreaterThan(0);
      const retried = log.acceptedAfterConnectionError.map((key) =>
        log.ids.get(key),
      );
      const [retriedRows] = await stack.query<{ sent: number }>(
        `SELECT count(*) FILTER (WHERE status IN ('sent', 'delivered', 'read'))::int AS sent FROM messages WHERE id = ANY($1)`,
        [retried],
      );
      expect(retriedRows?.sent).toBe(new Set(retried).size);
      process.stdout.write(
        `FAULT gateway-sigkill: ${log.acceptedAfterConnectionError.length} accepts retried after a connection error\n`,
      );
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    'a simulator fault storm (20 % of sends: 5xx, timeouts, 130429, 131000; 2 % failed later with 131000): every message sent or failed with a code',
    async () => {
      const storm = stormFaults({
        calls: Math.ceil(MESSAGES * 1.3),
        share: 0.2,
        timeoutMs: 4_500,
        randomSeed: 14,
      });
      const { figures } = await runFaultScenario(stack, {
        name: 'meta-storm',
        messages: MESSAGES,
        trigger: async () => true,
        prepare: async (target) => {
          await target.sim('PATCH', '/_sim/config', {
            failureRates: { '131000': 0.02 },
          });
          for (const spec of storm.faults)
            await target.sim('POST', '/_sim/faults', spec);
        },
        fault: async () => undefined,
        duplicateBound: {
          count: storm.timeouts,
          reason: `timed-out sends that Meta took, resent when no status arrived within ${RECONCILE_WINDOW_MS} ms`,
        },
      });
      expectNoLoss(figures);
      expect(figures.explainedFailures).toBeGreaterThan(0);
    },
    SCENARIO_TIMEOUT_MS,
  );
});
