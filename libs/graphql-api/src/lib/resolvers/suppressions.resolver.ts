import { UseGuards } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { createSuppressionSchema, SuppressionsService } from '@switchboard/messaging';
import { parseInput } from '@switchboard/platform';
import { TenantAuthGuard } from '@switchboard/tenancy';
import { Suppression } from '../types/account.types';
import { definedFields } from './resolver-helpers';

@Resolver(() => Suppression)
@UseGuards(TenantAuthGuard)
export class SuppressionsResolver {
  constructor(private readonly suppressionList: SuppressionsService) {}

  @Query(() => [Suppression], { description: 'Suppressed recipients of this environment, newest first' })
  async suppressions() {
    return (await this.suppressionList.list()).data;
  }

  @Mutation(() => Suppression, { description: 'Suppresses a recipient (answers the existing entry when it already is)' })
  addSuppression(@Args('waId') waId: string, @Args('reason', { type: () => String, nullable: true }) reason: string | null) {
    return this.suppressionList.add(parseInput(createSuppressionSchema, definedFields({ waId, reason })));
  }

  @Mutation(() => Boolean, { description: 'Lifts a suppression; not_found when the number is not suppressed' })
  async removeSuppression(@Args('waId') waId: string): Promise<boolean> {
    await this.suppressionList.remove(waId);
    return true;
  }
}
