import { Inject, Injectable, Logger } from '@nestjs/common';
import { ACCOUNTS_SETTINGS, type AccountsSettings } from './accounts.constants';
import { MetaAppsService } from './meta-apps.service';
import { inspectToken } from './token-inspection';
import type { WabaEntity } from './waba.entity';
import { WabasService } from './wabas.service';

export interface TokenCheckReport {
  checked: number;
  exchanged: number;
  problems: number;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * The daily token job (reference §8): re-check every token with debug_token, and
 * exchange an expiring 60-day token (fb_exchange_token) a configurable number of
 * days before expiry. The old token keeps serving until the new one is verified.
 */
@Injectable()
export class TokenLifecycleService {
  private readonly logger = new Logger(TokenLifecycleService.name);

  constructor(
    private readonly wabas: WabasService,
    private readonly apps: MetaAppsService,
    @Inject(ACCOUNTS_SETTINGS) private readonly settings: AccountsSettings,
  ) {}

  async checkAll(now = new Date()): Promise<TokenCheckReport> {
    const report: TokenCheckReport = { checked: 0, exchanged: 0, problems: 0 };
    for (const waba of await this.wabas.listAll()) {
      report.checked += 1;
      try {
        const outcome = await this.check(waba, now);
        if (outcome === 'exchanged') report.exchanged += 1;
        if (outcome === 'problem') report.problems += 1;
      } catch (error) {
        report.problems += 1;
        this.logger.warn({ wabaId: waba.wabaId, tenantId: waba.tenantId, reason: error instanceof Error ? error.message : String(error) }, 'token check failed');
      }
    }
    return report;
  }

  async check(waba: WabaEntity, now: Date): Promise<'ok' | 'exchanged' | 'problem'> {
    const app = await this.apps.credentials(await this.apps.requireById(waba.metaAppId));
    const { accessToken, graph } = await this.wabas.access(waba);
    const appToken = `${app.appId}|${app.appSecret}`;
    const inspection = inspectToken((await graph.debugToken(accessToken, appToken)).data, waba.wabaId, now, app.appId);
    await this.wabas.recordInspection(waba, inspection);
    if (inspection.problem) {
      this.logger.warn({ wabaId: waba.wabaId, tenantId: waba.tenantId, status: inspection.status, reason: inspection.problem.message }, 'token problem');
      return 'problem';
    }
    const refreshWithinMs = (this.settings.tokenRefreshDaysBeforeExpiry ?? 7) * DAY_MS;
    if (!inspection.expiresAt || inspection.expiresAt.getTime() - now.getTime() > refreshWithinMs) return 'ok';

    const exchanged = await graph.exchangeToken({ appId: app.appId, appSecret: app.appSecret, accessToken, setTokenExpiresIn60Days: true });
    const fresh = inspectToken((await graph.debugToken(exchanged.data.accessToken, appToken)).data, waba.wabaId, now, app.appId);
    if (fresh.problem) {
      this.logger.warn({ wabaId: waba.wabaId, tenantId: waba.tenantId, reason: fresh.problem.message }, 'exchanged token failed verification; keeping the old one');
      return 'problem';
    }
    await this.wabas.storeToken(waba, exchanged.data.accessToken, fresh);
    this.logger.log({ wabaId: waba.wabaId, tenantId: waba.tenantId, expiresAt: fresh.expiresAt?.toISOString() ?? null }, 'token exchanged');
    return 'exchanged';
  }
}
