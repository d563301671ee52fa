import type { ChannelPlugin } from '@switchboard/channel-contract';
import { SmsChannel } from '@switchboard/channel-sms';
import { MediaPreflight, WhatsAppChannel, type MediaPreflightOptions } from '@switchboard/channel-whatsapp';

/** What the apps tell the built-in plugins. */
export interface ChannelOptions {
  /** Hosts refused as URL shorteners in WhatsApp media links; default the channel's list. */
  readonly urlShorteners?: readonly string[];
  /** The worker checks media links before it sends (private targets per its NODE_ENV); the gateway does not. */
  readonly mediaPreflight?: MediaPreflightOptions;
}

/**
 * The channels every gateway and worker load, in registry order. `npx nx g @switchboard/tools:channel`
 * adds a generated channel after the marker line.
 */
export const BUILT_IN_CHANNELS: ((options: ChannelOptions) => ChannelPlugin)[] = [
  (options) =>
    new WhatsAppChannel({
      ...(options.urlShorteners ? { urlShorteners: options.urlShorteners } : {}),
      ...(options.mediaPreflight ? { mediaPreflight: new MediaPreflight(options.mediaPreflight) } : {}),
    }) as ChannelPlugin,
  () => new SmsChannel() as ChannelPlugin,
  // channels:
];
