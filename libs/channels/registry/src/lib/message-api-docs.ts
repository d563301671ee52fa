import type { ChannelPlugin } from '@switchboard/channel-contract';
import { whatsappMessageSchema } from '@switchboard/channel-whatsapp';
import { deliveryOptionsSchema, type MessageApiDocs } from '@switchboard/messaging';
import { z } from 'zod';

const EXAMPLE_SEND = {
  from: '3000000000000001',
  to: '+1 (415) 555-1234',
  type: 'template',
  template: { name: 'order_update', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'John' }, { type: 'text', text: '#4521' }] }] },
  metadata: { orderId: '4521' },
};

/**
 * How POST and GET /v1/messages are documented: the body of the default channel (Meta's
 * message object with `from`, `metadata`, `choice`) and the delivery options (`channel`
 * names another channel, whose message replaces the WhatsApp part); `type` filters on every
 * loaded channel's message types.
 */
export function messageApiDocs(plugins: readonly ChannelPlugin[]): MessageApiDocs {
  const types = [...new Set(plugins.flatMap((plugin) => plugin.messageTypes ?? ['text']))];
  return {
    sendBody: z.intersection(whatsappMessageSchema, deliveryOptionsSchema),
    sendExample: EXAMPLE_SEND,
    messageTypes: types as [string, ...string[]],
  };
}
