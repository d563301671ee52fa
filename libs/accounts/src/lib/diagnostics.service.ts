import { Injectable } from '@nestjs/common';
import type { Environment } from '@switchboard/tenancy';
import { TenantsService } from '@switchboard/tenancy';
import { MetaAppsService } from './meta-apps.service';
import { PhoneNumbersService } from './phone-numbers.service';
import { EXPIRING_WITHIN_MS, REQUIRED_SCOPES } from './token-status';
import { WabasService } from './wabas.service';

export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface DiagnosticItem {
  check: string;
  status: CheckStatus;
  detail: string;
  /** What to do when the status is not `pass`. */
  fix?: string;
}

const CLOCK_SKEW_WARN_MS = 30_000;

/**
 * The configuration checklist behind most failed launches, run live against Graph:
 * token, scopes, expiry; numbers registered, in the WABA, sendable, their quality and
 * limit; the WABA subscribed to its app (the silent no-webhooks failure); webhook
 * secrets set; clock skew.
 */
@Injectable()
export class DiagnosticsService {
  constructor(
    private readonly tenants: TenantsService,
    private readonly wabas: WabasService,
    private readonly numbers: PhoneNumbersService,
    private readonly apps: MetaAppsService,
  ) {}

  async run(tenantId: string, environment: Environment) {
    await this.tenants.require(tenantId);
    const items: DiagnosticItem[] = [];
    const wabas = await this.wabas.listForScope(tenantId, environment);
    if (wabas.length === 0) {
      items.push({ check: 'waba.registered', status: 'fail', detail: `No WABA in ${environment}`, fix: 'POST /v1/admin/tenants/{tenantId}/wabas' });
    }
    for (const waba of wabas) {
      const prefix = `waba ${waba.wabaId}`;
      const app = await this.apps.requireById(waba.metaAppId);
      const credentials = await this.apps.credentials(app).catch(() => undefined);
      items.push(
        credentials
          ? { check: `${prefix}: webhook secrets`, status: 'pass', detail: `App ${app.appId} has an app secret and a verify token` }
          : { check: `${prefix}: webhook secrets`, status: 'fail', detail: `App ${app.appId} secrets are missing or unreadable`, fix: 'Register the Meta app again with POST /v1/admin/meta-apps' },
      );

      const access = await this.wabas.access(waba);
      try {
        const inspection = await this.wabas.inspect(tenantId, environment, waba.wabaId, app.appId, access.accessToken);
        await this.wabas.recordInspection(waba, inspection);
        items.push({ check: `${prefix}: token`, status: 'pass', detail: 'debug_token: valid for this WABA and app' });
        items.push({ check: `${prefix}: scopes`, status: 'pass', detail: `Has ${REQUIRED_SCOPES.join(' and ')}` });
        const left = inspection.expiresAt ? inspection.expiresAt.getTime() - Date.now() : Infinity;
        items.push(
          left > EXPIRING_WITHIN_MS
            ? { check: `${prefix}: token expiry`, status: 'pass', detail: inspection.expiresAt ? `Expires ${inspection.expiresAt.toISOString()}` : 'Never expires' }
            : { check: `${prefix}: token expiry`, status: 'warn', detail: `Expires ${inspection.expiresAt?.toISOString()}`, fix: 'The daily job exchanges it; or rotate with PUT .../wabas/{wabaId}/token' },
        );
      } catch (error) {
        items.push({
          check: `${prefix}: token`,
          status: 'fail',
          detail: error instanceof Error ? error.message : 'token check failed',
          fix: 'Generate a system-user token with whatsapp_business_messaging and whatsapp_business_management for this WABA, then PUT .../wabas/{wabaId}/token',
        });
      }

      const subscribed = await access.graph.getSubscribedApps(waba.wabaId, access).then(
        (response) => response.data.some((subscribedApp) => subscribedApp.id === app.appId),
        () => false,
      );
      items.push(
        subscribed
          ? { check: `${prefix}: subscribed`, status: 'pass', detail: `App ${app.appId} is subscribed to the WABA` }
          : { check: `${prefix}: subscribed`, status: 'fail', detail: `App ${app.appId} is not subscribed: no webhook will ever arrive`, fix: `POST /v1/admin/tenants/${tenantId}/wabas/${waba.wabaId}/subscribe` },
      );

      const graphNumbers = await access.graph.listPhoneNumbers(waba.wabaId, access).then((response) => response.data, () => []);
      const stored = await this.numbers.listForWaba(waba);
      if (stored.length === 0) {
        items.push({ check: `${prefix}: phone numbers`, status: 'fail', detail: 'No phone number registered', fix: `POST .../wabas/${waba.wabaId}/phone-numbers/sync` });
      }
      for (const number of stored) {
        const live = graphNumbers.find((candidate) => candidate.id === number.phoneNumberId);
        const label = `${prefix}: number ${number.displayPhoneNumber}`;
        if (!live) {
          items.push({ check: label, status: 'fail', detail: 'Graph does not list it in this WABA', fix: 'Remove it or register it in the right WABA' });
          continue;
        }
        await this.numbers.applyGraphState(number, live);
        items.push(
          live.status === 'CONNECTED'
            ? { check: `${label} status`, status: 'pass', detail: 'CONNECTED' }
            : { check: `${label} status`, status: 'fail', detail: `Status ${live.status ?? 'unknown'}: not sendable`, fix: `POST .../phone-numbers/${number.phoneNumberId}/register with the two-step PIN (fixes 133010)` },
        );
        items.push({
          check: `${label} quality`,
          status: live.qualityRating === 'RED' ? 'fail' : live.qualityRating === 'YELLOW' ? 'warn' : 'pass',
          detail: `Quality ${live.qualityRating ?? 'UNKNOWN'}, messaging limit ${live.messagingLimit ?? 'unknown'}, throughput ${live.throughputLevel ?? 'unknown'}`,
          ...(live.qualityRating === 'RED' || live.qualityRating === 'YELLOW' ? { fix: 'Review recent templates and opt-outs; lower marketing volume' } : {}),
        });
      }

      const skew = Math.abs(access.graph.clockSkewMs());
      items.push(
        skew <= CLOCK_SKEW_WARN_MS
          ? { check: `${prefix}: clock skew`, status: 'pass', detail: `${Math.round(skew / 1000)} s against Graph` }
          : { check: `${prefix}: clock skew`, status: 'warn', detail: `${Math.round(skew / 1000)} s against Graph`, fix: 'Sync this host clock (NTP): scheduled sends depend on it' },
      );
    }
    const summary = items.some((item) => item.status === 'fail') ? 'fail' : items.some((item) => item.status === 'warn') ? 'warn' : 'pass';
    return { tenantId, environment, status: summary, items };
  }
}
