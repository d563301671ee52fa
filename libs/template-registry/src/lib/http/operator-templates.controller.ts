import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiContractErrors, ApiOperatorAuth, ApiZodBody, ApiZodQuery, ApiZodResponse, parseInput } from '@switchboard/platform';
import { OPERATOR_SCOPE_PATH, OperatorScope } from '@switchboard/tenancy';
import { z } from 'zod';
import { EXAMPLE_VIEW } from './template-examples';
import { templateViewSchema } from './template.view';
import { EXAMPLE_TEMPLATE, lintResultSchema, listTemplatesQuerySchema } from './templates.schemas';
import { TemplatesService } from './templates.service';

/** The operator's view of one tenant environment's templates: statuses and lint findings. */
@ApiTags('admin')
@ApiOperatorAuth()
@OperatorScope()
@Controller(`${OPERATOR_SCOPE_PATH}/templates`)
export class OperatorTemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  @ApiOperation({ operationId: 'operatorListTemplates', summary: "A tenant environment's templates, by name and language (the filters of GET /v1/templates)" })
  @ApiZodQuery(listTemplatesQuerySchema, { name: 'matches parts of names', cursor: 'nextCursor of the previous page' })
  @ApiZodResponse(200, 'Templates of that environment', z.object({ data: z.array(templateViewSchema), nextCursor: z.string().nullable() }), { data: [EXAMPLE_VIEW], nextCursor: null })
  @ApiContractErrors(404)
  list(@Query() query: unknown) {
    return this.templates.list(parseInput(listTemplatesQuerySchema, query));
  }

  @Post('validate')
  @HttpCode(200)
  @ApiOperation({ operationId: 'operatorValidateTemplate', summary: 'Lint a template against the rules Meta enforces, without submitting it' })
  @ApiZodBody(z.record(z.string(), z.unknown()).describe("A template in Meta's creation shape"), EXAMPLE_TEMPLATE)
  @ApiZodResponse(200, 'Lint result: each issue with its rule id, severity, message and JSON path', lintResultSchema, { valid: true, errors: 0, warnings: 0, issues: [] })
  @ApiContractErrors(404)
  validate(@Body() body: unknown) {
    return this.templates.validate(body);
  }
}
