import { applyDecorators, CanActivate, ExecutionContext, Injectable, Logger, UseGuards } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { trace } from '@opentelemetry/api';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import type { FastifyRequest } from 'fastify';
import { AdminKeyVerifier } from './admin-key.verifier';
import { ENVIRONMENTS, environmentSchema } from './environment';
import { RequestContext } from './request-context';
import { TenantsService } from './tenants.service';

/** Route prefix of the operator's view of one tenant environment. */
export const OPERATOR_SCOPE_PATH = 'v1/admin/tenants/:tenantId/environments/:environment';

/**
 * The operator acting on one tenant environment, under
 * /v1/admin/tenants/{tenantId}/environments/{environment}/...: the operator key only (tenant
 * keys never pass, contract §2), and the tenant environment comes from the path, never from
 * a header. The request then runs with that environment as its principal, so the tenant
 * routes' services (and their tenant-scoped queries) serve it unchanged. An unknown tenant
 * or environment is 404.
 */
@Injectable()
export class OperatorScopeGuard implements CanActivate {
  private readonly logger = new Logger(OperatorScopeGuard.name);

  constructor(
    private readonly adminKey: AdminKeyVerifier,
    private readonly tenants: TenantsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest<{ Params: { tenantId?: string; environment?: string } }>>();
    if (!this.adminKey.isOperator(request.headers.authorization)) {
      throw new SwitchboardError({ code: 'unauthorized', message: 'Missing or invalid operator key' });
    }
    const environment = environmentSchema.safeParse(request.params.environment);
    if (!environment.success) throw new SwitchboardError({ code: 'not_found', message: 'No such environment' });
    const tenant = await this.tenants.require(request.params.tenantId ?? '');
    const store = RequestContext.store();
    if (!store) throw new SwitchboardError({ code: 'unauthorized', message: 'No request context' });
    store.principal = { tenantId: tenant.id, environment: environment.data, keyId: 'operator', operator: true };
    trace.getActiveSpan()?.setAttributes({ 'switchboard.tenant_id': tenant.id, 'switchboard.environment': environment.data, 'switchboard.api_key_id': 'operator' });
    this.logger.log({ method: request.method, route: request.routeOptions.url }, 'operator acting on a tenant environment');
    return true;
  }
}

/** Guard and OpenAPI path parameters of an operator-scope controller. */
export const OperatorScope = () =>
  applyDecorators(
    UseGuards(OperatorScopeGuard),
    ApiParam({ name: 'tenantId', description: 'id returned by POST /v1/admin/tenants', schema: { type: 'string', format: 'uuid' } }),
    ApiParam({ name: 'environment', description: 'the tenant environment acted on', schema: { type: 'string', enum: [...ENVIRONMENTS] } }),
  );
