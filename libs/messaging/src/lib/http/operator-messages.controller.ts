import { applyDecorators, Controller, Get, HttpCode, Param, Post, Query, UseGuards, type Type } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { ApiContractErrors, ApiOperatorAuth, ApiTenantAuth, ApiZodQuery, ApiZodResponse, parseInput } from '@switchboard/platform';
import { OPERATOR_SCOPE_PATH, OperatorScope, TenantAuthGuard } from '@switchboard/tenancy';
import { MessageFailures } from '../message-failures.service';
import { MessageRetryService } from '../message-retry.service';
import { MessagesService } from '../messages.service';
import { MESSAGE_ID_PATTERN } from '../persistence/message-id';
import { EXAMPLE_FAILURE_GROUPS, failureGroupsSchema, failuresQuerySchema } from './message-failures.schemas';
import type { MessageApiDocs } from './messages.controller';
import { acceptedMessageSchema, listMessagesQuerySchemaFor, messageListSchema, messageViewSchema } from './messages.schemas';

const EXAMPLE_ID = 'msg_01JQ3V6Z8Y2K4W5X7A9B0C1D2E';
const EXAMPLE_DEAD = {
  id: EXAMPLE_ID,
  status: 'dead' as const,
  wamid: null,
  to: '14155551234',
  from: '3000000000000001',
  type: 'template',
  attempts: 5,
  metadata: { orderId: '4521' },
  error: { code: 'meta_unavailable', category: 'outage', retryable: true, action: 'Retry later: Meta is failing' },
  scheduledAt: null,
  createdAt: '2025-01-15T10:00:00.000Z',
  updatedAt: '2025-01-15T10:09:00.000Z',
};

const FailuresDoc = (operationId: string, summary: string) =>
  applyDecorators(
    ApiOperation({ operationId, summary }),
    ApiZodQuery(failuresQuerySchema),
    ApiZodResponse(200, 'Groups, biggest first', failureGroupsSchema, EXAMPLE_FAILURE_GROUPS),
  );

const messageIdParam = ApiParam({ name: 'id', description: 'msg_...', schema: { type: 'string', pattern: MESSAGE_ID_PATTERN.source } });

function requireMessageId(id: string): string {
  if (!MESSAGE_ID_PATTERN.test(id)) throw new SwitchboardError({ code: 'not_found', message: `No message ${id.slice(0, 40)}` });
  return id;
}

async function groupedFailures(failures: MessageFailures, query: unknown) {
  const { since } = parseInput(failuresQuerySchema, query);
  return { data: await failures.grouped(since ? new Date(since) : undefined) };
}

/** Failed and dead messages of this environment grouped by taxonomy code, with the action text. */
@ApiTags('messages')
@ApiTenantAuth()
@UseGuards(TenantAuthGuard)
@Controller('v1/messages/failures')
export class MessageFailuresController {
  constructor(private readonly failures: MessageFailures) {}

  @Get()
  @FailuresDoc('listMessageFailures', 'Failed and dead messages grouped by taxonomy code, with what to do about each')
  list(@Query() query: unknown) {
    return groupedFailures(this.failures, query);
  }
}

/**
 * The operator's view of one tenant environment's messages: the tenant routes' search,
 * timeline, failures and retry, run as that environment (OperatorScopeGuard); documented,
 * like the tenant routes, with the host's channels.
 */
export function operatorMessagesControllerFor(docs: Pick<MessageApiDocs, 'messageTypes'>): Type<unknown> {
  const listQuery = listMessagesQuerySchemaFor(docs.messageTypes);

  @ApiTags('admin')
  @ApiOperatorAuth()
  @OperatorScope()
  @Controller(`${OPERATOR_SCOPE_PATH}/messages`)
  class OperatorMessagesController {
    constructor(
      private readonly messages: MessagesService,
      private readonly retries: MessageRetryService,
      private readonly failures: MessageFailures,
    ) {}

    @Get()
    @ApiOperation({ operationId: 'operatorListMessages', summary: "Search a tenant environment's messages, newest first (the filters of GET /v1/messages)" })
    @ApiZodQuery(listQuery, { errorCode: "taxonomy code or Meta's error number", cursor: 'nextCursor of the previous page' })
    @ApiZodResponse(200, 'Messages of that environment, newest first', messageListSchema, { data: [EXAMPLE_DEAD], nextCursor: null })
    @ApiContractErrors(404)
    list(@Query() query: unknown) {
      return this.messages.list(parseInput(listQuery, query));
    }

    @Get('failures')
    @FailuresDoc('operatorListMessageFailures', "A tenant environment's failed and dead messages grouped by taxonomy code, with what to do about each")
    @ApiContractErrors(404)
    listFailures(@Query() query: unknown) {
      return groupedFailures(this.failures, query);
    }

    @Get(':id')
    @ApiOperation({ operationId: 'operatorGetMessage', summary: 'One message of a tenant environment with its status timeline' })
    @messageIdParam
    @ApiZodResponse(200, 'One message with its status timeline', messageViewSchema, {
      ...EXAMPLE_DEAD,
      events: [
        { status: 'queued', at: '2025-01-15T10:00:00.000Z' },
        { status: 'dead', at: '2025-01-15T10:09:00.000Z' },
      ],
    })
    @ApiContractErrors(404)
    get(@Param('id') id: string) {
      return this.messages.get(requireMessageId(id));
    }

    @Post(':id/retry')
    @HttpCode(202)
    @ApiOperation({ operationId: 'operatorRetryMessage', summary: "Requeue a tenant environment's failed or dead message" })
    @messageIdParam
    @ApiZodResponse(202, 'Back to queued with a new send job', acceptedMessageSchema, {
      id: EXAMPLE_ID,
      status: 'queued',
      to: '14155551234',
      from: '3000000000000001',
      createdAt: '2025-01-15T10:00:00.000Z',
    })
    @ApiContractErrors(404, 409)
    retry(@Param('id') id: string) {
      return this.retries.retry(requireMessageId(id));
    }
  }
  return OperatorMessagesController;
}
