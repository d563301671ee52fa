import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, UseGuards, type Type } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { ApiContractErrors, ApiTenantAuth, ApiZodBody, ApiZodQuery, ApiZodResponse, openApiSchema, parseInput } from '@switchboard/platform';
import { TenantAuthGuard } from '@switchboard/tenancy';
import { z } from 'zod';
import { MessageRetryService } from '../message-retry.service';
import { MessagesService } from '../messages.service';
import { MESSAGE_ID_PATTERN } from '../persistence/message-id';
import { SuppressionsService } from '../suppressions.service';
import {
  acceptedMessageSchema,
  createSuppressionSchema,
  idempotencyKeySchema,
  listMessagesQuerySchemaFor,
  messageListSchema,
  messageViewSchema,
  suppressionViewSchema,
} from './messages.schemas';

/** What the host documents POST /v1/messages and GET /v1/messages with: the registered channels' shapes. */
export interface MessageApiDocs {
  /** The request body schema the OpenAPI document shows (the default channel's message and the delivery options). */
  readonly sendBody: z.ZodType;
  readonly sendExample: unknown;
  /** The message types GET /v1/messages?type= takes. */
  readonly messageTypes: readonly [string, ...string[]];
}

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
export const waIdParam = (description: string) => ApiParam({ name: 'waId', description, schema: { type: 'string', minLength: 1, maxLength: 32 } });

/** The header as its own field, so a refusal names it; made once (zod compiles a schema on its first parse). */
const idempotencyKeyHeader = z.object({ 'Idempotency-Key': idempotencyKeySchema });

/** The /v1/messages routes, documented with the host's channels (decorators need the schemas when the class is made). */
export function messagesControllerFor(docs: MessageApiDocs): Type<unknown> {
  const listQuery = listMessagesQuerySchemaFor(docs.messageTypes);

  @ApiTags('messages')
  @ApiTenantAuth()
  @UseGuards(TenantAuthGuard)
  @Controller('v1/messages')
  class MessagesController {
    constructor(
      readonly messages: MessagesService,
      readonly retries: MessageRetryService,
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
    @ApiZodBody(docs.sendBody, docs.sendExample)
    @ApiZodResponse(202, 'Checked, stored and queued for sending', acceptedMessageSchema, EXAMPLE_ACCEPTED)
    @ApiContractErrors(409, 422)
    send(@Body() body: unknown, @Headers('idempotency-key') idempotencyKey: unknown) {
      const key = parseInput(idempotencyKeyHeader, { 'Idempotency-Key': idempotencyKey })['Idempotency-Key'];
      return this.messages.accept(this.messages.parseRequest(body), body, key);
    }

    @Get()
    @ApiOperation({ operationId: 'listMessages', summary: 'List messages of this environment, newest first, with a cursor' })
    @ApiZodQuery(listQuery, {
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
      return this.messages.list(parseInput(listQuery, query));
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
  return MessagesController;
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
