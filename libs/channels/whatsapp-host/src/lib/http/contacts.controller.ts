import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { waIdParam } from '@switchboard/messaging';
import { ApiContractErrors, ApiTenantAuth, ApiZodQuery, ApiZodResponse, parseInput } from '@switchboard/platform';
import { TenantAuthGuard } from '@switchboard/tenancy';
import { ConversationWindowsService, windowQuerySchema, windowViewSchema } from '../conversation-windows.service';

@ApiTags('messages')
@ApiTenantAuth()
@UseGuards(TenantAuthGuard)
@Controller('v1/contacts')
export class ContactsController {
  constructor(private readonly windows: ConversationWindowsService) {}

  @Get(':waId/window')
  @ApiOperation({ operationId: 'getConversationWindow', summary: "The contact's 24 h customer-service window with one of your numbers" })
  @waIdParam('contact number')
  @ApiZodQuery(windowQuerySchema, { from: 'phone_number_id or display number of one of your numbers' })
  @ApiZodResponse(200, "The contact's 24 h customer-service window with that number", windowViewSchema, {
    open: true,
    expiresAt: '2025-01-16T09:12:00.000Z',
    lastInboundAt: '2025-01-15T09:12:00.000Z',
  })
  @ApiContractErrors(404, 422)
  window(@Param('waId') waId: string, @Query() query: unknown) {
    return this.windows.forContact(parseInput(windowQuerySchema, query).from, waId);
  }
}
