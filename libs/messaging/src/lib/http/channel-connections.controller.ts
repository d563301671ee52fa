import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiContractErrors, ApiOperatorAuth, ApiTenantAuth, ApiZodBody, ApiZodResponse, openApiSchema, parseInput } from '@switchboard/platform';
import { AdminAuthGuard, environmentSchema, RequestContext, TenantAuthGuard, TenantsService } from '@switchboard/tenancy';
import { z } from 'zod';
import { ChannelConnections } from '../connections/channel-connections.service';
import { fallbackPolicySchema, FallbackPolicies } from '../fallback/fallback-policies';

const createConnectionSchema = z.strictObject({
  environment: environmentSchema,
  channel: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'a channel id such as sms'),
  name: z.string().min(1).max(100).optional(),
  config: z.record(z.string(), z.unknown()).describe("what the channel's config schema asks for (SMS: accountSid, authToken, from[], baseUrl?); kept in the vault"),
});
const replaceConfigSchema = z.strictObject({ config: z.record(z.string(), z.unknown()) });

export const channelConnectionViewSchema = z.object({
  id: z.uuid(),
  channel: z.string(),
  environment: environmentSchema,
  name: z.string().nullable(),
  senders: z.array(z.string()).describe('the addresses it sends from (SMS: E.164 digits)'),
  webhookPath: z.string().describe("where the vendor's callbacks go (status callbacks are set per send; point inbound messages here)"),
  paused: z.object({ at: z.iso.datetime(), reason: z.string().nullable() }).nullable().describe('set when the vendor refused the credentials; replacing the config lifts it'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

const EXAMPLE_CONNECTION = {
  id: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  channel: 'sms',
  environment: 'live' as const,
  name: 'Twilio',
  senders: ['14155550100'],
  webhookPath: '/webhooks/sms/7c9e6679-7425-40de-944b-e07fc1f90ae7',
  paused: null,
  createdAt: '2025-01-15T10:00:00.000Z',
  updatedAt: '2025-01-15T10:00:00.000Z',
};
const tenantIdParam = ApiParam({ name: 'tenantId', description: 'id returned by POST /v1/admin/tenants', schema: { type: 'string', format: 'uuid' } });
const environmentParam = ApiParam({ name: 'environment', schema: openApiSchema(environmentSchema) });
const connectionIdParam = ApiParam({ name: 'connectionId', schema: { type: 'string', format: 'uuid' } });

/** A tenant environment's accounts at other channels' vendors (WhatsApp's are WABAs). Operator key. */
@ApiTags('admin')
@ApiOperatorAuth()
@UseGuards(AdminAuthGuard)
@Controller('v1/admin/tenants/:tenantId')
export class ChannelConnectionsController {
  constructor(
    private readonly connections: ChannelConnections,
    private readonly tenants: TenantsService,
  ) {}

  @Post('channel-connections')
  @ApiOperation({ operationId: 'createChannelConnection', summary: "Connect a tenant environment to a channel's vendor account; the channel's config schema checks the config" })
  @tenantIdParam
  @ApiZodBody(createConnectionSchema, {
    environment: 'live',
    channel: 'sms',
    name: 'Twilio',
    config: { accountSid: 'AC00000000000000000000000000000000', authToken: 'your-auth-token', from: ['+14155550100'] },
  })
  @ApiZodResponse(201, 'Connected; its credentials are in the vault', channelConnectionViewSchema, EXAMPLE_CONNECTION)
  @ApiContractErrors(404, 422)
  async create(@Param('tenantId') tenantId: string, @Body() body: unknown) {
    await this.tenants.require(tenantId);
    const input = parseInput(createConnectionSchema, body);
    return this.connections.create({ tenantId, environment: input.environment }, input);
  }

  @Get('environments/:environment/channel-connections')
  @ApiOperation({ operationId: 'listChannelConnections', summary: "A tenant environment's channel connections (never their credentials)" })
  @tenantIdParam
  @environmentParam
  @ApiZodResponse(200, 'Channel connections', z.object({ data: z.array(channelConnectionViewSchema) }), { data: [EXAMPLE_CONNECTION] })
  @ApiContractErrors(404)
  async list(@Param('tenantId') tenantId: string, @Param('environment') environment: string) {
    await this.tenants.require(tenantId);
    return { data: await this.connections.list({ tenantId, environment: parseInput(environmentSchema, environment) }) };
  }

  @Put('environments/:environment/channel-connections/:connectionId/config')
  @ApiOperation({ operationId: 'replaceChannelConnectionConfig', summary: 'Replace the config (rotated credentials, new senders) without downtime; lifts a pause' })
  @tenantIdParam
  @environmentParam
  @connectionIdParam
  @ApiZodBody(replaceConfigSchema, { config: { accountSid: 'AC00000000000000000000000000000000', authToken: 'your-new-auth-token', from: ['+14155550100'] } })
  @ApiZodResponse(200, 'Replaced', channelConnectionViewSchema, EXAMPLE_CONNECTION)
  @ApiContractErrors(404, 422)
  replace(@Param('tenantId') tenantId: string, @Param('environment') environment: string, @Param('connectionId') connectionId: string, @Body() body: unknown) {
    return this.connections.replace({ tenantId, environment: parseInput(environmentSchema, environment) }, connectionId, parseInput(replaceConfigSchema, body).config);
  }

  @Delete('environments/:environment/channel-connections/:connectionId')
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteChannelConnection', summary: 'Remove a channel connection and its credentials' })
  @tenantIdParam
  @environmentParam
  @connectionIdParam
  @ApiZodResponse(204, 'Removed')
  @ApiContractErrors(404)
  async remove(@Param('tenantId') tenantId: string, @Param('environment') environment: string, @Param('connectionId') connectionId: string): Promise<void> {
    await this.connections.remove({ tenantId, environment: parseInput(environmentSchema, environment) }, connectionId);
  }
}

/** The environment's default fallback route (the API key's environment). */
@ApiTags('messages')
@ApiTenantAuth()
@UseGuards(TenantAuthGuard)
@Controller('v1/fallback-policy')
export class FallbackPolicyController {
  constructor(private readonly policies: FallbackPolicies) {}

  @Get()
  @ApiOperation({ operationId: 'getFallbackPolicy', summary: "This environment's default fallback route across channels" })
  @ApiZodResponse(200, 'The policy (no steps: no fallback)', fallbackPolicySchema, { steps: [{ channel: 'sms', when: ['undeliverable', 'failed'], text: 'Your order 4521 has shipped.' }] })
  async get() {
    const { tenantId, environment } = RequestContext.principal();
    return { steps: await this.policies.steps({ tenantId, environment }) };
  }

  @Put()
  @ApiOperation({ operationId: 'putFallbackPolicy', summary: "Set this environment's default fallback route; a message's own `fallback` overrides it" })
  @ApiZodBody(fallbackPolicySchema, { steps: [{ channel: 'sms', when: ['not_delivered'], withinSeconds: 600, text: 'Your code is 123456' }] })
  @ApiZodResponse(200, 'The policy as stored', fallbackPolicySchema, { steps: [{ channel: 'sms', when: ['not_delivered'], withinSeconds: 600, text: 'Your code is 123456' }] })
  @ApiContractErrors(422)
  put(@Body() body: unknown) {
    const { tenantId, environment } = RequestContext.principal();
    return this.policies.put({ tenantId, environment }, parseInput(fallbackPolicySchema, body));
  }
}
