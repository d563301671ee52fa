import { UseGuards } from '@nestjs/common';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { PhoneNumbersService } from '@switchboard/accounts';
import { ConversationWindowsService, windowQuerySchema } from '@switchboard/whatsapp-host';
import { parseInput } from '@switchboard/platform';
import { RequestContext, TenantAuthGuard, TenantsService, tenantView } from '@switchboard/tenancy';
import { ConversationWindow, Me, PhoneNumber } from '../types/account.types';

/** Who is calling, what it sends from, and a contact's window. */
@Resolver()
@UseGuards(TenantAuthGuard)
export class AccountResolver {
  constructor(
    private readonly tenants: TenantsService,
    private readonly numbers: PhoneNumbersService,
    private readonly windows: ConversationWindowsService,
  ) {}

  @Query(() => Me, { description: 'The tenant and environment of this API key' })
  async me(): Promise<Me> {
    const { tenantId, environment, keyId } = RequestContext.principal();
    return { tenant: tenantView(await this.tenants.require(tenantId)), environment, keyId };
  }

  @Query(() => [PhoneNumber], { description: 'Numbers of this environment' })
  phoneNumbers() {
    const { tenantId, environment } = RequestContext.principal();
    return this.numbers.listForEnvironment(tenantId, environment);
  }

  @Query(() => ConversationWindow, { description: "A contact's 24 h window with one of your numbers" })
  conversationWindow(
    @Args('waId', { description: 'contact number' }) waId: string,
    @Args('from', { description: 'phone_number_id or display number of one of your numbers' }) from: string,
  ) {
    return this.windows.forContact(parseInput(windowQuerySchema, { from }).from, waId);
  }
}
