import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { ApiContractErrors, ApiTenantAuth, ApiZodBody, ApiZodQuery, ApiZodResponse, openApiSchema, parseInput } from '@switchboard/platform';
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
  idempotencyKeySchema,
  listMessagesQuerySchema,
  messageListSchema,
  messageViewSchema,
  sendMessageSchema,
  suppressionViewSchema,
  windowQuerySchema,
  windowViewSchema,
} from './messages.schemas';

const EXAMPLE_SEND: z.input<typeof sendMessageSchema> = {
  from: '3000000000000001',
  to: '+1 (415) 555-1234',
  type: 'template',
  template: { name: 'order_update', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'John' }, { type: 'text', text: '#4521' }] }] },
  metadata: { orderId: '4521' },
};

const EXAMPLE_ID = 'msg_01JQ3V6Z8Y2K4W5X7A9B0C1D2E';
const EXAMPLE_ACCEPTED = { id: EXAMPLE_ID, status: 'queued' as const, to: '14155551234', from: '3000000000000001', createdAt: '2025-01-15T10:00:00.000Z' };
const EXAMPLE_MESSAGE = {
  id: EXAMPLE_ID,
  status: 'delivered' as const,
  wamid: 'wamid.HBgLMTQxNTU1NTEyMzQVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3OEIA',
  to: '14155551234',
  from: '3000000000000001',
  type: 'template',
  attempts: 1,
  metadata: { orderId: '4521' },
  error: null,
  scheduledAt: null,
  createdAt: '2025-01-15T10:00:00.000Z',
  updatedAt: '2025-01-15T10:00:03.000Z',
};
const EXAMPLE_SUPPRESSION = { waId: '14155551234', reason: 'asked to stop', source: 'manual', createdAt: '2025-01-15T10:05:00.000Z' };

const messageIdParam = (description: string) =>
  ApiParam({ name: 'id', description, schema: { type: 'string', pattern: MESSAGE_ID_PATTERN.source } });
const waIdParam = (description: string) => ApiParam({ name: 'waId', description, schema: { type: 'string', minLength: 1, maxLength: 32 } });

@ApiTags('messages')
@ApiTenantAuth()
@UseGuards(TenantAuthGuard)
@Controller('v1/messages')
export class MessagesController {
  constructor(
    private readonly messages: MessagesService,
    private readonly retries: MessageRetryService,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ operationId: 'sendMessage', summary: 'Send a message: every pre-send check runs before 202, and a refused request leaves nothing behind' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'same key + same body within 24 h returns the first answer; same key with another body: 409 idempotency_conflict',
    schema: openApiSchema(idempotencyKeySchema),
  })
  @ApiZodBody(sendMessageSchema, EXAMPLE_SEND)
  @ApiZodResponse(202, 'Checked, stored and queued for sending', acceptedMessageSchema, EXAMPLE_ACCEPTED)
  @ApiContractErrors(409, 422)
  send(@Body() body: unknown, @Headers('idempotency-key') idempotencyKey: unknown) {
    const key = parseInput(z.object({ 'Idempotency-Key': idempotencyKeySchema }), { 'Idempotency-Key': idempotencyKey })['Idempotency-Key'];
    return this.messages.accept(this.messages.parseRequest(body), body, key);
  }

  @Get()
  @ApiOperation({ operationId: 'listMessages', summary: 'List messages of this environment, newest first, with a cursor' })
  @ApiZodQuery(listMessagesQuerySchema, {
    to: 'recipient, as sent or as E.164 digits',
    from: "the sending number's phone_number_id",
    errorCode: "taxonomy code or Meta's error number",
    createdAfter: 'RFC 3339, inclusive',
    createdBefore: 'RFC 3339, inclusive',
    limit: 'page size',
    cursor: 'nextCursor of the previous page',
  })
  @ApiZodResponse(200, 'Messages of this environment, newest first', messageListSchema, { data: [EXAMPLE_MESSAGE], nextCursor: null })
  list(@Query() query: unknown) {
    return this.messages.list(parseInput(listMessagesQuerySchema, query));
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getMessage', summary: 'One message with its status timeline' })
  @messageIdParam('msg_...')
  @ApiZodResponse(200, 'One message with its status timeline', messageViewSchema, {
    ...EXAMPLE_MESSAGE,
    events: [
      { status: 'queued', at: '2025-01-15T10:00:00.000Z' },
      { status: 'sent', at: '2025-01-15T10:00:01.000Z' },
      { status: 'delivered', at: '2025-01-15T10:00:03.000Z' },
    ],
  })
  @ApiContractErrors(404)
  get(@Param('id') id: string) {
    if (!MESSAGE_ID_PATTERN.test(id)) throw new SwitchboardError({ code: 'not_found', message: `No message ${id.slice(0, 40)}` });
    return this.messages.get(id);
  }

  @Post(':id/retry')
  @HttpCode(202)
  @ApiOperation({ operationId: 'retryMessage', summary: 'Requeue a failed or dead message' })
  @messageIdParam('msg_... of a failed or dead message')
  @ApiZodResponse(202, 'Back to queued with a new send job', acceptedMessageSchema, EXAMPLE_ACCEPTED)
  @ApiContractErrors(404, 409)
  retry(@Param('id') id: string) {
    if (!MESSAGE_ID_PATTERN.test(id)) throw new SwitchboardError({ code: 'not_found', message: `No message ${id.slice(0, 40)}` });
    return this.retries.retry(id);
  }
}

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

@ApiTags('messages')
@ApiTenantAuth()
@UseGuards(TenantAuthGuard)
@Controller('v1/suppressions')
export class SuppressionsController {
  constructor(private readonly suppressions: SuppressionsService) {}

  @Get()
  @ApiOperation({ operationId: 'listSuppressions', summary: 'Recipients this environment never sends to' })
  @ApiZodResponse(200, 'Suppressed recipients of this environment, newest first', z.object({ data: z.array(suppressionViewSchema) }), { data: [EXAMPLE_SUPPRESSION] })
  list() {
    return this.suppressions.list();
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ operationId: 'addSuppression', summary: 'Suppress a recipient: sends to it are refused with recipient_suppressed' })
  @ApiZodBody(createSuppressionSchema, { waId: '+1 415 555 1234', reason: 'asked to stop' })
  @ApiZodResponse(201, 'Suppressed (or already was)', suppressionViewSchema, EXAMPLE_SUPPRESSION)
  @ApiContractErrors(422)
  add(@Body() body: unknown) {
    return this.suppressions.add(parseInput(createSuppressionSchema, body));
  }

  @Delete(':waId')
  @HttpCode(204)
  @ApiOperation({ operationId: 'removeSuppression', summary: 'Lift the suppression of a recipient' })
  @waIdParam('suppressed number, E.164 digits')
  @ApiZodResponse(204, 'No longer suppressed')
  @ApiContractErrors(404)
  async remove(@Param('waId') waId: string): Promise<void> {
    await this.suppressions.remove(waId);
  }
}
