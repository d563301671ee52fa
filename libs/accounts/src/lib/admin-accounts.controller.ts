import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiContractErrors, ApiOperatorAuth, ApiZodBody, ApiZodResponse, openApiSchema, parseInput } from '@switchboard/platform';
import { AdminAuthGuard, environmentSchema, TenantsService } from '@switchboard/tenancy';
import { z } from 'zod';
import { DiagnosticsService } from './diagnostics.service';
import { GraphClients } from './graph-clients';
import { MetaAppsService } from './meta-apps.service';
import { EXAMPLE_PHONE_NUMBER } from './phone-numbers.controller';
import { phoneNumberViewSchema, PhoneNumbersService, TEST_RECIPIENTS_MAX } from './phone-numbers.service';
import { TOKEN_STATUSES } from './token-status';
import { WabasService } from './wabas.service';

const metaId = z.string().regex(/^[0-9]{1,32}$/, 'a numeric Meta id');
const secret = z.string().min(8).max(4096);

const registerAppSchema = z.strictObject({ appId: metaId, appSecret: secret, verifyToken: z.string().min(8).max(256) });
const registerWabaSchema = z.strictObject({ environment: environmentSchema, wabaId: metaId, appId: metaId, accessToken: secret });
const rotateTokenSchema = z.strictObject({ accessToken: secret });
const addNumberSchema = z.strictObject({
  phoneNumberId: metaId,
  displayPhoneNumber: z.string().min(3).max(32),
  throughputMps: z.number().int().min(1).max(1000).optional(),
});
const testNumberSchema = z.strictObject({
  testNumber: z.boolean(),
  testRecipients: z
    .array(z.string().regex(/^\+?[0-9][0-9 .()-]{3,30}$/, 'an international number with its country code'))
    .max(TEST_RECIPIENTS_MAX, `Meta allows at most ${TEST_RECIPIENTS_MAX} recipients per test number`)
    .default([]),
});
const registerNumberSchema = z.strictObject({ pin: z.string().regex(/^[0-9]{6}$/, 'six digits') });
const environmentSettingsSchema = z.strictObject({ graphBaseUrl: z.url({ protocol: /^https?$/ }).nullable() });

export const wabaViewSchema = z.object({
  id: z.uuid(),
  wabaId: z.string(),
  environment: environmentSchema,
  appId: z.string(),
  token: z.object({ expiresAt: z.iso.datetime().nullable(), scopes: z.array(z.string()), status: z.enum(TOKEN_STATUSES) }),
  subscribedAt: z.iso.datetime().nullable(),
});
const registeredNumberSchema = z.object({ phoneNumberId: z.string(), status: z.literal('registered'), registeredAt: z.iso.datetime() });
const subscriptionSchema = z.object({
  wabaId: z.string(),
  subscribed: z.literal(true),
  subscribedApps: z.array(z.object({ id: z.string().nullable(), name: z.string().nullable() })),
});
const checkStatusSchema = z.enum(['pass', 'warn', 'fail']);
const diagnosticsSchema = z.object({
  tenantId: z.uuid(),
  environment: environmentSchema,
  status: checkStatusSchema,
  items: z.array(z.object({ check: z.string(), status: checkStatusSchema, detail: z.string(), fix: z.string().optional().describe('what to do when the status is not pass') })),
});

const EXAMPLE_TENANT_ID = '0f6b6c1e-2d4a-4f8b-9c3d-5e7a1b2c3d4e';
export const EXAMPLE_WABA = {
  id: '2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d',
  wabaId: '2000000000000001',
  environment: 'live' as const,
  appId: '1000000000000001',
  token: { expiresAt: null, scopes: ['whatsapp_business_messaging', 'whatsapp_business_management'], status: 'valid' as const },
  subscribedAt: null,
};

const tenantIdParam = ApiParam({ name: 'tenantId', description: 'id returned by POST /v1/admin/tenants', schema: { type: 'string', format: 'uuid' } });
const wabaIdParam = ApiParam({ name: 'wabaId', description: "Meta's WABA id", schema: openApiSchema(metaId) });
const phoneNumberIdParam = ApiParam({ name: 'phoneNumberId', description: "Meta's phone_number_id", schema: openApiSchema(metaId) });

@ApiTags('admin')
@ApiOperatorAuth()
@UseGuards(AdminAuthGuard)
@Controller('v1/admin')
export class AdminAccountsController {
  constructor(
    private readonly apps: MetaAppsService,
    private readonly wabas: WabasService,
    private readonly numbers: PhoneNumbersService,
    private readonly diagnostics: DiagnosticsService,
    private readonly graphClients: GraphClients,
    private readonly tenants: TenantsService,
  ) {}

