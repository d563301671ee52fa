import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiContractErrors, ApiOperatorAuth, ApiZodResponse } from '@switchboard/platform';
import { OPERATOR_SCOPE_PATH, OperatorScope, RequestContext } from '@switchboard/tenancy';
import { z } from 'zod';
import { EXAMPLE_WABA, wabaViewSchema } from './admin-accounts.controller';
import { EXAMPLE_PHONE_NUMBER } from './phone-numbers.controller';
import { phoneNumberViewSchema, PhoneNumbersService } from './phone-numbers.service';
import { WabasService } from './wabas.service';

/** What an operator reads of one tenant environment's accounts: its WABAs and their numbers. */
@ApiTags('admin')
@ApiOperatorAuth()
@OperatorScope()
@Controller(OPERATOR_SCOPE_PATH)
export class OperatorAccountsController {
  constructor(
    private readonly wabas: WabasService,
    private readonly numbers: PhoneNumbersService,
  ) {}

  @Get('wabas')
  @ApiOperation({ operationId: 'operatorListWabas', summary: "A tenant environment's WABAs with their token status and subscription" })
  @ApiZodResponse(200, 'WABAs in the order they were added', z.object({ data: z.array(wabaViewSchema) }), { data: [EXAMPLE_WABA] })
  @ApiContractErrors(404)
  async listWabas() {
    const { tenantId, environment } = RequestContext.principal();
    const wabas = await this.wabas.listForScope(tenantId, environment);
    return { data: await Promise.all(wabas.map((waba) => this.wabas.view(waba))) };
  }

  @Get('phone-numbers')
  @ApiOperation({ operationId: 'operatorListPhoneNumbers', summary: "A tenant environment's numbers with quality rating, messaging limit tier and throughput" })
  @ApiZodResponse(200, 'Numbers in the order they were added', z.object({ data: z.array(phoneNumberViewSchema) }), { data: [EXAMPLE_PHONE_NUMBER] })
  @ApiContractErrors(404)
  async listPhoneNumbers() {
    const { tenantId, environment } = RequestContext.principal();
    return { data: await this.numbers.listForEnvironment(tenantId, environment) };
  }
}
