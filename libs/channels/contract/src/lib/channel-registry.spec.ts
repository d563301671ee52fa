import { classify } from '@switchboard/error-taxonomy';
import { z } from 'zod';
import type { ChannelPlugin } from './channel-plugin';
import { ChannelRegistry, ChannelRegistryError } from './channel-registry';

function plugin(id: string): ChannelPlugin<{ token: string }, { to: string }, { to: string }> {
  return {
    id,
    configSchema: z.object({ token: z.string() }),
    messageSchema: z.object({ to: z.string() }),
    validate: async () => [],
    toPayload: (message) => message,
    send: async () => ({ providerMessageId: `${id}-1`, acceptedAt: new Date(0) }),
    classifyError: () => classify({ type: 'transport', reason: 'timeout' }),
  };
}

describe('ChannelRegistry', () => {
  it('serves every registered plugin by id', () => {
    const registry = new ChannelRegistry([plugin('whatsapp'), plugin('sms')], ['whatsapp']);
    expect(registry.ids()).toEqual(['whatsapp', 'sms']);
    expect(registry.get('sms').id).toBe('sms');
    expect(registry.has('email')).toBe(false);
  });

  it('refuses to boot on a duplicate id', () => {
    expect(() => new ChannelRegistry([plugin('whatsapp'), plugin('whatsapp')])).toThrow(
      new ChannelRegistryError('Two channel plugins share the id "whatsapp"'),
    );
  });

  it('refuses to boot when a required channel has no plugin', () => {
    expect(() => new ChannelRegistry([plugin('sms')], ['whatsapp', 'sms'])).toThrow(/No channel plugin registered for: whatsapp$/);
  });

  it('refuses ids that are not lowercase slugs', () => {
    expect(() => new ChannelRegistry([plugin('WhatsApp')])).toThrow(ChannelRegistryError);
  });

  it('names the unknown id when asked for a plugin it does not have', () => {
    expect(() => new ChannelRegistry([plugin('sms')]).get('whatsapp')).toThrow(/"whatsapp"/);
  });
});