  @Post('meta-apps')
  @ApiOperation({ operationId: 'registerMetaApp', summary: "Register a Meta app: its secret checks webhook signatures, its verify token Meta's handshake" })
  @ApiZodBody(registerAppSchema, { appId: '1000000000000001', appSecret: 'app-secret-from-meta', verifyToken: 'a-verify-token-you-choose' })
  @ApiZodResponse(201, 'Registered; point the app webhook at webhookPath', z.object({ id: z.uuid(), appId: z.string(), webhookPath: z.string() }), {
    id: '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e',
    appId: '1000000000000001',
    webhookPath: '/webhooks/whatsapp/1000000000000001',
  })
  @ApiContractErrors(409)
  registerApp(@Body() body: unknown) {
    return this.apps.register(parseInput(registerAppSchema, body));
  }

  @Put('tenants/:tenantId/environments/:environment')
  @ApiOperation({ operationId: 'configureEnvironment', summary: 'Settings of a tenant environment: the Graph origin it calls (null: GRAPH_API_BASE_URL)' })
  @tenantIdParam
  @ApiParam({ name: 'environment', schema: openApiSchema(environmentSchema) })
  @ApiZodBody(environmentSettingsSchema, { graphBaseUrl: 'http://127.0.0.1:4010' })
  @ApiZodResponse(200, 'Settings of the environment', environmentSettingsSchema, { graphBaseUrl: 'http://127.0.0.1:4010' })
  @ApiContractErrors(404)
  async configureEnvironment(@Param('tenantId') tenantId: string, @Param('environment') environment: string, @Body() body: unknown) {
    await this.tenants.require(tenantId);
    const parsedEnvironment = parseInput(environmentSchema, environment);
    const { graphBaseUrl } = parseInput(environmentSettingsSchema, body);
    await this.graphClients.setOrigin(tenantId, parsedEnvironment, graphBaseUrl);
    return { graphBaseUrl: await this.graphClients.originFor(tenantId, parsedEnvironment) };
  }

  @Post('tenants/:tenantId/wabas')
  @ApiOperation({ operationId: 'registerWaba', summary: "Register a WABA in a tenant environment; Graph's debug_token checks the token first" })
  @tenantIdParam
  @ApiZodBody(registerWabaSchema, { environment: 'live', wabaId: '2000000000000001', appId: '1000000000000001', accessToken: 'EAAG-system-user-token' })
  @ApiZodResponse(201, 'Registered after debug_token', wabaViewSchema, EXAMPLE_WABA)
  @ApiContractErrors(404, 409, 422, 429, 502, 503, 504)
  registerWaba(@Param('tenantId') tenantId: string, @Body() body: unknown) {
    return this.wabas.register(tenantId, parseInput(registerWabaSchema, body));
  }

  @Put('tenants/:tenantId/wabas/:wabaId/token')
  @ApiOperation({ operationId: 'rotateWabaToken', summary: 'Replace the access token of a WABA without downtime' })
  @tenantIdParam
  @wabaIdParam
  @ApiZodBody(rotateTokenSchema, { accessToken: 'EAAG-new-system-user-token' })
  @ApiZodResponse(200, 'Rotated after debug_token; the old token served until now', wabaViewSchema, EXAMPLE_WABA)
  @ApiContractErrors(404, 422, 429, 502, 503, 504)
  rotateToken(@Param('tenantId') tenantId: string, @Param('wabaId') wabaId: string, @Body() body: unknown) {
    return this.wabas.rotateToken(tenantId, wabaId, parseInput(rotateTokenSchema, body).accessToken);
  }

  @Post('tenants/:tenantId/wabas/:wabaId/phone-numbers')
  @ApiOperation({ operationId: 'addPhoneNumber', summary: 'Add one phone number of the WABA by hand' })
  @tenantIdParam
  @wabaIdParam
  @ApiZodBody(addNumberSchema, { phoneNumberId: '3000000000000001', displayPhoneNumber: '+1 555-010-0001', throughputMps: 80 })
  @ApiZodResponse(201, 'Registered; Graph confirmed it belongs to the WABA', phoneNumberViewSchema, EXAMPLE_PHONE_NUMBER)
  @ApiContractErrors(404, 409, 422, 429, 502, 503, 504)
  addPhoneNumber(@Param('tenantId') tenantId: string, @Param('wabaId') wabaId: string, @Body() body: unknown) {
    return this.numbers.add(tenantId, wabaId, parseInput(addNumberSchema, body));
  }

