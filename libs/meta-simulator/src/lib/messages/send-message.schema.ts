import { z } from 'zod';

/**
 * Request shapes and limits of Meta's send API (reference §4.1). Objects are
 * loose where Meta accepts more fields than the simulator checks.
 */

const httpLink = z.string().refine((value) => {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}, 'must be a valid http(s) URL');

function media(kind: string, options: { caption: boolean; filename: boolean }) {
  return z
    .looseObject({
      id: z.string().min(1).optional(),
      link: httpLink.optional(),
      caption: options.caption ? z.string().max(1024).optional() : z.never().optional(),
      filename: options.filename ? z.string().max(240).optional() : z.unknown().optional(),
    })
    .refine((value) => value.id !== undefined || value.link !== undefined, {
      message: `The parameter ${kind}['id'] or ${kind}['link'] is required.`,
      params: { missing: true },
    });
}

const imageSchema = media('image', { caption: true, filename: false });
const videoSchema = media('video', { caption: true, filename: false });
const documentSchema = media('document', { caption: true, filename: true });
// `voice: true` marks a voice note; the loose object lets it through.
const audioSchema = media('audio', { caption: false, filename: false });
const stickerSchema = media('sticker', { caption: false, filename: false });

const coordinate = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]);

const locationSchema = z.looseObject({
  latitude: coordinate,
  longitude: coordinate,
  name: z.string().max(1000).optional(),
  address: z.string().max(1000).optional(),
});

const contactSchema = z.looseObject({
  name: z.looseObject({ formatted_name: z.string().min(1) }),
  phones: z.array(z.looseObject({ phone: z.string().optional(), wa_id: z.string().optional(), type: z.string().optional() })).optional(),
  emails: z.array(z.looseObject({})).optional(),
  addresses: z.array(z.looseObject({})).optional(),
  urls: z.array(z.looseObject({})).optional(),
  org: z.looseObject({}).optional(),
  birthday: z.string().optional(),
});

const textSchema = z.looseObject({
  body: z.string().min(1).max(4096),
  preview_url: z.boolean().optional(),
});

const reactionSchema = z.looseObject({
  message_id: z.string().min(1),
  // An empty emoji removes the reaction.
  emoji: z.string().max(32).optional(),
});

const interactiveHeader = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text'), text: z.string().min(1).max(60) }),
  z.looseObject({ type: z.literal('image'), image: imageSchema }),
  z.looseObject({ type: z.literal('video'), video: videoSchema }),
  z.looseObject({ type: z.literal('document'), document: documentSchema }),
]);

const footer = z.looseObject({ text: z.string().min(1).max(60) });

const buttonInteractive = z.looseObject({
  type: z.literal('button'),
  header: interactiveHeader.optional(),
  body: z.looseObject({ text: z.string().min(1).max(1024) }),
  footer: footer.optional(),
  action: z.looseObject({
    buttons: z
      .array(
        z.looseObject({
          type: z.literal('reply'),
          reply: z.looseObject({ id: z.string().min(1).max(256), title: z.string().min(1).max(20) }),
        }),
      )
      .min(1)
      .max(3)
      .refine((buttons) => new Set(buttons.map((button) => button.reply.title)).size === buttons.length, 'button titles must be unique')
      .refine((buttons) => new Set(buttons.map((button) => button.reply.id)).size === buttons.length, 'button ids must be unique'),
  }),
});

const listInteractive = z.looseObject({
  type: z.literal('list'),
  header: z.looseObject({ type: z.literal('text'), text: z.string().min(1).max(60) }).optional(),
  body: z.looseObject({ text: z.string().min(1).max(4096) }),
  footer: footer.optional(),
  action: z
    .looseObject({
      button: z.string().min(1).max(20),
      sections: z
        .array(
          z.looseObject({
            title: z.string().min(1).max(24).optional(),
            rows: z
              .array(
                z.looseObject({
                  id: z.string().min(1).max(200),
                  title: z.string().min(1).max(24),
                  description: z.string().max(72).optional(),
                }),
              )
              .min(1)
              .max(10),
          }),
        )
        .min(1)
        .max(10),
    })
    .refine((action) => action.sections.reduce((total, section) => total + section.rows.length, 0) <= 10, {
      message: 'must have at most 10 rows in total',
      path: ['sections'],
    })
    .refine((action) => action.sections.length === 1 || action.sections.every((section) => section.title !== undefined), {
      message: 'section titles are required when there is more than one section',
      path: ['sections'],
    })
    .refine(
      (action) => {
        const ids = action.sections.flatMap((section) => section.rows.map((row) => row.id));
        return new Set(ids).size === ids.length;
      },
      { message: 'row ids must be unique', path: ['sections'] },
    ),
});

