import { CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { quotaRefusal, quotaResetSeconds, TenantRequestQuota, type QuotaDecision } from '@switchboard/rate-limiting';
import { METRICS_REGISTRY } from '@switchboard/telemetry';
import { RequestContext, type RequestContextStore } from '@switchboard/tenancy';
import type { FastifyReply } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import type { Observable } from 'rxjs';

/** At most one warning per this interval while Redis is away; the counter has the rest. */
const WARN_EVERY_MS = 10_000;

/**
 * The per tenant environment request quota (issue 6 point 7). Interceptors run after
 * guards, so only requests that a tenant key authenticated are counted; admin, health,
 * metrics and webhook routes carry no tenant principal and pass untouched, and neither
 * is the operator's view of a tenant environment counted. When Redis
 * does not answer the request goes through: the quota protects the gateway, while an
 * outage must not turn into refused sends (the outbox covers the queue side).
 * One decision per request: a GraphQL operation runs interceptors once per resolver.
 */
@Injectable()
export class TenantQuotaInterceptor implements NestInterceptor {
  private readonly logger = new Logger(TenantQuotaInterceptor.name);
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

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const store = RequestContext.store();
    const principal = store?.principal;
    if (!store || !principal || principal.operator) return next.handle();
    const known = this.decisions.get(store);
    const pending = known ?? this.quota.consume(principal.tenantId, principal.environment);
    if (!known) this.decisions.set(store, pending);
    const decision = await pending;
    if (decision.kind === 'off') return next.handle();
    if (decision.kind === 'unavailable') {
      if (known) return next.handle();
      this.failedOpen.inc();
      if (Date.now() - this.lastWarnAt >= WARN_EVERY_MS) {
        this.lastWarnAt = Date.now();
        this.logger.warn({ err: decision.error }, 'tenant request quota unavailable (Redis); requests pass unmetered');
      }
      return next.handle();
    }
    const resetSeconds = quotaResetSeconds(decision.resetMs);
    if (context.getType() === 'http') {
      // IETF RateLimit header fields (draft 6), the form most clients read today.
      void context
        .switchToHttp()
        .getResponse<FastifyReply>()
        .header('RateLimit-Limit', String(decision.limit))
        .header('RateLimit-Remaining', String(decision.remaining))
        .header('RateLimit-Reset', String(resetSeconds));
    }
    const refusal = quotaRefusal(decision);
    if (refusal) throw refusal;
    return next.handle();
  }
}