  @Post('tenants/:tenantId/wabas/:wabaId/phone-numbers/sync')
  @HttpCode(200)
  @ApiOperation({ operationId: 'syncPhoneNumbers', summary: 'Read every phone number of the WABA from Graph and store what Meta says about it' })
  @tenantIdParam
  @wabaIdParam
  @ApiZodResponse(200, 'Numbers read from Graph with quality rating, messaging limit and throughput', z.object({ data: z.array(phoneNumberViewSchema) }), {
    data: [EXAMPLE_PHONE_NUMBER],
  })
  @ApiContractErrors(404, 422, 429, 502, 503, 504)
  syncPhoneNumbers(@Param('tenantId') tenantId: string, @Param('wabaId') wabaId: string) {
    return this.numbers.sync(tenantId, wabaId);
  }

  @Post('tenants/:tenantId/wabas/:wabaId/phone-numbers/:phoneNumberId/register')
  @HttpCode(200)
  @ApiOperation({ operationId: 'registerPhoneNumber', summary: 'Set the two-step PIN and register the number with Cloud API (the fix for 133010)' })
  @tenantIdParam
  @wabaIdParam
  @phoneNumberIdParam
  @ApiZodBody(registerNumberSchema, { pin: '123456' })
  @ApiZodResponse(200, 'Two-step PIN set and number registered with Cloud API', registeredNumberSchema, {
    phoneNumberId: '3000000000000001',
    status: 'registered',
    registeredAt: '2025-01-15T09:40:00.000Z',
  })
  @ApiContractErrors(404, 422, 429, 502, 503, 504)
  registerPhoneNumber(
    @Param('tenantId') tenantId: string,
    @Param('wabaId') wabaId: string,
    @Param('phoneNumberId') phoneNumberId: string,
    @Body() body: unknown,
  ) {
    return this.numbers.register(tenantId, wabaId, phoneNumberId, parseInput(registerNumberSchema, body).pin);
  }

  @Put('tenants/:tenantId/wabas/:wabaId/phone-numbers/:phoneNumberId/test-number')
  @ApiOperation({ operationId: 'setTestNumber', summary: 'Mark (or unmark) a number of a test environment as a Meta public test number, with its allowed recipients' })
  @tenantIdParam
  @wabaIdParam
  @phoneNumberIdParam
  @ApiZodBody(testNumberSchema, { testNumber: true, testRecipients: ['+1 415 555 1234'] })
  @ApiZodResponse(200, 'The number, marked (or no longer marked) as a Meta test number with its allowed recipients', phoneNumberViewSchema, {
    ...EXAMPLE_PHONE_NUMBER,
    testNumber: true,
    testRecipients: ['14155551234'],
  })
  @ApiContractErrors(404)
  setTestNumber(
    @Param('tenantId') tenantId: string,
    @Param('wabaId') wabaId: string,
    @Param('phoneNumberId') phoneNumberId: string,
    @Body() body: unknown,
  ) {
    return this.numbers.setTestNumber(tenantId, wabaId, phoneNumberId, parseInput(testNumberSchema, body));
  }

  @Post('tenants/:tenantId/wabas/:wabaId/subscribe')
  @HttpCode(200)
  @ApiOperation({ operationId: 'subscribeWaba', summary: 'Subscribe the WABA to its Meta app (the fix for webhooks that never arrive)' })
  @tenantIdParam
  @wabaIdParam
  @ApiZodResponse(200, 'The WABA is subscribed to its Meta app', subscriptionSchema, {
    wabaId: '2000000000000001',
    subscribed: true,
    subscribedApps: [{ id: '1000000000000001', name: 'Switchboard Demo' }],
  })
  @ApiContractErrors(404, 422, 429, 502, 503, 504)
  subscribe(@Param('tenantId') tenantId: string, @Param('wabaId') wabaId: string) {
    return this.wabas.subscribe(tenantId, wabaId);
  }

  @Get('tenants/:tenantId/diagnostics')
  @ApiOperation({ operationId: 'runDiagnostics', summary: 'Run the launch checklist of a tenant environment live against Graph' })
  @tenantIdParam
  @ApiQuery({ name: 'environment', required: false, schema: { ...openApiSchema(environmentSchema), default: 'live' } })
  @ApiZodResponse(200, 'The launch checklist, each item pass/warn/fail with its fix', diagnosticsSchema, {
    tenantId: EXAMPLE_TENANT_ID,
    environment: 'live',
    status: 'fail',
    items: [
      { check: 'waba 2000000000000001: token', status: 'pass', detail: 'debug_token: valid for this WABA and app' },
      {
        check: 'waba 2000000000000001: subscribed',
        status: 'fail',
        detail: 'App 1000000000000001 is not subscribed: no webhook will ever arrive',
        fix: `POST /v1/admin/tenants/${EXAMPLE_TENANT_ID}/wabas/2000000000000001/subscribe`,
      },
    ],
  })
  @ApiContractErrors(400, 404)
  runDiagnostics(@Param('tenantId') tenantId: string, @Query('environment') environment: unknown) {
    return this.diagnostics.run(tenantId, parseInput(environmentSchema, environment ?? 'live'));
  }
}
