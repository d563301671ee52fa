import { randomUUID } from 'node:crypto';
import { Agent, request } from 'undici';
import type { SmsSettings } from '../seed/sms-seed.schema';
import { BoundedLog } from '@switchboard/simulator-support';
import { encodeForm, twilioSignature, type FormParams } from './twilio-signature';

export type CallbackKind = 'status' | 'inbound';

export interface CallbackDelivery {
  id: number;
  /** ISO time of the attempt. */
  at: string;
  kind: CallbackKind;
  url: string;
  /** MessageStatus for a status callback, `received` for an inbound message. */
  status: string;
  messageSid: string;
  /** 1 for the original post, 2.. for the duplicates. */
  copy: number;
  params: FormParams;
  /** The receiver's HTTP status; null when it never answered. */
  statusCode: number | null;
  error?: string;
  durationMs: number;
}

/**
 * Posts Twilio's form-encoded webhooks signed with `X-Twilio-Signature`
 * (keyed with the account's Auth Token, over the exact URL posted to). One
 * attempt each, as Twilio (retries are opt-in there); every attempt is logged.
 */
export class CallbackDispatcher {
  readonly log: BoundedLog<CallbackDelivery>;
  private readonly agent = new Agent({ connections: 32, keepAliveTimeout: 4000 });
  private inFlight = 0;
  private nextId = 1;

  constructor(private readonly settings: () => SmsSettings) {
    this.log = new BoundedLog(settings().recordLimit);
  }

  get busy(): boolean {
    return this.inFlight > 0;
  }

  /** Posts `copies` identical requests (same idempotency token, as a Twilio redelivery carries). */
  async post(
    kind: CallbackKind,
    url: string,
    authToken: string,
    params: FormParams,
    copies = 1,
  ): Promise<CallbackDelivery[]> {
    const body = encodeForm(params);
    const headers = {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      'user-agent': 'TwilioProxy/1.1',
      'x-twilio-signature': twilioSignature(authToken, url, params),
      'i-twilio-idempotency-token': randomUUID(),
    };
    const deliveries: CallbackDelivery[] = [];
    for (let copy = 1; copy <= copies; copy += 1) deliveries.push(await this.attempt(kind, url, headers, body, params, copy));
    return deliveries;
  }

  async close(): Promise<void> {
    await this.agent.destroy();
  }

  private async attempt(
    kind: CallbackKind,
    url: string,
    headers: Record<string, string>,
    body: string,
    params: FormParams,
    copy: number,
  ): Promise<CallbackDelivery> {
    const started = Date.now();
    let statusCode: number | null = null;
    let error: string | undefined;
    this.inFlight += 1;
    try {
      const timeout = this.settings().callbackTimeoutMs;
      const response = await request(url, { method: 'POST', dispatcher: this.agent, headers, body, headersTimeout: timeout, bodyTimeout: timeout });
      statusCode = response.statusCode;
      await response.body.dump();
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
    } finally {
      this.inFlight -= 1;
    }
    const status = String(params['MessageStatus'] ?? params['SmsStatus'] ?? '');
    const delivery: CallbackDelivery = {
      id: this.nextId++,
      at: new Date(started).toISOString(),
      kind,
      url,
      status,
      messageSid: String(params['MessageSid']),
      copy,
      params,
      statusCode,
      ...(error !== undefined && { error }),
      durationMs: Date.now() - started,
    };
    this.log.add(delivery);
    return delivery;
  }
}
