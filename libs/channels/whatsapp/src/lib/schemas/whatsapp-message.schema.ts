import { messageMetadataSchema } from '@switchboard/channel-contract';
import { z } from 'zod';
import { WHATSAPP_LIMITS as L } from '../whatsapp-limits';
import { choiceSchema } from './choice.schema';
import { contactCardSchema } from './contact-card.schema';
import { interactiveSchema } from './interactive.schema';
import { locationSchema } from './location.schema';
import { audioMediaSchema, captionedMediaSchema, documentMediaSchema, stickerMediaSchema } from './media.schema';
import { limitedText } from './schema-helpers';
import { templateSchema } from './template.schema';

const envelope = {
  from: z.string().min(1).max(32).describe("phone_number_id or display number of one of this environment's numbers"),
  to: z.string().min(1).max(32).describe('recipient phone number; normalised to E.164 digits'),
  recipient_type: z.literal('individual', { error: 'only individual recipients: group messages are not supported' }).optional(),
  metadata: messageMetadataSchema.optional(),
};
const context = z.strictObject({ message_id: z.string().min(1).max(255) }).optional().describe('reply to this message (quoted)');
const common = { ...envelope, context };

const textMessage = z.strictObject({
  ...common,
  type: z.literal('text'),
  text: z.strictObject({ body: limitedText(L.textBody), preview_url: z.boolean().optional() }),
});
const templateMessage = z.strictObject({ ...common, type: z.literal('template'), template: templateSchema });
const imageMessage = z.strictObject({ ...common, type: z.literal('image'), image: captionedMediaSchema });
const videoMessage = z.strictObject({ ...common, type: z.literal('video'), video: captionedMediaSchema });
const documentMessage = z.strictObject({ ...common, type: z.literal('document'), document: documentMediaSchema });
const audioMessage = z.strictObject({ ...common, type: z.literal('audio'), audio: audioMediaSchema });
const stickerMessage = z.strictObject({ ...common, type: z.literal('sticker'), sticker: stickerMediaSchema });
const interactiveMessage = z.strictObject({ ...common, type: z.literal('interactive'), interactive: interactiveSchema });
const locationMessage = z.strictObject({ ...common, type: z.literal('location'), location: locationSchema });
const contactsMessage = z.strictObject({
  ...common,
  type: z.literal('contacts'),
  contacts: z.array(contactCardSchema).min(1, 'at least 1 contact').max(L.contacts, `at most ${L.contacts} contacts (Meta's limit)`),
});
// Emoji code points, skin tones, flags, keycaps and joiners; plain digits, # and * are emoji components but not emoji.
const isEmoji = (text: string) => /^(?:\p{Extended_Pictographic}|\p{Emoji_Component}|\u200d|\ufe0f|\u20e3)+$/u.test(text) && !/^[0-9#*]+$/.test(text);

// Meta refuses `context` on reactions: the reaction's message_id already names the message.
const reactionMessage = z.strictObject({
  ...envelope,
  type: z.literal('reaction'),
  reaction: z.strictObject({
    message_id: z.string().min(1).max(255),
    emoji: z
      .string()
      .max(L.reactionEmoji, `one emoji (at most ${L.reactionEmoji} characters)`)
      .refine((emoji) => emoji === '' || isEmoji(emoji), 'an emoji, or empty to remove the reaction')
      .describe('an emoji; empty removes the reaction'),
  }),
});
const choiceMessage = z.strictObject({ ...common, type: z.literal('choice'), choice: choiceSchema });

const messageSchemas = [
  textMessage,
  templateMessage,
  imageMessage,
  documentMessage,
  audioMessage,
  videoMessage,
  stickerMessage,
  interactiveMessage,
  locationMessage,
  contactsMessage,
  reactionMessage,
  choiceMessage,
] as const;

export type WhatsAppMessageType = (typeof messageSchemas)[number]['shape']['type']['value'];
export const WHATSAPP_MESSAGE_TYPES: readonly WhatsAppMessageType[] = messageSchemas.map((schema) => schema.shape.type.value);

/** POST /v1/messages for WhatsApp: Meta's message object without `messaging_product`, plus `from`, `metadata` and `choice`. */
export const whatsappMessageSchema = z.discriminatedUnion('type', messageSchemas, {
  error: `type must be one of ${WHATSAPP_MESSAGE_TYPES.join(', ')}`,
});
export type WhatsAppMessage = z.infer<typeof whatsappMessageSchema>;
