import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiTenantAuth, ApiZodResponse } from '@switchboard/platform';
import { RequestContext, TenantAuthGuard } from '@switchboard/tenancy';
import { z } from 'zod';
import { phoneNumberViewSchema, PhoneNumbersService, type PhoneNumberView } from './phone-numbers.service';

export const EXAMPLE_PHONE_NUMBER: PhoneNumberView = {
  id: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f',
  phoneNumberId: '3000000000000001',
  displayPhoneNumber: '+1 555-010-0001',
  wabaId: '2000000000000001',
  verifiedName: 'Switchboard Demo',
  qualityRating: 'GREEN',
  status: 'CONNECTED',
  nameStatus: 'APPROVED',
  messagingLimit: 'TIER_1K',
  throughputLevel: 'STANDARD',
  throughputMps: 80,
  registeredAt: '2025-01-15T09:40:00.000Z',
  syncedAt: '2025-01-15T09:41:00.000Z',
  testNumber: false,
  testRecipients: [],
};

/** The numbers a tenant environment can send from (the operator adds them under /v1/admin). */
@ApiTags('phone-numbers')
@ApiTenantAuth()
@UseGuards(TenantAuthGuard)
@Controller('v1/phone-numbers')
export class PhoneNumbersController {
  constructor(private readonly numbers: PhoneNumbersService) {}

  @Get()
  @ApiOperation({ operationId: 'listPhoneNumbers', summary: 'The phone numbers this environment can send from' })
  @ApiZodResponse(200, 'Numbers of this environment with their quality rating, messaging limit tier and throughput', z.object({ data: z.array(phoneNumberViewSchema) }), {
    data: [EXAMPLE_PHONE_NUMBER],
  })
  async list() {
    const { tenantId, environment } = RequestContext.principal();
    return { data: await this.numbers.listForEnvironment(tenantId, environment) };
  }
}
