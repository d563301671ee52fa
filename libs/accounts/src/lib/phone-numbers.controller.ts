import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiContractErrors, ApiTenantAuth, ApiZodResponse } from '@switchboard/platform';
import { RequestContext, TenantAuthGuard } from '@switchboard/tenancy';
import { z } from 'zod';
import { phoneNumberViewSchema, PhoneNumbersService } from './phone-numbers.service';

/** The numbers a tenant environment can send from (the operator adds them under /v1/admin). */
@ApiTags('phone-numbers')
@ApiTenantAuth()
@ApiContractErrors(401)
@UseGuards(TenantAuthGuard)
@Controller('v1/phone-numbers')
export class PhoneNumbersController {
  constructor(private readonly numbers: PhoneNumbersService) {}

  @Get()
  @ApiZodResponse(200, 'Numbers of this environment with their quality rating, messaging limit tier and throughput', z.object({ data: z.array(phoneNumberViewSchema) }))
  async list() {
    const { tenantId, environment } = RequestContext.principal();
    return { data: await this.numbers.listForEnvironment(tenantId, environment) };
  }
}
