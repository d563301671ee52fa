import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { parseInput } from '@switchboard/platform';
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

@Controller('v1/admin/tenants')
@UseGuards(AdminAuthGuard)
export class AdminTenantsController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  @Post()
  create(@Body() body: unknown) {
    return this.tenants.create(parseInput(createTenantSchema, body));
  }

  @Get()
  async list() {
    return { data: await this.tenants.list() };
  }

  @Post(':tenantId/api-keys')
  createApiKey(@Param('tenantId') tenantId: string, @Body() body: unknown) {
    return this.apiKeys.create(tenantId, parseInput(createApiKeySchema, body));
  }

  @Delete(':tenantId/api-keys/:keyId')
  @HttpCode(204)
  async revokeApiKey(@Param('tenantId') tenantId: string, @Param('keyId') keyId: string): Promise<void> {
    await this.apiKeys.revoke(tenantId, keyId);
  }
}
