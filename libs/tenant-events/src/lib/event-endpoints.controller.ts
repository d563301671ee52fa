import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiContractErrors, ApiTenantAuth, ApiZodBody, ApiZodResponse, parseInput } from '@switchboard/platform';
import { TenantAuthGuard } from '@switchboard/tenancy';
import { z } from 'zod';
import { createdEndpointSchema, createEndpointSchema, endpointViewSchema, replayResultSchema } from './event-endpoints.schemas';
import { EventEndpointsService } from './event-endpoints.service';

@ApiTags('endpoints')
@ApiTenantAuth()
@ApiContractErrors(401)
@UseGuards(TenantAuthGuard)
@Controller('v1/endpoints')
export class EventEndpointsController {
  constructor(private readonly endpoints: EventEndpointsService) {}

  @Post()
  @HttpCode(201)
  @ApiZodBody(createEndpointSchema, { url: 'https://example.com/switchboard-events', events: ['message.status', 'message.received'] })
  @ApiZodResponse(201, 'Created; `secret` signs every delivery and is shown only here', createdEndpointSchema)
  @ApiContractErrors(400)
  create(@Body() body: unknown) {
    return this.endpoints.create(parseInput(createEndpointSchema, body));
  }

  @Get()
  @ApiZodResponse(200, 'Endpoints of this environment (never their secrets)', z.object({ data: z.array(endpointViewSchema) }))
  list() {
    return this.endpoints.list();
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiParam({ name: 'id' })
  @ApiContractErrors(404)
  async remove(@Param('id') id: string): Promise<void> {
    await this.endpoints.remove(id);
  }

  @Post(':id/replay')
  @HttpCode(202)
  @ApiParam({ name: 'id' })
  @ApiZodResponse(202, 'Dead-lettered deliveries of the endpoint queued again', replayResultSchema)
  @ApiContractErrors(404)
  replay(@Param('id') id: string) {
    return this.endpoints.replay(id);
  }
}
