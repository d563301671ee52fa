import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiContractErrors, ApiTenantAuth } from '@switchboard/platform';
import { RequestContext } from './request-context';
import { TenantAuthGuard } from './tenant-auth.guard';
import { TenantsService, tenantView } from './tenants.service';

/** Who am I: the tenant and environment this key belongs to (clients check their wiring). */
@ApiTags('tenant')
@ApiTenantAuth()
@ApiContractErrors(401)
@Controller('v1/me')
@UseGuards(TenantAuthGuard)
export class MeController {
  constructor(private readonly tenants: TenantsService) {}

  @Get()
  async me() {
    const { tenantId, environment, keyId } = RequestContext.principal();
    return { tenant: tenantView(await this.tenants.require(tenantId)), environment, keyId };
  }
}
