import type { ChannelContext, ChannelPlugin, Issue, PreparedMessage, SendResult } from '@switchboard/channel-contract';
import { classify, SwitchboardError, type Classification, type ClassifyInput } from '@switchboard/error-taxonomy';
import { WHATSAPP_MESSAGE_TYPES, whatsappMessageSchema, type WhatsAppMessage } from './schemas/whatsapp-message.schema';
import { whatsappConfigSchema, type WhatsAppConfig } from './whatsapp-config.schema';
import type { MediaPreflight } from './media-preflight';
import { DEFAULT_URL_SHORTENERS, type MediaKind } from './whatsapp-limits';
import { toWhatsAppPayload, type WhatsAppPayload } from './whatsapp-payload';
import { validateWhatsAppMessage } from './whatsapp-message.validator';

export const WHATSAPP_CHANNEL_ID = 'whatsapp';

export interface WhatsAppChannelOptions {
  /** Hosts whose media links are refused as URL shorteners (subdomains included). */
  readonly urlShorteners?: readonly string[];
  /** Checks a media link before the send (the worker's); none: links go to Meta unchecked. */
  readonly mediaPreflight?: MediaPreflight;
}

const MEDIA_KINDS: ReadonlySet<string> = new Set<MediaKind>(['image', 'video', 'audio', 'document', 'sticker']);

export type WhatsAppChannelPlugin = ChannelPlugin<WhatsAppConfig, WhatsAppMessage, WhatsAppPayload>;

/** The WhatsApp Cloud API channel: Meta's message shapes and limits, one Graph call per send. */
export class WhatsAppChannel implements WhatsAppChannelPlugin {
  readonly id = WHATSAPP_CHANNEL_ID;
  readonly configSchema = whatsappConfigSchema;
  readonly messageSchema = whatsappMessageSchema;
  readonly messageTypes = WHATSAPP_MESSAGE_TYPES;
  private readonly shorteners: readonly string[];
  private readonly preflight: MediaPreflight | undefined;

  constructor(options: WhatsAppChannelOptions = {}) {
    this.shorteners = (options.urlShorteners ?? DEFAULT_URL_SHORTENERS).map((host) => host.toLowerCase());
    this.preflight = options.mediaPreflight;
  }

  async validate(message: WhatsAppMessage): Promise<Issue[]> {
    return validateWhatsAppMessage(message, this.shorteners);
  }

  toPayload(message: WhatsAppMessage): WhatsAppPayload {
    return toWhatsAppPayload(message);
  }

  /**
   * One Graph call. The gateway's message id rides in `biz_opaque_callback_data`, which Meta
   * echoes in every status webhook: a status still finds its message when this call's answer
   * (and so the wamid) is lost. Graph failures arrive classified from the client.
   */
  async send(message: PreparedMessage<WhatsAppPayload>, ctx: ChannelContext<WhatsAppConfig>): Promise<SendResult> {
    // The registry hands plugins untyped configs; a host bug must fail here, not as a Graph call without a token.
    const config = this.configSchema.safeParse(ctx.config);
    if (!config.success) {
      throw new SwitchboardError({ code: 'internal_error', message: 'The WhatsApp channel was called without its config (accessToken, graph)' });
    }
    const { accessToken, graph } = config.data;
    const response = await graph.sendMessage(
      message.from,
      { ...message.payload, to: message.to, biz_opaque_callback_data: message.id },
      { accessToken, ...(ctx.signal ? { signal: ctx.signal } : {}) },
    );
    return {
      providerMessageId: response.data.wamid,
      acceptedAt: ctx.now(),
      ...(response.data.messageStatus !== undefined ? { providerStatus: response.data.messageStatus } : {}),
      ...(response.usage ? { usage: { maxPercentage: response.usage.maxPercentage, estimatedTimeToRegainAccessMs: response.usage.estimatedTimeToRegainAccessMs } } : {}),
    };
  }

  /** The media link's preflight (a HEAD to the tenant's host), which the host runs before it takes the number's slot. */
  async prepare({ payload }: PreparedMessage<WhatsAppPayload>): Promise<void> {
    if (!this.preflight || !MEDIA_KINDS.has(payload.type)) return;
    const kind = payload.type as MediaKind;
    const link = ((payload as Record<string, unknown>)[kind] as { link?: unknown } | undefined)?.link;
    if (typeof link === 'string') await this.preflight.assertUsable(kind, link, `${kind}.link`);
  }

  classifyError(error: unknown): Classification {
    if (SwitchboardError.isSwitchboardError(error) && error.classification) return error.classification;
    // classify() reads untrusted shapes defensively: anything unrecognised becomes `unknown`.
    return classify(error as ClassifyInput);
  }
}