const ctaUrlInteractive = z.looseObject({
  type: z.literal('cta_url'),
  header: interactiveHeader.optional(),
  body: z.looseObject({ text: z.string().min(1).max(1024) }),
  footer: footer.optional(),
  action: z.looseObject({
    name: z.literal('cta_url'),
    parameters: z.looseObject({ display_text: z.string().min(1).max(20), url: httpLink }),
  }),
});

const interactiveSchema = z.discriminatedUnion('type', [buttonInteractive, listInteractive, ctaUrlInteractive]);

const templateParameterSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text'), text: z.string().min(1).max(32768), parameter_name: z.string().optional() }),
  z.looseObject({
    type: z.literal('currency'),
    currency: z.looseObject({ fallback_value: z.string().min(1), code: z.string().length(3), amount_1000: z.number().int() }),
    parameter_name: z.string().optional(),
  }),
  z.looseObject({
    type: z.literal('date_time'),
    date_time: z.looseObject({ fallback_value: z.string().min(1) }),
    parameter_name: z.string().optional(),
  }),
  z.looseObject({ type: z.literal('image'), image: imageSchema }),
  z.looseObject({ type: z.literal('video'), video: videoSchema }),
  z.looseObject({ type: z.literal('document'), document: documentSchema }),
  z.looseObject({ type: z.literal('location'), location: locationSchema }),
  z.looseObject({ type: z.literal('payload'), payload: z.string().min(1) }),
  z.looseObject({ type: z.literal('coupon_code'), coupon_code: z.string().min(1).max(20) }),
  z.looseObject({ type: z.literal('action'), action: z.looseObject({}) }),
]);

export type TemplateParameter = z.infer<typeof templateParameterSchema>;

const templateComponentSchema = z.looseObject({
  type: z
    .string()
    .transform((value) => value.toLowerCase())
    .pipe(z.enum(['header', 'body', 'button'])),
  sub_type: z.string().optional(),
  index: z.union([z.string().regex(/^\d$/), z.number().int().min(0).max(9)]).optional(),
  parameters: z.array(templateParameterSchema).optional(),
});

export type TemplateSendComponent = z.infer<typeof templateComponentSchema>;

const templateSchema = z.looseObject({
  name: z.string().min(1).max(512),
  language: z.looseObject({ code: z.string().min(1), policy: z.literal('deterministic').optional() }),
  components: z.array(templateComponentSchema).optional(),
});

export type TemplateSend = z.infer<typeof templateSchema>;

/** The `type` values Meta's send API accepts, each with the object that must accompany it. */
export const messageTypeSchemas = {
  text: textSchema,
  template: templateSchema,
  image: imageSchema,
  video: videoSchema,
  audio: audioSchema,
  document: documentSchema,
  sticker: stickerSchema,
  interactive: interactiveSchema,
  location: locationSchema,
  contacts: z.array(contactSchema).min(1).max(257),
  reaction: reactionSchema,
} as const;

export type MessageType = keyof typeof messageTypeSchemas;

export function isMessageType(value: string): value is MessageType {
  return Object.hasOwn(messageTypeSchemas, value);
}

export const messageEnvelopeSchema = z.looseObject({
  messaging_product: z.literal('whatsapp'),
  recipient_type: z.literal('individual').optional(),
  to: z.string().min(1).max(64),
  type: z.string().optional(),
  context: z.looseObject({ message_id: z.string().min(1) }).optional(),
  biz_opaque_callback_data: z.string().max(512).optional(),
});

export type MessageEnvelope = z.infer<typeof messageEnvelopeSchema>;

export const markReadSchema = z.looseObject({
  messaging_product: z.literal('whatsapp'),
  status: z.literal('read'),
  message_id: z.string().min(1),
  typing_indicator: z.looseObject({ type: z.literal('text') }).optional(),
});
