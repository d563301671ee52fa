import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiTenantAuth, ApiZodResponse } from '@switchboard/platform';
import { z } from 'zod';
import { EXAMPLE_TENANT, tenantSchema } from './admin.controller';
import { environmentSchema } from './environment';
import { RequestContext } from './request-context';
import { TenantAuthGuard } from './tenant-auth.guard';
import { TenantsService, tenantView } from './tenants.service';

const meSchema = z.object({ tenant: tenantSchema, environment: environmentSchema, keyId: z.uuid() });

/** Who am I: the tenant and environment this key belongs to (clients check their wiring). */
@ApiTags('tenant')
@ApiTenantAuth()
@Controller('v1/me')
@UseGuards(TenantAuthGuard)
export class MeController {
  constructor(private readonly tenants: TenantsService) {}

  @Get()
  @ApiOperation({ operationId: 'getMe', summary: 'The tenant and environment of the calling API key' })
  @ApiZodResponse(200, 'The tenant, environment and key id behind the key', meSchema, {
    tenant: EXAMPLE_TENANT,
    environment: 'live',
    keyId: '7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f',
  })
  async me() {
    const { tenantId, environment, keyId } = RequestContext.principal();
    return { tenant: tenantView(await this.tenants.require(tenantId)), environment, keyId };
  }
}
