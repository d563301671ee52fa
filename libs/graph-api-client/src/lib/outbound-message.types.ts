/**
 * Meta's message object for `POST /{phone-number-id}/messages` (reference §4),
 * without `messaging_product`, which the client adds. Field names stay Meta's
 * so a body validated upstream passes through unchanged.
 */

export interface MediaRef {
  /** An uploaded media id (recommended) ... */
  readonly id?: string;
  /** ... or an https link (Meta caches it for 10 minutes by exact URL). */
  readonly link?: string;
}

export interface CaptionedMedia extends MediaRef {
  readonly caption?: string;
}

export interface TextParameter {
  readonly type: 'text';
  readonly text: string;
  readonly parameter_name?: string;
}
export interface CurrencyParameter {
  readonly type: 'currency';
  readonly currency: { readonly fallback_value: string; readonly code: string; readonly amount_1000: number };
  readonly parameter_name?: string;
}
export interface DateTimeParameter {
  readonly type: 'date_time';
  readonly date_time: { readonly fallback_value: string };
  readonly parameter_name?: string;
}
export interface MediaParameter {
  readonly type: 'image' | 'video' | 'document';
  readonly image?: MediaRef;
  readonly video?: MediaRef;
  readonly document?: MediaRef & { readonly filename?: string };
}
export interface LocationParameter {
  readonly type: 'location';
  readonly location: LocationBody;
}
export interface PayloadParameter {
  readonly type: 'payload';
  readonly payload: string;
}
export interface CouponParameter {
  readonly type: 'coupon_code';
  readonly coupon_code: string;
}
export interface ActionParameter {
  readonly type: 'action';
  readonly action: Readonly<Record<string, unknown>>;
}

export type TemplateParameter =
  | TextParameter
  | CurrencyParameter
  | DateTimeParameter
  | MediaParameter
  | LocationParameter
  | PayloadParameter
  | CouponParameter
  | ActionParameter;

export interface TemplateComponent {
  readonly type: 'header' | 'body' | 'button' | 'carousel' | 'limited_time_offer';
  readonly sub_type?: 'quick_reply' | 'url' | 'copy_code' | 'flow' | 'catalog' | 'voice_call' | (string & {});
  /** 0-based button position as a string, "0"-"9". */
  readonly index?: string;
  readonly parameters?: readonly TemplateParameter[];
}

export interface TemplateBody {
  readonly name: string;
  readonly language: { readonly code: string; readonly policy?: 'deterministic' };
  readonly components?: readonly TemplateComponent[];
}

export interface LocationBody {
  readonly latitude: number | string;
  readonly longitude: number | string;
  readonly name?: string;
  readonly address?: string;
}

export interface ContactCard {
  readonly name: {
    readonly formatted_name: string;
    readonly first_name?: string;
    readonly last_name?: string;
    readonly middle_name?: string;
    readonly suffix?: string;
    readonly prefix?: string;
  };
  readonly phones?: readonly { readonly phone?: string; readonly wa_id?: string; readonly type?: string }[];
  readonly emails?: readonly { readonly email?: string; readonly type?: string }[];
  readonly addresses?: readonly Readonly<Record<string, string>>[];
  readonly org?: Readonly<Record<string, string>>;
  readonly urls?: readonly { readonly url?: string; readonly type?: string }[];
  readonly birthday?: string;
}

export type InteractiveHeader =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'image'; readonly image: MediaRef }
  | { readonly type: 'video'; readonly video: MediaRef }
  | { readonly type: 'document'; readonly document: MediaRef & { readonly filename?: string } };

interface InteractiveCommon {
  readonly header?: InteractiveHeader;
  readonly body: { readonly text: string };
  readonly footer?: { readonly text: string };
}

export interface InteractiveButton extends InteractiveCommon {
  readonly type: 'button';
  readonly action: {
    readonly buttons: readonly { readonly type: 'reply'; readonly reply: { readonly id: string; readonly title: string } }[];
  };
}

export interface InteractiveList extends InteractiveCommon {
  readonly type: 'list';
  readonly action: {
    readonly button: string;
    readonly sections: readonly {
      readonly title?: string;
      readonly rows: readonly { readonly id: string; readonly title: string; readonly description?: string }[];
    }[];
  };
}

export interface InteractiveCtaUrl extends InteractiveCommon {
  readonly type: 'cta_url';
  readonly action: {
    readonly name: 'cta_url';
    readonly parameters: { readonly display_text: string; readonly url: string };
  };
}

export type InteractiveBody = InteractiveButton | InteractiveList | InteractiveCtaUrl;

interface MessageCommon {
  readonly to: string;
  readonly recipient_type?: 'individual' | 'group';
  /** Quoted reply; not allowed on reactions. */
  readonly context?: { readonly message_id: string };
  /** Echoed in status webhooks: the correlation key when the send's answer is lost. */
  readonly biz_opaque_callback_data?: string;
  readonly recipient_identity_key_hash?: string;
}

export type OutboundMessage = MessageCommon &
  (
    | { readonly type: 'text'; readonly text: { readonly body: string; readonly preview_url?: boolean } }
    | { readonly type: 'template'; readonly template: TemplateBody }
    | { readonly type: 'image'; readonly image: CaptionedMedia }
    | { readonly type: 'video'; readonly video: CaptionedMedia }
    | { readonly type: 'document'; readonly document: CaptionedMedia & { readonly filename?: string } }
    | { readonly type: 'audio'; readonly audio: MediaRef & { readonly voice?: boolean } }
    | { readonly type: 'sticker'; readonly sticker: MediaRef }
    | { readonly type: 'reaction'; readonly reaction: { readonly message_id: string; readonly emoji: string } }
    | { readonly type: 'location'; readonly location: LocationBody }
    | { readonly type: 'contacts'; readonly contacts: readonly ContactCard[] }
    | { readonly type: 'interactive'; readonly interactive: InteractiveBody }
  );

export type OutboundMessageType = OutboundMessage['type'];
