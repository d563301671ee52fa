import { Args, Context, ID, Resolver, Subscription } from '@nestjs/graphql';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import { MessagesService, MessageStatusFeed, type MessageStatusChange as FeedChange } from '@switchboard/messaging';
import { ApiKeysService, RequestContext } from '@switchboard/tenancy';
import type { GraphqlContext, Subscriber } from '../graphql-context';
import { MessageStatusChange } from '../types/message.types';

const unauthorized = () => new SwitchboardError({ code: 'unauthorized', message: 'Missing, invalid or revoked API key' });

/**
 * Ends the stream with `unauthorized` as soon as the connection's key stops working
 * (checked per event through the key cache, so a revocation lands within a second),
 * and passes return() straight to the feed so an unsubscribe releases it at once.
 */
function whileAuthorised(source: AsyncIterableIterator<FeedChange>, authorised: () => Promise<boolean>): AsyncIterableIterator<FeedChange> {
  const iterator: AsyncIterableIterator<FeedChange> = {
    async next() {
      const result = await source.next();
      if (result.done || (await authorised())) return result;
      await source.return?.();
      throw unauthorized();
    },
    return: async (value?: unknown) => (source.return ? source.return(value) : { done: true, value: undefined }),
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/**
 * Live status changes over graphql-ws, fanned out between gateway instances through
 * Redis pub/sub (MessageStatusFeed). The connection was authenticated at
 * connection_init; nothing here runs inside an HTTP request.
 */
@Resolver()
export class MessageStatusResolver {
  constructor(
    private readonly feed: MessageStatusFeed,
    private readonly messages: MessagesService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  @Subscription(() => MessageStatusChange, {
    description: "Status changes of this environment's messages, or of one message (its timeline so far first, then live)",
    resolve: (change: FeedChange) => change,
  })
  async messageStatusChanged(
    // Absent (not null) when the operation leaves the argument out.
    @Args('messageId', { type: () => ID, nullable: true }) messageId: string | null | undefined,
    @Context() context: GraphqlContext,
  ): Promise<AsyncIterableIterator<FeedChange>> {
    const subscriber: Subscriber | undefined = context.subscriber;
    if (!subscriber || !(await this.apiKeys.authenticate(subscriber.token))) throw unauthorized();
    const { tenantId, environment } = subscriber.principal;
    // The same scoped read as message(id): another tenant's or environment's message is not_found.
    if (messageId != null) await RequestContext.run({ principal: subscriber.principal }, () => this.messages.get(messageId));
    const changes = this.feed.watch({ tenantId, environment }, messageId == null ? {} : { messageId });
    return whileAuthorised(changes, async () => (await this.apiKeys.authenticate(subscriber.token)) !== undefined);
  }
}
