import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiContractErrors, ApiOperatorAuth, ApiZodBody, ApiZodResponse, parseInput } from '@switchboard/platform';
import { AdminAuthGuard, environmentSchema, TenantsService } from '@switchboard/tenancy';
import { z } from 'zod';
import { DiagnosticsService } from './diagnostics.service';
import { GraphClients } from './graph-clients';
import { MetaAppsService } from './meta-apps.service';
import { PhoneNumbersService, TEST_RECIPIENTS_MAX } from './phone-numbers.service';
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

const wabaViewSchema = z.object({
  id: z.uuid(),
  wabaId: z.string(),
  environment: environmentSchema,
  appId: z.string(),
  token: z.object({ expiresAt: z.iso.datetime().nullable(), scopes: z.array(z.string()), status: z.enum(TOKEN_STATUSES) }),
  subscribedAt: z.iso.datetime().nullable(),
});

@ApiTags('admin')
@ApiOperatorAuth()
@ApiContractErrors(401)
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
  @ApiZodBody(registerAppSchema)
  @ApiZodResponse(201, 'Registered; point the app webhook at webhookPath', z.object({ id: z.uuid(), appId: z.string(), webhookPath: z.string() }))
  @ApiContractErrors(400, 409)
  registerApp(@Body() body: unknown) {
    return this.apps.register(parseInput(registerAppSchema, body));
  }

  @Put('tenants/:tenantId/environments/:environment')
  @ApiZodBody(environmentSettingsSchema, { graphBaseUrl: 'http://127.0.0.1:4010' })
  @ApiZodResponse(200, 'Settings of the environment', environmentSettingsSchema)
  @ApiContractErrors(400, 404)
  async configureEnvironment(@Param('tenantId') tenantId: string, @Param('environment') environment: string, @Body() body: unknown) {
    await this.tenants.require(tenantId);
    const parsedEnvironment = parseInput(environmentSchema, environment);
    const { graphBaseUrl } = parseInput(environmentSettingsSchema, body);
    await this.graphClients.setOrigin(tenantId, parsedEnvironment, graphBaseUrl);
    return { graphBaseUrl: await this.graphClients.originFor(tenantId, parsedEnvironment) };
  }

  @Post('tenants/:tenantId/wabas')
  @ApiZodBody(registerWabaSchema)
  @ApiZodResponse(201, 'Registered after debug_token', wabaViewSchema)
  @ApiContractErrors(400, 404, 409, 422)
  registerWaba(@Param('tenantId') tenantId: string, @Body() body: unknown) {
    return this.wabas.register(tenantId, parseInput(registerWabaSchema, body));
  }

  @Put('tenants/:tenantId/wabas/:wabaId/token')
  @ApiZodBody(rotateTokenSchema)
  @ApiZodResponse(200, 'Rotated after debug_token; the old token served until now', wabaViewSchema)
  @ApiContractErrors(400, 404, 422)
  rotateToken(@Param('tenantId') tenantId: string, @Param('wabaId') wabaId: string, @Body() body: unknown) {
    return this.wabas.rotateToken(tenantId, wabaId, parseInput(rotateTokenSchema, body).accessToken);
  }

  @Post('tenants/:tenantId/wabas/:wabaId/phone-numbers')
  @ApiZodBody(addNumberSchema)
  @ApiZodResponse(201, 'Registered; Graph confirmed it belongs to the WABA')
  @ApiContractErrors(400, 404, 409)
  addPhoneNumber(@Param('tenantId') tenantId: string, @Param('wabaId') wabaId: string, @Body() body: unknown) {
    return this.numbers.add(tenantId, wabaId, parseInput(addNumberSchema, body));
  }

  @Post('tenants/:tenantId/wabas/:wabaId/phone-numbers/sync')
  @HttpCode(200)
  @ApiZodResponse(200, 'Numbers read from Graph with quality rating, messaging limit and throughput')
  @ApiContractErrors(404)
  syncPhoneNumbers(@Param('tenantId') tenantId: string, @Param('wabaId') wabaId: string) {
    return this.numbers.sync(tenantId, wabaId);
  }

  @Post('tenants/:tenantId/wabas/:wabaId/phone-numbers/:phoneNumberId/register')
  @HttpCode(200)
  @ApiZodBody(registerNumberSchema)
  @ApiZodResponse(200, 'Two-step PIN set and number registered with Cloud API')
  @ApiContractErrors(400, 404, 422)
  registerPhoneNumber(
    @Param('tenantId') tenantId: string,
    @Param('wabaId') wabaId: string,
    @Param('phoneNumberId') phoneNumberId: string,
    @Body() body: unknown,
  ) {
    return this.numbers.register(tenantId, wabaId, phoneNumberId, parseInput(registerNumberSchema, body).pin);
  }

  @Put('tenants/:tenantId/wabas/:wabaId/phone-numbers/:phoneNumberId/test-number')
  @ApiZodBody(testNumberSchema, { testNumber: true, testRecipients: ['+1 415 555 1234'] })
  @ApiZodResponse(200, 'The number, marked (or no longer marked) as a Meta test number with its allowed recipients')
  @ApiContractErrors(400, 404)
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
  @ApiZodResponse(200, 'The WABA is subscribed to its Meta app')
  @ApiContractErrors(404)
  subscribe(@Param('tenantId') tenantId: string, @Param('wabaId') wabaId: string) {
    return this.wabas.subscribe(tenantId, wabaId);
  }

  @Get('tenants/:tenantId/diagnostics')
  @ApiZodResponse(200, 'The launch checklist, each item pass/warn/fail with its fix')
  @ApiContractErrors(400, 404)
  runDiagnostics(@Param('tenantId') tenantId: string, @Query('environment') environment: unknown) {
    return this.diagnostics.run(tenantId, parseInput(environmentSchema, environment ?? 'live'));
  }
}
