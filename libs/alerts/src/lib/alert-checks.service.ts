import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Environment } from '@switchboard/tenancy';
import { DataSource } from 'typeorm';
import { ALERTS_SETTINGS, type AlertsSettings } from './alerts.constants';
import { AlertsService } from './alerts.service';

/**
 * The periodic alert conditions (`alerts.check`, every minute, once across workers): a phone
 * number whose failed share of sends in the window passes the threshold, and WABAs whose
 * token is expired or invalid.
 */
@Injectable()
export class AlertChecks {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly alerts: AlertsService,
    @Inject(ALERTS_SETTINGS) private readonly settings: AlertsSettings,
  ) {}

  async run(now: number = Date.now()): Promise<{ raised: number }> {
    let raised = 0;
    const rates = (await this.dataSource.query(
      `SELECT m.tenant_id, m.environment, m.phone_number_id,
              count(*) FILTER (WHERE e.status = 'failed')::int AS failed, count(*)::int AS sends
       FROM message_events e JOIN messages m ON m.id = e.message_id
       WHERE e.at > $1 AND e.status IN ('sent', 'failed')
       GROUP BY m.tenant_id, m.environment, m.phone_number_id`,
      [new Date(now - this.settings.failureWindowMs)],
    )) as Array<{ tenant_id: string; environment: Environment; phone_number_id: string; failed: number; sends: number }>;
    for (const rate of rates) {
      if (rate.sends < this.settings.failureMinSends || rate.failed / rate.sends <= this.settings.failureRateThreshold) continue;
      const share = Math.round((rate.failed / rate.sends) * 1000) / 10;
      const minutes = Math.round(this.settings.failureWindowMs / 60_000);
      if (
        await this.alerts.raise(
          {
            kind: 'failure_rate',
            subject: rate.phone_number_id,
            scope: { tenantId: rate.tenant_id, environment: rate.environment },
            summary: `${share}% of sends from ${rate.phone_number_id} failed in the last ${minutes} min`,
            details: { phoneNumberId: rate.phone_number_id, failed: rate.failed, sends: rate.sends, thresholdPercent: this.settings.failureRateThreshold * 100 },
          },
          now,
        )
      ) {
        raised += 1;
      }
    }
    const tokens = (await this.dataSource.query(`SELECT tenant_id, environment, waba_id, token_status, token_problem FROM wabas WHERE token_status IN ('expired', 'invalid')`)) as Array<{
      tenant_id: string;
      environment: Environment;
      waba_id: string;
      token_status: string;
      token_problem: string | null;
    }>;
    for (const token of tokens) {
      if (
        await this.alerts.raise(
          {
            kind: 'token_problem',
            subject: token.waba_id,
            scope: { tenantId: token.tenant_id, environment: token.environment },
            summary: `The access token of WABA ${token.waba_id} is ${token.token_status}`,
            details: { wabaId: token.waba_id, status: token.token_status, problem: token.token_problem },
          },
          now,
        )
      ) {
        raised += 1;
      }
    }
    return { raised };
  }
}
