import { Injectable } from '@nestjs/common';
import { MessageTimelines, type MessageTimeline } from '@switchboard/messaging';
import DataLoader from 'dataloader';

/**
 * `Message.events` for every message of an operation in one query: a loader per
 * operation (keyed by its context object, gone with it), so a page of 100 messages
 * with their timelines costs the same number of queries as a page of one.
 */
@Injectable()
export class MessageEventsLoader {
  private readonly loaders = new WeakMap<object, DataLoader<string, MessageTimeline>>();

  constructor(private readonly timelines: MessageTimelines) {}

  load(context: object, messageId: string): Promise<MessageTimeline> {
    let loader = this.loaders.get(context);
    if (!loader) {
      loader = new DataLoader((ids: readonly string[]) => this.timelines.of(ids));
      this.loaders.set(context, loader);
    }
    return loader.load(messageId);
  }
}
