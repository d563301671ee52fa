import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiContractErrors, ApiTenantAuth, ApiZodQuery, ApiZodResponse, parseInput } from '@switchboard/platform';
import { TenantAuthGuard } from '@switchboard/tenancy';
import { deliveryListSchema, deliveryViewSchema, listDeliveriesQuerySchema, type DeliveryView } from './event-deliveries.schemas';
import { EventDeliveriesService } from './event-deliveries.service';
import { endpointIdParam } from './event-endpoints.controller';

export const EXAMPLE_DELIVERY: DeliveryView = {
  id: '0d1e2f3a-4b5c-4d6e-8f7a-8b9c0d1e2f3a',
  endpointId: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b',
  eventId: '9b0c1d2e-3f4a-4b5c-8d6e-7f8a9b0c1d2e',
  type: 'message.status',
  status: 'dead',
  attempts: 10,
  replays: 0,
  nextAttemptAt: null,
  lastStatusCode: 500,
  lastError: 'HTTP 500',
  createdAt: '2025-01-15T10:00:00.000Z',
  deliveredAt: null,
};

@ApiTags('endpoints')
@ApiTenantAuth()
@UseGuards(TenantAuthGuard)
@Controller('v1/endpoints/:id')
export class EventDeliveriesController {
  constructor(private readonly deliveries: EventDeliveriesService) {}

  @Get('deliveries')
  @ApiOperation({ operationId: 'listEndpointDeliveries', summary: 'Deliveries of an endpoint, newest first, with a cursor' })
  @endpointIdParam('id of the endpoint')
  @ApiZodQuery(listDeliveriesQuerySchema, { status: 'only deliveries in this state', limit: 'page size', cursor: 'nextCursor of the previous page' })
  @ApiZodResponse(200, 'Deliveries of the endpoint, newest first', deliveryListSchema, { data: [EXAMPLE_DELIVERY], nextCursor: null })
  @ApiContractErrors(404)
  list(@Param('id') id: string, @Query() query: unknown) {
    return this.deliveries.list(id, parseInput(listDeliveriesQuerySchema, query));
  }

  @Post('deliveries/:deliveryId/replay')
  @HttpCode(202)
  @ApiOperation({ operationId: 'replayEndpointDelivery', summary: 'Send a delivered or dead delivery again, as a new attempt of the same event' })
  @endpointIdParam('id of the endpoint')
  @ApiParam({ name: 'deliveryId', description: 'id of the delivery', schema: { type: 'string', format: 'uuid' } })
  @ApiZodResponse(202, 'Queued again with a fresh retry budget', deliveryViewSchema, { ...EXAMPLE_DELIVERY, status: 'pending', attempts: 0, replays: 1, nextAttemptAt: '2025-01-16T09:00:00.000Z', lastError: null })
  // 409 conflict: the delivery is pending, its next attempt is already queued.
  @ApiContractErrors(404, 409)
  replay(@Param('id') id: string, @Param('deliveryId') deliveryId: string) {
    return this.deliveries.replay(id, deliveryId);
  }

  @Post('test')
  @HttpCode(202)
  @ApiOperation({ operationId: 'sendEndpointTestEvent', summary: 'Send an endpoint.test event to this endpoint only' })
  @endpointIdParam('id of the endpoint')
  @ApiZodResponse(202, 'The test event, queued for this endpoint', deliveryViewSchema, {
    ...EXAMPLE_DELIVERY,
    type: 'endpoint.test',
    status: 'pending',
    attempts: 0,
    nextAttemptAt: '2025-01-15T10:00:00.000Z',
    lastStatusCode: null,
    lastError: null,
  })
  @ApiContractErrors(404)
  sendTest(@Param('id') id: string) {
    return this.deliveries.sendTest(id);
  }
}
