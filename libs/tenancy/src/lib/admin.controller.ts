import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiContractErrors, ApiOperatorAuth, ApiZodBody, ApiZodResponse, parseInput } from '@switchboard/platform';
import { ApiTags } from '@nestjs/swagger';
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

const tenantSchema = z.object({ id: z.uuid(), slug: z.string(), name: z.string(), createdAt: z.iso.datetime() });
const createdApiKeySchema = z.object({
  id: z.uuid(),
  key: z.string().describe('Shown only in this answer; stored as a hash'),
  environment: environmentSchema,
  name: z.string().nullable(),
  createdAt: z.iso.datetime(),
});

@ApiTags('admin')
@ApiOperatorAuth()
@ApiContractErrors(401)
@Controller('v1/admin/tenants')
@UseGuards(AdminAuthGuard)
export class AdminTenantsController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  @Post()
  @ApiZodBody(createTenantSchema, { slug: 'payments', name: 'Payments' })
  @ApiZodResponse(201, 'Created', tenantSchema)
  @ApiContractErrors(400, 409)
  create(@Body() body: unknown) {
    return this.tenants.create(parseInput(createTenantSchema, body));
  }

  @Get()
  @ApiZodResponse(200, 'Every tenant', z.object({ data: z.array(tenantSchema) }))
  async list() {
    return { data: await this.tenants.list() };
  }

  @Post(':tenantId/api-keys')
  @ApiZodBody(createApiKeySchema, { environment: 'test', name: 'ci' })
  @ApiZodResponse(201, 'Created; the key is shown only here', createdApiKeySchema)
  @ApiContractErrors(400, 404)
  createApiKey(@Param('tenantId') tenantId: string, @Body() body: unknown) {
    return this.apiKeys.create(tenantId, parseInput(createApiKeySchema, body));
  }

  @Delete(':tenantId/api-keys/:keyId')
  @HttpCode(204)
  @ApiZodResponse(204, 'Revoked; the key stops working on every instance within a second')
  @ApiContractErrors(404)
  async revokeApiKey(@Param('tenantId') tenantId: string, @Param('keyId') keyId: string): Promise<void> {
    await this.apiKeys.revoke(tenantId, keyId);
  }
}
