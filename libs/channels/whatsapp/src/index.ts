export * from './lib/whatsapp.channel';
export * from './lib/whatsapp-config.schema';
export * from './lib/whatsapp-limits';
export * from './lib/media-preflight';
export * from './lib/whatsapp-payload';
export * from './lib/choice.expansion';
export * from './lib/unfilled-placeholder';
export { whatsappMessageSchema, WHATSAPP_MESSAGE_TYPES, type WhatsAppMessage, type WhatsAppMessageType } from './lib/schemas/whatsapp-message.schema';
export type { Choice } from './lib/schemas/choice.schema';
