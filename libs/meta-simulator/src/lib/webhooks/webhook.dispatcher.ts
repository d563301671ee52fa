import { Agent, request } from 'undici';
import type { SimulationSettings } from '../seed/simulator-seed.schema';
import type { SimulatorState } from '../state/simulator-state';
import { BoundedLog } from '@switchboard/simulator-support';
import { TimerRegistry } from '../util/timer-registry';
import type { WebhookEnvelope } from './webhook-payload.builders';
import { legacySignatureHeader, serializeLikeMeta, signatureHeader } from './webhook.signer';

export interface WebhookDelivery {
  id: number;
  /** ISO time of the attempt. */
  at: string;
  appId: string;
  wabaId: string;
  url: string | null;
  /** Webhook fields in the payload, e.g. ["messages"]. */
  fields: string[];
  attempt: number;
  /** HTTP status of the receiver's answer; null when it never answered or nothing was sent. */
  statusCode: number | null;
  error?: string;
  /** Why nothing was posted (no URL configured, WABA not subscribed). */
  skipped?: string;
  durationMs: number;
  payload: WebhookEnvelope;
}

/**
 * Posts signed webhooks to every app subscribed to the WABA, like Meta: one POST
 * per app, `X-Hub-Signature-256` over the exact bytes sent, retries on non-2xx
 * or network failure with exponential backoff (Meta retries for days; here a
 * few quick attempts), and a bounded log of every attempt for assertions.
 */
export class WebhookDispatcher {
  readonly log: BoundedLog<WebhookDelivery>;
  private readonly agent = new Agent({ connections: 64, keepAliveTimeout: 4000 });
  private readonly retries = new TimerRegistry();
  private inFlight = 0;
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly state: SimulatorState,
    private readonly settings: () => SimulationSettings,
  ) {
    this.log = new BoundedLog(settings().recordLimit);
  }

  /** Delivers to every subscribed app; resolves with each app's first attempt. */
  async deliver(wabaId: string, payload: WebhookEnvelope): Promise<WebhookDelivery[]> {
    const fields = [...new Set(payload.entry.flatMap((entry) => entry.changes.map((change) => change.field)))];
    const waba = this.state.wabas.get(wabaId);
    const appIds = waba ? [...waba.subscribedAppIds] : [];
    if (appIds.length === 0) {
      return [this.record({ appId: '', wabaId, url: null, fields, attempt: 0, statusCode: null, skipped: 'WABA has no subscribed app', durationMs: 0, payload })];
    }
    // Serialised once, lazily: with no webhook URL (benchmarks) nothing is serialised at all.
    let body: string | undefined;
    const bodyOf = () => (body ??= serializeLikeMeta(payload));
    return Promise.all(appIds.map((appId) => this.attempt(appId, wabaId, fields, payload, bodyOf, 1)));
  }

  /** True while a POST is in flight or a retry is scheduled. */
  get busy(): boolean {
    return this.inFlight > 0 || this.retries.pending > 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.retries.clear();
    await this.agent.destroy();
  }

  /** Forgets scheduled retries (simulator reset). */
  cancelRetries(): void {
    this.retries.clear();
  }

  private urlFor(appId: string): string | null {
    const app = this.state.apps.get(appId);
    const template = app?.webhookUrl ?? this.settings().webhookUrl;
    return template ? template.replaceAll('{appId}', appId) : null;
  }

  private async attempt(
    appId: string,
    wabaId: string,
    fields: string[],
    payload: WebhookEnvelope,
    bodyOf: () => string,
    attempt: number,
  ): Promise<WebhookDelivery> {
    const app = this.state.apps.get(appId);
    const url = this.urlFor(appId);
    if (!app || !url) {
      return this.record({ appId, wabaId, url, fields, attempt: 0, statusCode: null, skipped: app ? 'no webhook URL configured' : 'unknown app', durationMs: 0, payload });
    }
    const body = bodyOf();
    const started = Date.now();
    let statusCode: number | null = null;
    let error: string | undefined;
    this.inFlight += 1;
    try {
      const response = await request(url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'facebookexternalua',
          'x-hub-signature': legacySignatureHeader(body, app.secret),
          'x-hub-signature-256': signatureHeader(body, app.secret),
        },
        body,
        headersTimeout: this.settings().webhookTimeoutMs,
        bodyTimeout: this.settings().webhookTimeoutMs,
      });
      statusCode = response.statusCode;
      await response.body.dump();
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
    } finally {
      this.inFlight -= 1;
    }
    const delivery = this.record({ appId, wabaId, url, fields, attempt, statusCode, error, durationMs: Date.now() - started, payload });
    const succeeded = statusCode !== null && statusCode >= 200 && statusCode < 300;
    const { maxAttempts, baseDelayMs } = this.settings().webhookRetry;
    if (!succeeded && !this.closed && attempt < maxAttempts) {
      this.retries.after(baseDelayMs * 2 ** (attempt - 1), () => {
        void this.attempt(appId, wabaId, fields, payload, bodyOf, attempt + 1);
      });
    }
    return delivery;
  }

  private record(delivery: Omit<WebhookDelivery, 'id' | 'at'>): WebhookDelivery {
    const entry: WebhookDelivery = { id: this.nextId++, at: new Date().toISOString(), ...delivery };
    if (entry.error === undefined) delete entry.error;
    if (entry.skipped === undefined) delete entry.skipped;
    this.log.add(entry);
    return entry;
  }
}
