import { UseGuards } from '@nestjs/common';
import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { idempotencyKeySchema, MessageRetryService, MessagesService } from '@switchboard/messaging';
import { parseInput } from '@switchboard/platform';
import { TenantAuthGuard } from '@switchboard/tenancy';
import { z } from 'zod';
import type { GraphqlContext } from '../graphql-context';
import { AcceptedMessage, Message, MessageConnection, MessageEvent, MessageFilter } from '../types/message.types';
import { JsonScalar } from '../types/scalars';
import { MessageEventsLoader } from './message-events.loader';
import { pageComplexity, pageQuery } from './resolver-helpers';

const DEFAULT_PAGE = 50;
/** The argument as its own field, so a refusal names it; made once (zod compiles a schema on its first parse). */
const idempotencyKeyArgument = z.object({ idempotencyKey: idempotencyKeySchema });

@Resolver(() => Message)
@UseGuards(TenantAuthGuard)
export class MessagesResolver {
  constructor(
    private readonly messagesService: MessagesService,
    private readonly retries: MessageRetryService,
    private readonly eventsLoader: MessageEventsLoader,
  ) {}

  @Query(() => Message, { description: 'One message of this environment; not_found for any other' })
  message(@Args('id', { type: () => ID }) id: string) {
    return this.messagesService.get(id);
  }

  @Query(() => MessageConnection, { description: 'Newest first; `after` takes an endCursor', complexity: pageComplexity(DEFAULT_PAGE) })
  async messages(
    @Args('filter', { type: () => MessageFilter, nullable: true }) filter: MessageFilter | null,
    @Args('first', { type: () => Int, defaultValue: DEFAULT_PAGE, description: '1-100' }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<MessageConnection> {
    const page = await this.messagesService.list(pageQuery(this.messagesService.listQuery, filter, first, after));
    const nodes = page.data as Message[];
    return {
      edges: nodes.map((node) => ({ cursor: node.id, node })),
      nodes,
      pageInfo: { hasNextPage: page.nextCursor !== null, endCursor: nodes[nodes.length - 1]?.id ?? null },
    };
  }

  @ResolveField(() => [MessageEvent], { description: 'The status timeline, oldest first' })
  events(@Parent() message: Message & { events?: MessageEvent[] }, @Context() context: GraphqlContext) {
    return message.events ?? this.eventsLoader.load(context, message.id);
  }

  @Mutation(() => AcceptedMessage, { description: 'POST /v1/messages: `input` is the same body, checked by the same rules' })
  sendMessage(
    @Args('input', { type: () => JsonScalar, description: "Meta's message object plus from (and metadata, country, scheduledAt, channel, fallback), as in REST" }) input: unknown,
    @Args('idempotencyKey', { type: () => String, nullable: true }) idempotencyKey: string | null,
  ) {
    const key = parseInput(idempotencyKeyArgument, { idempotencyKey: idempotencyKey ?? undefined }).idempotencyKey;
    return this.messagesService.accept(this.messagesService.parseRequest(input), input, key);
  }

  @Mutation(() => AcceptedMessage, { description: 'Requeues a failed or dead message' })
  retryMessage(@Args('id', { type: () => ID }) id: string) {
    return this.retries.retry(id);
  }
}
