import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiContractErrors, ApiOperatorAuth, ApiZodBody, ApiZodResponse, parseInput } from '@switchboard/platform';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AdminAuthGuard } from './admin-auth.guard';
import { ApiKeysService } from './api-keys.service';
import { environmentSchema } from './environment';
import { TenantsService } from './tenants.service';

const createTenantSchema = z.strictObject({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes, at most 63'),
  name: z.string().trim().min(1).max(200),
});

const createApiKeySchema = z.strictObject({
  environment: environmentSchema,
  name: z.string().trim().min(1).max(100).optional(),
});

export const tenantSchema = z.object({ id: z.uuid(), slug: z.string(), name: z.string(), createdAt: z.iso.datetime() });
const createdApiKeySchema = z.object({
  id: z.uuid(),
  key: z.string().describe('Shown only in this answer; stored as a hash'),
  environment: environmentSchema,
  name: z.string().nullable(),
  createdAt: z.iso.datetime(),
});

const apiKeyViewSchema = z.object({
  id: z.uuid(),
  environment: environmentSchema,
  name: z.string().nullable(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable().describe('written at most once a minute'),
  revokedAt: z.iso.datetime().nullable(),
});

export const EXAMPLE_TENANT = { id: '0f6b6c1e-2d4a-4f8b-9c3d-5e7a1b2c3d4e', slug: 'payments', name: 'Payments', createdAt: '2025-01-15T09:30:00.000Z' };

const tenantIdParam = ApiParam({ name: 'tenantId', description: 'id returned by POST /v1/admin/tenants', schema: { type: 'string', format: 'uuid' } });

@ApiTags('admin')
@ApiOperatorAuth()
@Controller('v1/admin/tenants')
@UseGuards(AdminAuthGuard)
export class AdminTenantsController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  @Post()
  @ApiOperation({ operationId: 'createTenant', summary: 'Create a tenant (a business unit with a live and a test environment)' })
  @ApiZodBody(createTenantSchema, { slug: 'payments', name: 'Payments' })
  @ApiZodResponse(201, 'Created', tenantSchema, EXAMPLE_TENANT)
  @ApiContractErrors(409)
  create(@Body() body: unknown) {
    return this.tenants.create(parseInput(createTenantSchema, body));
  }

  @Get()
  @ApiOperation({ operationId: 'listTenants', summary: 'List every tenant' })
  @ApiZodResponse(200, 'Every tenant', z.object({ data: z.array(tenantSchema) }), { data: [EXAMPLE_TENANT] })
  async list() {
    return { data: await this.tenants.list() };
  }

  @Post(':tenantId/api-keys')
  @ApiOperation({ operationId: 'createApiKey', summary: "Create an API key for one of the tenant's environments" })
  @tenantIdParam
  @ApiZodBody(createApiKeySchema, { environment: 'test', name: 'ci' })
  @ApiZodResponse(201, 'Created; the key is shown only here', createdApiKeySchema, {
    id: '7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f',
    key: 'sbk_test_Q2hhbmdlTWVQbGVhc2VJdHNBbkV4YW1wbGU',
    environment: 'test',
    name: 'ci',
    createdAt: '2025-01-15T09:31:00.000Z',
  })
  @ApiContractErrors(404)
  createApiKey(@Param('tenantId') tenantId: string, @Body() body: unknown) {
    return this.apiKeys.create(tenantId, parseInput(createApiKeySchema, body));
  }

  @Get(':tenantId/api-keys')
  @ApiOperation({ operationId: 'listApiKeys', summary: "Every API key of the tenant (never the keys themselves), revoked ones included, newest first" })
  @tenantIdParam
  @ApiZodResponse(200, 'Keys of both environments', z.object({ data: z.array(apiKeyViewSchema) }), {
    data: [
      {
        id: '7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f',
        environment: 'test',
        name: 'ci',
        createdAt: '2025-01-15T09:31:00.000Z',
        lastUsedAt: '2025-01-15T10:02:00.000Z',
        revokedAt: null,
      },
    ],
  })
  @ApiContractErrors(404)
  async listApiKeys(@Param('tenantId') tenantId: string) {
    return { data: await this.apiKeys.list(tenantId) };
  }

  @Delete(':tenantId/api-keys/:keyId')
  @HttpCode(204)
  @ApiOperation({ operationId: 'revokeApiKey', summary: 'Revoke an API key' })
  @tenantIdParam
  @ApiParam({ name: 'keyId', description: 'id of the key (never the key itself)', schema: { type: 'string', format: 'uuid' } })
  @ApiZodResponse(204, 'Revoked; the key stops working on every instance within a second')
  @ApiContractErrors(404)
  async revokeApiKey(@Param('tenantId') tenantId: string, @Param('keyId') keyId: string): Promise<void> {
    await this.apiKeys.revoke(tenantId, keyId);
  }
}
