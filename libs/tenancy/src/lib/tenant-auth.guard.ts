import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import type { FastifyRequest } from 'fastify';
import { ApiKeysService } from './api-keys.service';
import { bearerToken } from './bearer-token';
import { RequestContext } from './request-context';

/** Tenant routes: a valid sbk_ key, whose tenant and environment then scope everything. */
@Injectable()
export class TenantAuthGuard implements CanActivate {
  constructor(private readonly apiKeys: ApiKeysService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const token = bearerToken(request);
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
    return true;
  }
}
