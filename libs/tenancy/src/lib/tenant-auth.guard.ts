import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import type { FastifyRequest } from 'fastify';
import { ApiKeysService } from './api-keys.service';
import { bearerToken } from './bearer-token';
import { RequestContext } from './request-context';
import { TENANT_ADMISSION, type TenantAdmission } from './tenancy.constants';

/**
 * The HTTP request behind a REST route or a GraphQL operation over HTTP (a resolver's
 * third argument is the GraphQL context, which carries it as `req`).
 */
function requestOf(context: ExecutionContext): FastifyRequest | undefined {
  if (context.getType() === 'http') return context.switchToHttp().getRequest<FastifyRequest>();
  return context.getArgByIndex<{ req?: FastifyRequest } | undefined>(2)?.req;
}

/**
 * Tenant routes and resolvers: a valid sbk_ key, whose tenant and environment then scope
 * everything; then the host's admission (the gateway's request quota), when it binds one.
 */
@Injectable()
export class TenantAuthGuard implements CanActivate {
  constructor(
    private readonly apiKeys: ApiKeysService,
    @Optional() @Inject(TENANT_ADMISSION) private readonly admission?: TenantAdmission,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = requestOf(context);
    const token = request ? bearerToken(request) : undefined;
    const principal = token ? await this.apiKeys.authenticate(token) : undefined;
    const store = RequestContext.store();
    if (!principal || !store) {
      throw new SwitchboardError({ code: 'unauthorized', message: 'Missing or invalid API key' });
    }
    store.principal = principal;
    trace.getActiveSpan()?.setAttributes({
      'switchboard.tenant_id': principal.tenantId,
      'switchboard.environment': principal.environment,
      'switchboard.api_key_id': principal.keyId,
    });
    await this.admission?.admit(principal, context);
    return true;
  }
}
