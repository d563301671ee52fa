import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { parseForm, type FormParams } from '../callbacks/twilio-signature';
import { SMS_DEMO_IDS, demoSmsSeed } from '../seed/demo-sms-seed';
import type { SmsSettingsInput } from '../seed/sms-seed.schema';
import { createSmsSimulator, type SmsSimulator, type SmsSimulatorOptions } from '../sms-simulator';

/** Test-only helpers: a simulator on a random port and a form-webhook receiver, both over real HTTP. */

export const ACCOUNT = SMS_DEMO_IDS.accountSid;
export const OTHER_ACCOUNT = SMS_DEMO_IDS.otherAccountSid;
export const FROM = SMS_DEMO_IDS.number;
export const USER = '+15551230001';
export const AUTH_TOKEN = demoSmsSeed().accounts[0].authToken;
export const OTHER_AUTH_TOKEN = demoSmsSeed().accounts[1].authToken;

/** Fast delays so callbacks arrive within a test's patience. */
export const FAST: SmsSettingsInput = { statusDelaysMs: { queued: 2, sent: 5, delivered: 10 } };

export interface HttpAnswer<T = Record<string, unknown>> {
  status: number;
  headers: IncomingHttpHeaders;
  body: T;
}

export function basicAuth(accountSid: string, authToken: string): string {
  return `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
}

export interface TestSms {
  sim: SmsSimulator;
  url: string;
  /** POST Messages.json for the demo account (or `account`), form-encoded. */
  send(params: Record<string, string | string[]>, options?: { account?: string; auth?: string | null }): Promise<HttpAnswer>;
  call<T = Record<string, unknown>>(method: 'GET' | 'POST' | 'DELETE' | 'PATCH' | 'PUT', path: string, options?: { auth?: string | null; json?: unknown }): Promise<HttpAnswer<T>>;
  close(): Promise<void>;
}

export async function startSms(options: SmsSimulatorOptions = {}): Promise<TestSms> {
  const sim = await createSmsSimulator({ ...options, simulation: { ...FAST, ...options.simulation } });
  const url = await sim.listen({ port: 0 });
  const call: TestSms['call'] = async (method, path, callOptions = {}) => {
    const headers: Record<string, string> = {};
    const auth = callOptions.auth === undefined ? basicAuth(ACCOUNT, AUTH_TOKEN) : callOptions.auth;
    if (auth !== null) headers['authorization'] = auth;
    let body: string | undefined;
    if (callOptions.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(callOptions.json);
    }
    const response = await request(`${url}${path}`, { method, headers, body });
    const text = await response.body.text();
    return { status: response.statusCode, headers: response.headers, body: (text ? JSON.parse(text) : {}) as never };
  };
  return {
    sim,
    url,
    call,
    async send(params, sendOptions = {}) {
      const account = sendOptions.account ?? ACCOUNT;
      const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
      const auth = sendOptions.auth === undefined ? basicAuth(ACCOUNT, AUTH_TOKEN) : sendOptions.auth;
      if (auth !== null) headers['authorization'] = auth;
      const form = new URLSearchParams();
      for (const [name, value] of Object.entries(params)) for (const item of Array.isArray(value) ? value : [value]) form.append(name, item);
      const response = await request(`${url}/2010-04-01/Accounts/${account}/Messages.json`, { method: 'POST', headers, body: form.toString() });
      const text = await response.body.text();
      return { status: response.statusCode, headers: response.headers, body: JSON.parse(text) as Record<string, unknown> };
    },
    close: () => sim.close(),
  };
}

export interface ReceivedForm {
  /** The full URL the simulator posted to, as Twilio signs it. */
  url: string;
  headers: IncomingHttpHeaders;
  params: FormParams;
}

export interface FormReceiver {
  /** Base URL; post anywhere under it. */
  url: string;
  received: ReceivedForm[];
  respondWith: number;
  waitFor(predicate: (all: ReceivedForm[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFormReceiver(): Promise<FormReceiver> {
  const received: ReceivedForm[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ url: `${receiver.url}${req.url ?? ''}`, headers: req.headers, params: parseForm(Buffer.concat(chunks).toString('utf8')) });
      res.statusCode = receiver.respondWith;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const receiver: FormReceiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    respondWith: 200,
    async waitFor(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms; got ${received.length} posts`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return receiver;
}
