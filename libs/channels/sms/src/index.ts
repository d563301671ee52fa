export * from './lib/sms.channel';
export * from './lib/sms-config.schema';
export * from './lib/sms-message.schema';
export * from './lib/sms-limits';
export * from './lib/segments';
export { OPT_IN_KEYWORDS, OPT_OUT_KEYWORDS, STATUS_CALLBACK_MESSAGE_ID_PARAM } from './lib/sms-inbound';
export { twilioSignature, isValidTwilioSignature, type FormFields } from './lib/twilio-signature';
