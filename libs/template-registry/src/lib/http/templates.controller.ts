import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { ApiContractErrors, ApiTenantAuth, ApiZodBody, ApiZodQuery, ApiZodResponse, openApiSchema, parseInput } from '@switchboard/platform';
import { TenantAuthGuard } from '@switchboard/tenancy';
import { z } from 'zod';
import { templateViewSchema, type TemplateView } from './template.view';
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

const WABA_ID = "Meta's WABA id; needed only when the environment has several";
const LANGUAGE = 'exact code, e.g. en_US';
const templateNameParam = ApiParam({ name: 'name', description: 'template name', schema: openApiSchema(templateNameSchema) });

const EXAMPLE_VIEW: TemplateView = {
  id: '4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a',
  environment: 'live',
  wabaId: '2000000000000001',
  metaTemplateId: '4000000000000001',
  name: 'order_update',
  language: 'en_US',
  category: 'UTILITY',
  status: 'APPROVED',
  rejectionReason: null,
  qualityScore: 'GREEN',
  parameterFormat: 'POSITIONAL',
  components: EXAMPLE_TEMPLATE.components,
  placeholders: {
    format: 'POSITIONAL',
    header: null,
    body: { placeholders: ['1', '2'] },
    buttons: [{ index: 0, type: 'URL', subType: 'url', parameter: { type: 'text', required: true }, placeholders: ['1'] }],
    unchecked: [],
  },
  backup: null,
  statusDetail: null,
  categoryChange: null,
  lastSyncedAt: '2025-01-15T09:50:00.000Z',
  createdAt: '2025-01-15T09:45:00.000Z',
  updatedAt: '2025-01-15T09:50:00.000Z',
};
const EXAMPLE_LINT = { valid: true, errors: 0, warnings: 0, issues: [] };

@ApiTags('templates')
@ApiTenantAuth()
@UseGuards(TenantAuthGuard)
@Controller('v1/templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Post('sync')
  @HttpCode(200)
  @ApiOperation({ operationId: 'syncTemplates', summary: 'Read every template of every WABA of this environment from Graph into the registry' })
  @ApiZodResponse(200, 'Every template of every WABA of this environment, read from Graph', syncResultSchema, {
    syncedAt: '2025-01-15T09:50:00.000Z',
    wabas: [{ wabaId: '2000000000000001', templates: 12, removed: 0 }],
    removedFromOtherWabas: 0,
  })
  @ApiContractErrors(422, 429, 502, 503, 504)
  sync() {
    return this.templates.syncNow();
  }

  @Post('validate')
  @HttpCode(200)
  @ApiOperation({ operationId: 'validateTemplate', summary: 'Lint a template against the rules Meta enforces, without submitting it' })
  @ApiZodBody(z.record(z.string(), z.unknown()).describe("A template in Meta's creation shape"), EXAMPLE_TEMPLATE)
  @ApiZodResponse(200, 'Lint result: each issue with its rule id, severity, message and JSON path; nothing is submitted', lintResultSchema, EXAMPLE_LINT)
  validate(@Body() body: unknown) {
    return this.templates.validate(body);
  }

  @Post()
  @ApiOperation({ operationId: 'createTemplate', summary: 'Lint a template and submit it to Meta' })
  @ApiZodBody(createTemplateSchema, EXAMPLE_TEMPLATE)
  @ApiZodResponse(201, 'Linted and submitted to Meta (usually PENDING); lint warnings included', z.object({ template: templateViewSchema, lint: lintResultSchema }), {
    template: { ...EXAMPLE_VIEW, status: 'PENDING', qualityScore: null, lastSyncedAt: null },
    lint: EXAMPLE_LINT,
  })
  @ApiContractErrors(404, 409, 422, 429, 502, 503, 504)
  create(@Body() body: unknown) {
    return this.templates.create(parseInput(createTemplateSchema, body));
  }

  @Get()
  @ApiOperation({ operationId: 'listTemplates', summary: 'Templates of this environment, by name and language, with a cursor' })
  @ApiZodQuery(listTemplatesQuerySchema, {
    status: 'APPROVED, PENDING, REJECTED, PAUSED, ...',
    category: 'MARKETING, UTILITY or AUTHENTICATION',
    language: LANGUAGE,
    name: 'matches parts of names',
    wabaId: WABA_ID,
    limit: 'page size',
    cursor: 'nextCursor of the previous page',
  })
  @ApiZodResponse(200, 'Templates of this environment, by name and language', z.object({ data: z.array(templateViewSchema), nextCursor: z.string().nullable() }), {
    data: [EXAMPLE_VIEW],
    nextCursor: null,
  })
  list(@Query() query: unknown) {
    return this.templates.list(parseInput(listTemplatesQuerySchema, query));
  }

  @Get(':name')
  @ApiOperation({ operationId: 'getTemplate', summary: 'One template in one language' })
  @templateNameParam
  @ApiZodQuery(oneTemplateQuerySchema, { language: LANGUAGE, wabaId: WABA_ID })
  @ApiZodResponse(200, 'One template', templateViewSchema, EXAMPLE_VIEW)
  @ApiContractErrors(404)
  get(@Param('name') name: string, @Query() query: unknown) {
    return this.templates.get(nameParam(name), parseInput(oneTemplateQuerySchema, query));
  }

  @Patch(':name')
  @ApiOperation({ operationId: 'updateTemplate', summary: 'Set or clear the backup template sent while this one is PAUSED or DISABLED' })
  @templateNameParam
  @ApiZodQuery(oneTemplateQuerySchema, { language: LANGUAGE, wabaId: WABA_ID })
  @ApiZodBody(updateTemplateSchema, { backup: { name: 'order_update_v2', language: 'en_US' } })
  @ApiZodResponse(200, 'Updated; the backup is sent while this template is PAUSED or DISABLED', templateViewSchema, {
    ...EXAMPLE_VIEW,
    backup: { name: 'order_update_v2', language: 'en_US' },
  })
  @ApiContractErrors(404, 422)
  update(@Param('name') name: string, @Query() query: unknown, @Body() body: unknown) {
    return this.templates.update(nameParam(name), parseInput(oneTemplateQuerySchema, query), parseInput(updateTemplateSchema, body));
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteTemplate', summary: 'Delete a template at Meta and from the registry' })
  @templateNameParam
  @ApiZodQuery(deleteTemplateQuerySchema, { language: 'only this language; without it every language of the name is deleted (as on Meta)', wabaId: WABA_ID })
  @ApiZodResponse(204, 'Deleted at Meta and from the registry')
  @ApiContractErrors(404, 422, 429, 502, 503, 504)
  async remove(@Param('name') name: string, @Query() query: unknown): Promise<void> {
    await this.templates.remove(nameParam(name), parseInput(deleteTemplateQuerySchema, query));
  }
}
