import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { METRICS_REGISTRY } from '@switchboard/telemetry';
import { TenantEventsPublisher } from '@switchboard/tenant-events';
import { Counter, type Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { request } from 'undici';
import type { Alert } from './alert';
import { ALERTS_SETTINGS, type AlertsSettings } from './alerts.constants';

const SINK_TIMEOUT_MS = 5000;

/**
 * Raises an alert four ways (issue 8): a warn log, `switchboard_alerts_total{kind}`, an
 * `alert` tenant event for the tenant environment concerned, and a POST of Slack-compatible
 * JSON to ALERT_WEBHOOK_URL when set. The same kind and subject is held back for
 * `repeatAfterMs` in this process, so a condition that persists does not flood anyone.
 */
@Injectable()
export class AlertsService {
  private readonly logger = new Logger(AlertsService.name);
  private readonly raised = new Map<string, number>();
  private readonly counter: Counter<'kind'>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(ALERTS_SETTINGS) private readonly settings: AlertsSettings,
    @Inject(METRICS_REGISTRY) registry: Registry,
    private readonly events: TenantEventsPublisher,
  ) {
    this.counter = new Counter({ name: 'switchboard_alerts_total', help: 'Alerts raised by kind', labelNames: ['kind'], registers: [registry] });
  }

  /** False when the same alert was raised less than `repeatAfterMs` ago. */
  async raise(alert: Alert, now: number = Date.now()): Promise<boolean> {
    const key = `${alert.kind}:${alert.subject}`;
    const last = this.raised.get(key);
    if (last !== undefined && now - last < this.settings.repeatAfterMs) return false;
    this.raised.set(key, now);
    this.logger.warn({ alert: alert.kind, subject: alert.subject, ...(alert.scope ?? {}), ...alert.details }, alert.summary);
    this.counter.inc({ kind: alert.kind });
    const data = { kind: alert.kind, subject: alert.subject, summary: alert.summary, details: alert.details };
    if (alert.scope) {
      const scope = alert.scope;
      const deliveries = await this.dataSource.transaction((manager) => this.events.publish(manager, scope, 'alert', data));
      await this.events.dispatch(deliveries);
    }
    if (this.settings.webhookUrl) await this.postToSink(this.settings.webhookUrl, alert);
    return true;
  }

  /** A Meta error code this deployment has never seen raises `new_meta_error` once. */
  async noteMetaErrorCode(code: number, scope: Alert['scope'], title: string | undefined): Promise<void> {
    const inserted = (await this.dataSource.query(`INSERT INTO meta_error_codes_seen (code) VALUES ($1) ON CONFLICT DO NOTHING RETURNING code`, [code])) as unknown[];
    if (inserted.length === 0) return;
    await this.raise({
      kind: 'new_meta_error',
      subject: String(code),
      scope,
      summary: `Meta error ${code} seen for the first time${title ? `: ${title}` : ''}`,
      details: { code, title: title ?? null },
    });
  }

  /** Never throws: the sink is best effort, the log and the metric already carry the alert. */
  private async postToSink(url: string, alert: Alert): Promise<void> {
    const where = alert.scope ? ` (tenant ${alert.scope.tenantId}, ${alert.scope.environment})` : '';
    const text = `:warning: Switchboard ${alert.kind}: ${alert.summary}${where}`;
    try {
      const response = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text, attachments: [{ color: 'warning', fields: Object.entries(alert.details).map(([title, value]) => ({ title, value: String(value), short: true })) }] }),
        headersTimeout: SINK_TIMEOUT_MS,
        bodyTimeout: SINK_TIMEOUT_MS,
      });
      await response.body.dump();
      if (response.statusCode >= 300) this.logger.warn({ statusCode: response.statusCode }, 'alert sink refused the alert');
    } catch (error) {
      this.logger.warn({ reason: error instanceof Error ? error.message : String(error) }, 'alert sink unreachable');
    }
  }
}
