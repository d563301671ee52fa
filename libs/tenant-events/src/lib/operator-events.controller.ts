import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiContractErrors, ApiOperatorAuth, ApiZodQuery, ApiZodResponse, parseInput } from '@switchboard/platform';
import { OPERATOR_SCOPE_PATH, OperatorScope } from '@switchboard/tenancy';
import { z } from 'zod';
import { EXAMPLE_DELIVERY } from './event-deliveries.controller';
import { deliveryListSchema, deliveryViewSchema, listDeliveriesQuerySchema } from './event-deliveries.schemas';
import { EventDeliveriesService } from './event-deliveries.service';
import { endpointIdParam, EXAMPLE_ENDPOINT } from './event-endpoints.controller';
import { endpointViewSchema } from './event-endpoints.schemas';
import { EventEndpointsService } from './event-endpoints.service';

/** The operator's view of one tenant environment's event endpoints: list, deliveries, replay. */
@ApiTags('admin')
@ApiOperatorAuth()
@OperatorScope()
@Controller(`${OPERATOR_SCOPE_PATH}/endpoints`)
export class OperatorEventsController {
  constructor(
    private readonly endpoints: EventEndpointsService,
    private readonly deliveries: EventDeliveriesService,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'operatorListEndpoints', summary: "A tenant environment's event endpoints (never their secrets)" })
  @ApiZodResponse(200, 'Endpoints of that environment', z.object({ data: z.array(endpointViewSchema) }), { data: [EXAMPLE_ENDPOINT] })
  @ApiContractErrors(404)
  list() {
    return this.endpoints.list();
  }

  @Get(':id/deliveries')
  @ApiOperation({ operationId: 'operatorListEndpointDeliveries', summary: "Deliveries of a tenant environment's endpoint, newest first, with a cursor" })
  @endpointIdParam('id of the endpoint')
  @ApiZodQuery(listDeliveriesQuerySchema, { status: 'only deliveries in this state', limit: 'page size', cursor: 'nextCursor of the previous page' })
  @ApiZodResponse(200, 'Deliveries of the endpoint, newest first', deliveryListSchema, { data: [EXAMPLE_DELIVERY], nextCursor: null })
  @ApiContractErrors(404)
  listDeliveries(@Param('id') id: string, @Query() query: unknown) {
    return this.deliveries.list(id, parseInput(listDeliveriesQuerySchema, query));
  }

  @Post(':id/deliveries/:deliveryId/replay')
  @HttpCode(202)
  @ApiOperation({ operationId: 'operatorReplayEndpointDelivery', summary: "Send a tenant environment's delivered or dead delivery again" })
  @endpointIdParam('id of the endpoint')
  @ApiParam({ name: 'deliveryId', description: 'id of the delivery', schema: { type: 'string', format: 'uuid' } })
  @ApiZodResponse(202, 'Queued again with a fresh retry budget', deliveryViewSchema, { ...EXAMPLE_DELIVERY, status: 'pending', attempts: 0, replays: 1, lastError: null })
  @ApiContractErrors(404, 409)
  replay(@Param('id') id: string, @Param('deliveryId') deliveryId: string) {
    return this.deliveries.replay(id, deliveryId);
  }
}
