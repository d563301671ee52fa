import { UseGuards } from '@nestjs/common';
import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { parseInput } from '@switchboard/platform';
import { listTemplatesQuerySchema, oneTemplateQuerySchema, TemplatesService } from '@switchboard/template-registry';
import { TenantAuthGuard } from '@switchboard/tenancy';
import { JsonScalar } from '../types/scalars';
import { LintResult, Template, TemplateConnection, TemplateFilter, TemplateOperation, TemplateSyncResult } from '../types/template.types';
import { definedFields, pageComplexity, pageQuery } from './resolver-helpers';

const DEFAULT_PAGE = 100;

@Resolver(() => Template)
@UseGuards(TenantAuthGuard)
export class TemplatesResolver {
  constructor(private readonly registry: TemplatesService) {}

  @Query(() => TemplateConnection, { description: 'Templates of this environment from the registry, by name and language', complexity: pageComplexity(DEFAULT_PAGE) })
  async templates(
    @Args('filter', { type: () => TemplateFilter, nullable: true }) filter: TemplateFilter | null,
    @Args('first', { type: () => Int, defaultValue: DEFAULT_PAGE, description: '1-1000' }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<TemplateConnection> {
    const page = await this.registry.list(pageQuery(listTemplatesQuerySchema, filter, first, after));
    return { nodes: page.data as Template[], pageInfo: { hasNextPage: page.nextCursor !== null, endCursor: page.nextCursor } };
  }

  @Query(() => Template, { description: 'One template by exact name and language' })
  template(
    @Args('name') name: string,
    @Args('language', { description: 'exact code, e.g. en_US' }) language: string,
    @Args('wabaId', { type: () => String, nullable: true, description: 'needed only when the environment has several WABAs' }) wabaId: string | null,
  ) {
    return this.registry.get(name, parseInput(oneTemplateQuerySchema, definedFields({ language, wabaId })));
  }

  @Query(() => TemplateOperation, { description: 'A queued template sync, creation or deletion, by id' })
  templateOperation(@Args('id', { type: () => ID }) id: string) {
    return this.registry.operation(id);
  }

  @Mutation(() => TemplateSyncResult, { description: 'Queues a sync of every template of every WABA of this environment from Graph; its outcome is the operation\'s' })
  async syncTemplates(): Promise<TemplateSyncResult> {
    const operation = await this.registry.sync();
    return { syncedAt: null, wabas: [], removedFromOtherWabas: 0, operation };
  }

  @Mutation(() => LintResult, { description: "Lints a template in Meta's creation shape; nothing is submitted" })
  validateTemplate(@Args('template', { type: () => JsonScalar }) template: unknown) {
    return this.registry.validate(template);
  }
}
