import { ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { quotaRefusal, quotaResetSeconds, TenantRequestQuota, type QuotaDecision } from '@switchboard/rate-limiting';
import { METRICS_REGISTRY } from '@switchboard/telemetry';
import { RequestContext, type RequestContextStore, type TenantAdmission, type TenantPrincipal } from '@switchboard/tenancy';
import type { FastifyReply } from 'fastify';
import { Counter, type Registry } from 'prom-client';

/** At most one warning per this interval while Redis is away; the counter has the rest. */
const WARN_EVERY_MS = 10_000;

/**
 * The per tenant environment request quota, asked by the tenant guard once
 * a tenant key has authenticated the request: admin, health, metrics and webhook routes carry
 * no tenant key and are never counted, and neither is the operator's view of a tenant
 * environment. When Redis does not answer the request goes through: the quota protects the
 * gateway, while an outage must not turn into refused sends (the outbox covers the queue side).
 * One decision per request: a GraphQL operation runs the guard once per resolver.
 */
@Injectable()
export class TenantQuotaAdmission implements TenantAdmission {
  private readonly logger = new Logger(TenantQuotaAdmission.name);
  private readonly failedOpen: Counter;
  private lastWarnAt = 0;
  private readonly decisions = new WeakMap<RequestContextStore, Promise<QuotaDecision>>();

  constructor(
    private readonly quota: TenantRequestQuota,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.failedOpen = new Counter({
      name: 'switchboard_tenant_quota_fail_open_total',
      help: 'Tenant requests let through unmetered because Redis did not answer',
      registers: [registry],
    });
  }

  async admit(principal: TenantPrincipal, context: ExecutionContext): Promise<void> {
    const store = RequestContext.store();
    if (!store) return;
    const known = this.decisions.get(store);
    const pending = known ?? this.quota.consume(principal.tenantId, principal.environment);
    if (!known) this.decisions.set(store, pending);
    const decision = await pending;
    if (decision.kind === 'off') return;
    if (decision.kind === 'unavailable') {
      if (known) return;
      this.failedOpen.inc();
      if (Date.now() - this.lastWarnAt >= WARN_EVERY_MS) {
        this.lastWarnAt = Date.now();
        this.logger.warn({ err: decision.error }, 'tenant request quota unavailable (Redis); requests pass unmetered');
      }
      return;
    }
    if (context.getType() === 'http') {
      // IETF RateLimit header fields (draft 6), the form most clients read today.
      void context
        .switchToHttp()
        .getResponse<FastifyReply>()
        .header('RateLimit-Limit', String(decision.limit))
        .header('RateLimit-Remaining', String(decision.remaining))
        .header('RateLimit-Reset', String(quotaResetSeconds(decision.resetMs)));
    }
    const refusal = quotaRefusal(decision);
    if (refusal) throw refusal;
  }
}
