import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { ApiContractErrors, ApiTenantAuth, ApiZodBody, ApiZodResponse, parseInput } from '@switchboard/platform';
import { TenantAuthGuard } from '@switchboard/tenancy';
import { z } from 'zod';
import { ConversationWindowsService } from '../conversation-windows.service';
import { MessageRetryService } from '../message-retry.service';
import { MessagesService } from '../messages.service';
import { MESSAGE_ID_PATTERN } from '../persistence/message-id';
import { SuppressionsService } from '../suppressions.service';
import {
  acceptedMessageSchema,
  createSuppressionSchema,
  listMessagesQuerySchema,
  messageListSchema,
  messageViewSchema,
  sendMessageSchema,
  suppressionViewSchema,
  windowQuerySchema,
  windowViewSchema,
} from './messages.schemas';

const EXAMPLE_SEND = {
  from: '3000000000000001',
  to: '+1 (415) 555-1234',
  type: 'template',
  template: { name: 'order_update', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'John' }, { type: 'text', text: '#4521' }] }] },
  metadata: { orderId: '4521' },
};

const idempotencyKeySchema = z.string().min(1).max(255).optional();

@ApiTags('messages')
@ApiTenantAuth()
@ApiContractErrors(401)
@UseGuards(TenantAuthGuard)
@Controller('v1/messages')
export class MessagesController {
  constructor(
    private readonly messages: MessagesService,
    private readonly retries: MessageRetryService,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'same key + same body within 24 h returns the first answer' })
  @ApiZodBody(sendMessageSchema, EXAMPLE_SEND)
  @ApiZodResponse(202, 'Checked, stored and queued for sending', acceptedMessageSchema)
  @ApiContractErrors(400, 409, 422)
  send(@Body() body: unknown, @Headers('idempotency-key') idempotencyKey: unknown) {
    const key = parseInput(z.object({ 'Idempotency-Key': idempotencyKeySchema }), { 'Idempotency-Key': idempotencyKey })['Idempotency-Key'];
    return this.messages.accept(this.messages.parseRequest(body), body, key);
  }

  @Get()
  @ApiQuery({ name: 'status', required: false })
  @ApiQuery({ name: 'to', required: false })
  @ApiQuery({ name: 'from', required: false, description: "the sending number's phone_number_id" })
  @ApiQuery({ name: 'type', required: false })
  @ApiQuery({ name: 'errorCode', required: false, description: "taxonomy code or Meta's error number" })
  @ApiQuery({ name: 'createdAfter', required: false, description: 'RFC 3339, inclusive' })
  @ApiQuery({ name: 'createdBefore', required: false, description: 'RFC 3339, inclusive' })
  @ApiQuery({ name: 'limit', required: false, description: '1-100, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiZodResponse(200, 'Messages of this environment, newest first', messageListSchema)
  @ApiContractErrors(400)
  list(@Query() query: unknown) {
    return this.messages.list(parseInput(listMessagesQuerySchema, query));
  }

  @Get(':id')
  @ApiParam({ name: 'id', description: 'msg_...' })
  @ApiZodResponse(200, 'One message with its status timeline', messageViewSchema)
  @ApiContractErrors(404)
  get(@Param('id') id: string) {
    if (!MESSAGE_ID_PATTERN.test(id)) throw new SwitchboardError({ code: 'not_found', message: `No message ${id.slice(0, 40)}` });
    return this.messages.get(id);
  }

  @Post(':id/retry')
  @HttpCode(202)
  @ApiParam({ name: 'id', description: 'msg_... of a failed or dead message' })
  @ApiZodResponse(202, 'Back to queued with a new send job', acceptedMessageSchema)
  @ApiContractErrors(404, 409)
  retry(@Param('id') id: string) {
    if (!MESSAGE_ID_PATTERN.test(id)) throw new SwitchboardError({ code: 'not_found', message: `No message ${id.slice(0, 40)}` });
    return this.retries.retry(id);
  }
}

@ApiTags('messages')
@ApiTenantAuth()
@ApiContractErrors(401)
@UseGuards(TenantAuthGuard)
@Controller('v1/contacts')
export class ContactsController {
  constructor(private readonly windows: ConversationWindowsService) {}

  @Get(':waId/window')
  @ApiParam({ name: 'waId', description: 'contact number' })
  @ApiQuery({ name: 'from', required: true, description: 'phone_number_id or display number of one of your numbers' })
  @ApiZodResponse(200, "The contact's 24 h customer-service window with that number", windowViewSchema)
  @ApiContractErrors(400, 404, 422)
  window(@Param('waId') waId: string, @Query() query: unknown) {
    return this.windows.forContact(parseInput(windowQuerySchema, query).from, waId);
  }
}

@ApiTags('messages')
@ApiTenantAuth()
@ApiContractErrors(401)
@UseGuards(TenantAuthGuard)
@Controller('v1/suppressions')
export class SuppressionsController {
  constructor(private readonly suppressions: SuppressionsService) {}

  @Get()
  @ApiZodResponse(200, 'Suppressed recipients of this environment, newest first', z.object({ data: z.array(suppressionViewSchema) }))
  list() {
    return this.suppressions.list();
  }

  @Post()
  @HttpCode(201)
  @ApiZodBody(createSuppressionSchema, { waId: '+1 415 555 1234', reason: 'asked to stop' })
  @ApiZodResponse(201, 'Suppressed (or already was)', suppressionViewSchema)
  @ApiContractErrors(400, 422)
  add(@Body() body: unknown) {
    return this.suppressions.add(parseInput(createSuppressionSchema, body));
  }

  @Delete(':waId')
  @HttpCode(204)
  @ApiParam({ name: 'waId', description: 'suppressed number, E.164 digits' })
  @ApiContractErrors(404)
  async remove(@Param('waId') waId: string): Promise<void> {
    await this.suppressions.remove(waId);
  }
}
