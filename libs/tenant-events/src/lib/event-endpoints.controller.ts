import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiContractErrors, ApiTenantAuth, ApiZodBody, ApiZodResponse, parseInput } from '@switchboard/platform';
import { TenantAuthGuard } from '@switchboard/tenancy';
import { z } from 'zod';
import { createdEndpointSchema, createEndpointSchema, createPublicEndpointSchema, endpointViewSchema, replayResultSchema, type CreateEndpoint } from './event-endpoints.schemas';
import { EventDeliveriesService } from './event-deliveries.service';
import { EventEndpointsService } from './event-endpoints.service';
import { TENANT_EVENTS_SETTINGS, type TenantEventsSettings } from './tenant-events.constants';

export const EXAMPLE_ENDPOINT = {
  id: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b',
  url: 'https://example.com/switchboard-events',
  events: ['message.status' as const, 'message.received' as const],
  description: null,
  createdAt: '2025-01-15T10:10:00.000Z',
};

export const endpointIdParam = (description: string) => ApiParam({ name: 'id', description, schema: { type: 'string', format: 'uuid' } });

@ApiTags('endpoints')
@ApiTenantAuth()
@UseGuards(TenantAuthGuard)
@Controller('v1/endpoints')
export class EventEndpointsController {
  private readonly createSchema: z.ZodType<CreateEndpoint>;

  constructor(
    private readonly endpoints: EventEndpointsService,
    private readonly deliveries: EventDeliveriesService,
    @Inject(TENANT_EVENTS_SETTINGS) settings: TenantEventsSettings,
  ) {
    // Refused here so the tenant hears at once; the worker judges names again at each delivery.
    this.createSchema = settings.allowPrivateTargets ? createEndpointSchema : createPublicEndpointSchema;
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ operationId: 'createEndpoint', summary: 'Register a URL that receives signed events of this environment (Standard Webhooks)' })
  @ApiZodBody(createEndpointSchema, { url: 'https://example.com/switchboard-events', events: ['message.status', 'message.received'] })
  @ApiZodResponse(201, 'Created; `secret` signs every delivery and is shown only here', createdEndpointSchema, {
    ...EXAMPLE_ENDPOINT,
    secret: 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
  })
  // 409 conflict: the environment already has this URL; 422 endpoint_limit_reached: it has as many endpoints as allowed.
  @ApiContractErrors(409, 422)
  create(@Body() body: unknown) {
    return this.endpoints.create(parseInput(this.createSchema, body));
  }

  @Get()
  @ApiOperation({ operationId: 'listEndpoints', summary: 'Event endpoints of this environment' })
  @ApiZodResponse(200, 'Endpoints of this environment (never their secrets)', z.object({ data: z.array(endpointViewSchema) }), { data: [EXAMPLE_ENDPOINT] })
  list() {
    return this.endpoints.list();
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteEndpoint', summary: 'Stop sending events to an endpoint' })
  @endpointIdParam('id of the endpoint')
  @ApiZodResponse(204, 'Deleted')
  @ApiContractErrors(404)
  async remove(@Param('id') id: string): Promise<void> {
    await this.endpoints.remove(id);
  }

  @Post(':id/replay')
  @HttpCode(202)
  @ApiOperation({ operationId: 'replayEndpoint', summary: 'Queue the dead-lettered deliveries of an endpoint again' })
  @endpointIdParam('id of the endpoint')
  @ApiZodResponse(202, 'Dead-lettered deliveries of the endpoint queued again', replayResultSchema, { replayed: 3 })
  @ApiContractErrors(404)
  replay(@Param('id') id: string) {
    return this.deliveries.replayDead(id);
  }
}
