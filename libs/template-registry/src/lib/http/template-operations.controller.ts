import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiContractErrors, ApiTenantAuth, ApiZodResponse } from '@switchboard/platform';
import { TenantAuthGuard } from '@switchboard/tenancy';
import { templateOperationViewSchema } from '../operations/template-operation.view';
import { EXAMPLE_OPERATION, EXAMPLE_VIEW } from './template-examples';
import { TemplatesService } from './templates.service';

@ApiTags('templates')
@ApiTenantAuth()
@UseGuards(TenantAuthGuard)
@Controller('v1/template-operations')
export class TemplateOperationsController {
  constructor(private readonly templates: TemplatesService) {}

  @Get(':id')
  @ApiOperation({ operationId: 'getTemplateOperation', summary: 'A queued template sync, creation or deletion: its state and, once finished, its result or error' })
  @ApiParam({ name: 'id', description: 'the id answered by POST /v1/templates/sync, POST /v1/templates or DELETE /v1/templates/{name}', schema: { type: 'string', format: 'uuid' } })
  @ApiZodResponse(200, 'The operation; succeeded and failed are final', templateOperationViewSchema, {
    ...EXAMPLE_OPERATION,
    kind: 'create',
    state: 'failed',
    wabaId: EXAMPLE_VIEW.wabaId,
    name: EXAMPLE_VIEW.name,
    language: EXAMPLE_VIEW.language,
    error: { code: 'template_already_exists', message: 'Content in this language already exists', meta: { code: 2388024, title: 'Content in this language already exists' } },
    attempts: 1,
    startedAt: '2025-01-15T09:50:01.000Z',
    finishedAt: '2025-01-15T09:50:02.000Z',
  })
  @ApiContractErrors(404)
  get(@Param('id') id: string) {
    return this.templates.operation(id);
  }
}
