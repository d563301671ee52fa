export { createSmsSimulator, SmsSimulator, type SmsSimulatorOptions, type SmsSimulatorLogLevel, type ListenOptions } from './lib/sms-simulator';
export {
  smsSeedSchema,
  smsSettingsSchema,
  recipientOutcomeSchema,
  callbackStatuses,
  E164,
  type SmsSeed,
  type ParsedSmsSeed,
  type SmsSettings,
  type SmsSettingsInput,
  type SmsAccount,
  type RecipientOutcome,
  type CallbackStatus,
} from './lib/seed/sms-seed.schema';
export { demoSmsSeed, SMS_DEMO_IDS, type DemoSmsSeed } from './lib/seed/demo-sms-seed';
export { twilioSignature, verifyTwilioSignature, parseForm, encodeForm, type FormParams } from './lib/callbacks/twilio-signature';
export type { CallbackDelivery, CallbackKind } from './lib/callbacks/callback.dispatcher';
export { countSegments, type SegmentCount, type SmsEncoding } from './lib/api/segments';
export { DELIVERY_ERRORS, type TwilioErrorBody } from './lib/api/twilio-error';
export { faultSpecSchema, faultKinds, smsRoutes, type FaultSpec, type Fault, type FaultKind, type SmsRoute } from './lib/control/fault.injector';
export { SmsControlError } from './lib/control/sms-control';
export { CONTROL_PREFIX } from './lib/control/control.routes';
export type { RecordedSmsRequest, SmsRequestFilter } from './lib/control/request.recorder';
export { OPT_OUT_KEYWORDS, OPT_IN_KEYWORDS, type InboundSmsInput, type InboundSmsResult } from './lib/messages/inbound.service';
export { API_VERSION, type SmsMessageRecord, type MessageStatus } from './lib/messages/message.record';
