import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { createMetaSimulator, type MetaSimulator, type MetaSimulatorOptions } from '../meta-simulator';
import { DEMO_IDS, demoSeed } from '../seed/demo-seed';
import type { SimulationSettingsInput } from '../seed/simulator-seed.schema';

/** Test-only helpers: a simulator on a random port and a webhook receiver, both over real HTTP. */

export const PHONE = DEMO_IDS.phoneNumberId;
export const PHONE_2 = DEMO_IDS.secondPhoneNumberId;
export const WABA = DEMO_IDS.wabaId;
export const APP = DEMO_IDS.appId;
export const USER = '15551230001';

export const seed = demoSeed();
export const TOKEN = seed.tokens[0].token;
export const APP_SECRET = seed.apps[0].secret;

export interface HttpAnswer<T = Record<string, unknown>> {
  status: number;
  headers: IncomingHttpHeaders;
  body: T;
  text: string;
}

export interface TestSimulator {
  sim: MetaSimulator;
  url: string;
  call<T = Record<string, unknown>>(
    method: 'GET' | 'POST' | 'DELETE' | 'PATCH' | 'PUT',
    path: string,
    options?: { body?: unknown; token?: string | null; headers?: Record<string, string>; rawBody?: string | Buffer },
  ): Promise<HttpAnswer<T>>;
  send(body: Record<string, unknown>, options?: { phone?: string; token?: string | null }): Promise<HttpAnswer>;
  close(): Promise<void>;
}

/** Fast delays so status webhooks arrive within a test's patience. */
export const FAST: SimulationSettingsInput = {
  statusDelaysMs: { sent: 5, delivered: 10, read: 15 },
  flushIntervalMs: 10,
  webhookRetry: { maxAttempts: 1, baseDelayMs: 10 },
  autoApproveTemplates: false,
};

export async function startSimulator(options: Partial<MetaSimulatorOptions> = {}): Promise<TestSimulator> {
  const sim = await createMetaSimulator({
    ...options,
    seed: options.seed ?? demoSeed(),
    simulation: { ...FAST, ...options.simulation },
  });
  const url = await sim.listen({ port: 0 });
  const call: TestSimulator['call'] = async (method, path, callOptions = {}) => {
    const token = callOptions.token === undefined ? TOKEN : callOptions.token;
    const headers: Record<string, string> = { ...callOptions.headers };
    if (token !== null) headers['authorization'] = `Bearer ${token}`;
    let body: string | Buffer | undefined = callOptions.rawBody;
    if (body === undefined && callOptions.body !== undefined) {
      body = JSON.stringify(callOptions.body);
      headers['content-type'] = 'application/json';
    }
    const response = await request(`${url}${path}`, { method, headers, body });
    const text = await response.body.text();
    let parsed: unknown = {};
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = {};
    }
    return { status: response.statusCode, headers: response.headers, body: parsed as never, text };
  };
  return {
    sim,
    url,
    call,
    send: (body, sendOptions = {}) =>
      call('POST', `/v24.0/${sendOptions.phone ?? PHONE}/messages`, {
        body: { messaging_product: 'whatsapp', ...body },
        token: sendOptions.token,
      }),
    close: () => sim.close(),
  };
}

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: {
    object: string;
    entry: { id: string; changes: { field: string; value: Record<string, unknown> }[] }[];
  };
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** The status code the receiver answers with (200 by default). */
  respondWith: number;
  waitFor(predicate: (all: ReceivedWebhook[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const receiver: WebhookReceiver = {
    url: '',
    received,
    respondWith: 200,
    async waitFor(predicate, timeoutMs = 8000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline) throw new Error(`webhook condition not met in ${timeoutMs} ms; got ${received.length} webhooks`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, rawBody, body: JSON.parse(rawBody) as ReceivedWebhook['body'] });
      res.statusCode = receiver.respondWith;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp/{appId}`;
  return receiver;
}

/** All statuses across the received `messages` webhooks. */
export function statusesIn(webhooks: ReceivedWebhook[]): Record<string, unknown>[] {
  return webhooks.flatMap((webhook) =>
    webhook.body.entry.flatMap((entry) =>
      entry.changes.flatMap((change) => (change.value['statuses'] as Record<string, unknown>[] | undefined) ?? []),
    ),
  );
}
