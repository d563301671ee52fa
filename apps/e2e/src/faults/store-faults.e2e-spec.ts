import { createHmac } from 'node:crypto';
import { loadConfig, testEnvSchema } from '@switchboard/config';
import { expectNoLoss, runFaultScenario } from '../support/fault-scenario';
import {
  startFaultStack,
  WORKER_CONCURRENCY,
  type FaultStack,
} from '../support/fault-stack';

const { FAULT_SUITE_MESSAGES: MESSAGES } = loadConfig(testEnvSchema);
// Trigger, accept and a drain bounded by progress (fault-scenario.ts): generous, the scenario's own limits fail first.
const SCENARIO_TIMEOUT_MS = 900_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const inFlightBound = {
  count: WORKER_CONCURRENCY,
  reason: 'sends at Meta when the store went away (SEND_CONCURRENCY)',
};

/**
 * Redis and Postgres failing under load, against the built gateway, worker and
 * simulator. Both servers belong to this file (started and stopped here), so pausing,
 * wiping or restarting them never touches the shared ones other test files use.
 */
describe('fault suite: Redis and Postgres (built apps, own Postgres and Redis)', () => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await startFaultStack();
  }, 180_000);

  afterAll(async () => {
    await stack?.close();
  });

  it(
    'Redis paused for 3 s (CLIENT PAUSE ALL, as in a failover): nothing lost or stranded',
    async () => {
      const { figures } = await runFaultScenario(stack, {
        name: 'redis-pause',
        messages: MESSAGES,
        fault: async (target) => {
          await target.redis.command('CLIENT', 'PAUSE', 3_000, 'ALL');
          await sleep(3_000);
        },
        duplicateBound: inFlightBound,
      });
      expectNoLoss(figures);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    'Redis stopped and restarted with its data kept (append-only file): nothing lost',
    async () => {
      const { figures } = await runFaultScenario(stack, {
        name: 'redis-restart-kept',
        messages: MESSAGES,
        fault: async (target) => {
          await target.redis.stop({ keepData: true });
          await sleep(2_000);
          await target.redis.start();
        },
        duplicateBound: inFlightBound,
      });
      expect(Number(await stack.redis.command('DBSIZE'))).toBeGreaterThan(0);
      expectNoLoss(figures);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    'Redis stopped and restarted with its data lost: the outbox and the sweeps re-drive every message from Postgres',
    async () => {
      const { figures } = await runFaultScenario(stack, {
        name: 'redis-restart-lost',
        messages: MESSAGES,
        fault: async (target) => {
          await target.redis.stop({ keepData: false });
          await sleep(2_000);
          await target.redis.start();
        },
        duplicateBound: inFlightBound,
      });
      expectNoLoss(figures);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    'Postgres restarted mid-run: accept and webhooks answer 503 meanwhile, nothing half stored, everything resumes',
    async () => {
      const during: { accept?: number; webhook?: number } = {};
      const { figures } = await runFaultScenario(stack, {
        name: 'postgres-restart',
        messages: MESSAGES,
        fault: async (target) => {
          await target.postgres.stop();
          await sleep(500);
          const [gateway] = target.gateways;
          const accept = await fetch(`${gateway}/v1/messages`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${target.apiKey}`,
              'content-type': 'application/json',
              'idempotency-key': 'postgres-probe',
            },
            body: JSON.stringify({
              from: target.phoneNumberId,
              to: '+14155569999',
              type: 'template',
              template: { name: 'hello_world', language: { code: 'en_US' } },
            }),
          });
          during.accept = accept.status;
          const payload = JSON.stringify({
            object: 'whatsapp_business_account',
            entry: [
              {
                id: target.wabaId,
                changes: [
                  {
                    field: 'messages',
                    value: {
                      messaging_product: 'whatsapp',
                      metadata: {
                        display_phone_number: '15550100001',
                        phone_number_id: target.phoneNumberId,
                      },
                      statuses: [
                        {
                          id: 'wamid.postgres-probe',
                          status: 'delivered',
                          timestamp: String(Math.floor(Date.now() / 1000)),
                          recipient_id: '14155569999',
                        },
                      ],
                    },
                  },
                ],
              },
            ],
          });
          const webhook = await fetch(
            `${gateway}/webhooks/whatsapp/${target.appId}`,
            {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                'x-hub-signature-256': `sha256=${createHmac('sha256', target.appSecret).update(payload).digest('hex')}`,
              },
              body: payload,
            },
          );
          during.webhook = webhook.status;
          await sleep(2_500);
          await target.postgres.start();
        },
        duplicateBound: inFlightBound,
      });
      const [half] = await stack.query<{ probe: number; withoutEvent: number }>(
        `SELECT (SELECT count(*)::int FROM messages WHERE idempotency_key = 'postgres-probe') AS probe,
                (SELECT count(*)::int FROM messages m WHERE NOT EXISTS (SELECT 1 FROM message_events e WHERE e.message_id = m.id)) AS "withoutEvent"`,
      );
      // One expectation, so a failure shows every figure. The clients retried only 503s, 409 "in
      // progress" and requests without an answer: any other answer is in `otherAnswers`.
      expect({
        during,
        otherAnswers: Object.keys(figures.refusals).filter(
          (outcome) =>
            !/^(503|409 idempotency_conflict|connection|timeout)/.test(outcome),
        ),
        halfStored: half,
      }).toEqual({
        during: { accept: 503, webhook: 503 },
        otherAnswers: [],
        halfStored: { probe: 0, withoutEvent: 0 },
      });
      expectNoLoss(figures);
    },
    SCENARIO_TIMEOUT_MS,
  );
});
