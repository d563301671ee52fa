import { Injectable, Logger } from '@nestjs/common';
import { MetaAppsService } from '@switchboard/accounts';
import { InboxWriter } from './inbox.writer';
import { WebhookMetrics, type IngestOutcome } from './webhook-ingest.metrics';
import { isValidSignature, sameSecret } from './webhook-signature';

/** Meta app ids are numeric; anything else is not one of ours, answered without a lookup. */
const APP_ID = /^[0-9]{1,32}$/;

export type ReceiveOutcome = 'stored' | 'unauthorized';

/**
 * The request path of Meta's webhooks (contract §6): the handshake, and for a POST the
 * signature check over the raw bytes and the durable store, nothing else. Processing
 * happens in the worker.
 */
@Injectable()
export class WebhookIngestService {
  private readonly logger = new Logger(WebhookIngestService.name);

  constructor(
    private readonly apps: MetaAppsService,
    private readonly inbox: InboxWriter,
    private readonly metrics: WebhookMetrics,
  ) {}

  /**
   * The challenge to echo, or null (403) for a wrong token, a wrong mode or an unknown app.
   * Query values arrive as the parser made them: a repeated parameter is an array, which
   * is refused like a wrong token rather than reaching the compare.
   */
  async handshake(appId: string, query: { mode?: unknown; verifyToken?: unknown; challenge?: unknown }): Promise<string | null> {
    const { mode, verifyToken, challenge } = query;
    if (!APP_ID.test(appId) || mode !== 'subscribe' || typeof verifyToken !== 'string' || typeof challenge !== 'string') return null;
    const secrets = await this.apps.webhookSecrets(appId);
    if (!secrets || !sameSecret(verifyToken, secrets.verifyToken)) {
      this.logger.warn({ appId }, 'webhook verification refused');
      return null;
    }
    return challenge;
  }

  /**
   * Stored (then 200) or unauthorized (401, nothing stored). Throws when the payload
   * cannot be stored or the secret cannot be read, which the route answers with 503 so
   * that Meta delivers it again.
   */
  async receive(appId: string, rawBody: Buffer, signature: string | undefined): Promise<ReceiveOutcome> {
    let outcome: IngestOutcome;
    try {
      outcome = await this.verifyAndStore(appId, rawBody, signature);
    } catch (error) {
      this.metrics.requests.inc({ outcome: 'unavailable' });
      throw error;
    }
    this.metrics.requests.inc({ outcome });
    return outcome === 'stored' ? 'stored' : 'unauthorized';
  }

  private async verifyAndStore(appId: string, rawBody: Buffer, signature: string | undefined): Promise<IngestOutcome> {
    const secrets = APP_ID.test(appId) ? await this.apps.webhookSecrets(appId) : null;
    if (!secrets) return 'unknown_app';
    if (!isValidSignature(rawBody, signature, secrets.appSecret)) return 'unauthorized';
    await this.inbox.store(appId, rawBody);
    return 'stored';
  }
}
