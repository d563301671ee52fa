import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { ApiContractErrors, ApiTenantAuth, ApiZodBody, ApiZodResponse, parseInput } from '@switchboard/platform';
import { TenantAuthGuard } from '@switchboard/tenancy';
import { z } from 'zod';
import { templateViewSchema } from './template.view';
import {
  createTemplateSchema,
  deleteTemplateQuerySchema,
  EXAMPLE_TEMPLATE,
  lintResultSchema,
  listTemplatesQuerySchema,
  oneTemplateQuerySchema,
  syncResultSchema,
  templateNameSchema,
  updateTemplateSchema,
} from './templates.schemas';
import { TemplatesService } from './templates.service';

/** A name that cannot exist is simply not found (never a hint about other tenants). */
function nameParam(name: string): string {
  const parsed = templateNameSchema.safeParse(name);
  if (!parsed.success) throw new SwitchboardError({ code: 'not_found', message: `No template ${name.slice(0, 64)}` });
  return parsed.data;
}

const wabaQuery = ApiQuery({ name: 'wabaId', required: false, description: "Meta's WABA id; needed only when the environment has several" });

@ApiTags('templates')
@ApiTenantAuth()
@ApiContractErrors(401)
@UseGuards(TenantAuthGuard)
@Controller('v1/templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Post('sync')
  @HttpCode(200)
  @ApiZodResponse(200, 'Every template of every WABA of this environment, read from Graph', syncResultSchema)
  @ApiContractErrors(422, 429, 502, 503, 504)
  sync() {
    return this.templates.syncNow();
  }

  @Post('validate')
  @HttpCode(200)
  @ApiZodBody(z.record(z.string(), z.unknown()).describe("A template in Meta's creation shape"), EXAMPLE_TEMPLATE)
  @ApiZodResponse(200, 'Lint result: each issue with its rule id, severity, message and JSON path; nothing is submitted', lintResultSchema)
  validate(@Body() body: unknown) {
    return this.templates.validate(body);
  }

  @Post()
  @ApiZodBody(createTemplateSchema, EXAMPLE_TEMPLATE)
  @ApiZodResponse(201, 'Linted and submitted to Meta (usually PENDING); lint warnings included', z.object({ template: templateViewSchema, lint: lintResultSchema }))
  @ApiContractErrors(400, 404, 409, 422, 429, 502, 503, 504)
  create(@Body() body: unknown) {
    return this.templates.create(parseInput(createTemplateSchema, body));
  }

  @Get()
  @ApiQuery({ name: 'status', required: false, description: 'APPROVED, PENDING, REJECTED, PAUSED, ...' })
  @ApiQuery({ name: 'category', required: false, description: 'MARKETING, UTILITY or AUTHENTICATION' })
  @ApiQuery({ name: 'language', required: false, description: 'exact code, e.g. en_US' })
  @ApiQuery({ name: 'name', required: false, description: 'matches parts of names' })
  @ApiQuery({ name: 'limit', required: false, description: '1-1000, default 100' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @wabaQuery
  @ApiZodResponse(200, 'Templates of this environment, by name and language', z.object({ data: z.array(templateViewSchema), nextCursor: z.string().nullable() }))
  @ApiContractErrors(400)
  list(@Query() query: unknown) {
    return this.templates.list(parseInput(listTemplatesQuerySchema, query));
  }

  @Get(':name')
  @ApiParam({ name: 'name', description: 'template name' })
  @ApiQuery({ name: 'language', required: true, description: 'exact code, e.g. en_US' })
  @wabaQuery
  @ApiZodResponse(200, 'One template', templateViewSchema)
  @ApiContractErrors(400, 404)
  get(@Param('name') name: string, @Query() query: unknown) {
    return this.templates.get(nameParam(name), parseInput(oneTemplateQuerySchema, query));
  }

  @Patch(':name')
  @ApiParam({ name: 'name', description: 'template name' })
  @ApiQuery({ name: 'language', required: true, description: 'exact code, e.g. en_US' })
  @wabaQuery
  @ApiZodBody(updateTemplateSchema, { backup: { name: 'order_update_v2', language: 'en_US' } })
  @ApiZodResponse(200, 'Updated; the backup is sent while this template is PAUSED or DISABLED', templateViewSchema)
  @ApiContractErrors(400, 404, 422)
  update(@Param('name') name: string, @Query() query: unknown, @Body() body: unknown) {
    return this.templates.update(nameParam(name), parseInput(oneTemplateQuerySchema, query), parseInput(updateTemplateSchema, body));
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiParam({ name: 'name', description: 'template name' })
  @ApiQuery({ name: 'language', required: false, description: 'only this language; without it every language of the name is deleted (as on Meta)' })
  @wabaQuery
  @ApiZodResponse(204, 'Deleted at Meta and from the registry')
  @ApiContractErrors(400, 404, 422, 502, 503, 504)
  async remove(@Param('name') name: string, @Query() query: unknown): Promise<void> {
    await this.templates.remove(nameParam(name), parseInput(deleteTemplateQuerySchema, query));
  }
}
