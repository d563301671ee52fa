import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { ApiContractErrors, ApiTenantAuth, ApiZodBody, ApiZodQuery, ApiZodResponse, openApiSchema, parseInput } from '@switchboard/platform';
import { TenantAuthGuard } from '@switchboard/tenancy';
import { z } from 'zod';
import { templateOperationViewSchema } from '../operations/template-operation.view';
import { EXAMPLE_OPERATION, EXAMPLE_VIEW } from './template-examples';
import { templateViewSchema } from './template.view';
import {
  createTemplateSchema,
  deleteTemplateQuerySchema,
  EXAMPLE_TEMPLATE,
  lintResultSchema,
  listTemplatesQuerySchema,
  oneTemplateQuerySchema,
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

const EXAMPLE_LINT = { valid: true, errors: 0, warnings: 0, issues: [] };

@ApiTags('templates')
@ApiTenantAuth()
@UseGuards(TenantAuthGuard)
@Controller('v1/templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Post('sync')
  @HttpCode(202)
  @ApiOperation({
    operationId: 'syncTemplates',
    summary: 'Queue a sync of every template of every WABA of this environment from Graph; read its outcome at GET /v1/template-operations/{id}',
  })
  @ApiZodResponse(202, 'The queued sync; while one is queued or running, that one is the answer', templateOperationViewSchema, EXAMPLE_OPERATION)
  sync() {
    return this.templates.sync();
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
  @HttpCode(202)
  @ApiOperation({
    operationId: 'createTemplate',
    summary: 'Lint a template and queue its submission to Meta; the operation (GET /v1/template-operations/{id}) ends with the template and its lint, or with Meta\'s refusal',
  })
  @ApiZodBody(createTemplateSchema, EXAMPLE_TEMPLATE)
  @ApiZodResponse(202, 'Linted; the submission to Meta is queued', templateOperationViewSchema, {
    ...EXAMPLE_OPERATION,
    kind: 'create',
    wabaId: EXAMPLE_VIEW.wabaId,
    name: EXAMPLE_VIEW.name,
    language: EXAMPLE_VIEW.language,
  })
  @ApiContractErrors(404, 422)
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
  @HttpCode(202)
  @ApiOperation({ operationId: 'deleteTemplate', summary: 'Queue the deletion of a template at Meta and from the registry; read its outcome at GET /v1/template-operations/{id}' })
  @templateNameParam
  @ApiZodQuery(deleteTemplateQuerySchema, { language: 'only this language; without it every language of the name is deleted (as on Meta)', wabaId: WABA_ID })
  @ApiZodResponse(202, 'The deletion is queued', templateOperationViewSchema, {
    ...EXAMPLE_OPERATION,
    kind: 'delete',
    wabaId: EXAMPLE_VIEW.wabaId,
    name: EXAMPLE_VIEW.name,
    language: EXAMPLE_VIEW.language,
  })
  @ApiContractErrors(404)
  remove(@Param('name') name: string, @Query() query: unknown) {
    return this.templates.remove(nameParam(name), parseInput(deleteTemplateQuerySchema, query));
  }
}
