export {
  createMetaSimulator,
  MetaSimulator,
  type ListenOptions,
  type MetaSimulatorOptions,
  type SimulatorLogLevel,
} from './lib/meta-simulator';
export {
  simulatorSeedSchema,
  simulationSettingsSchema,
  parseSimulatorSeed,
  WHATSAPP_MESSAGING_SCOPE,
  WHATSAPP_MANAGEMENT_SCOPE,
  type SimulatorSeed,
  type ParsedSimulatorSeed,
  type SimulationSettings,
  type SimulationSettingsInput,
  type TemplateStatus,
  type TemplateCategory,
  type QualityRating,
  type ThroughputLevel,
  type MessagingLimitTier,
} from './lib/seed/simulator-seed.schema';
export { demoSeed, DEMO_IDS, type DemoSeed } from './lib/seed/demo-seed';
export { seededRandom, type RandomSource } from './lib/util/seeded-random';
export { SimulatorControlError, type InboundResult, type RequestFilter } from './lib/control/simulator-control';
export type { InboundMessageInput, TemplateStatusChange, PhoneNumberPatch, AddTokenInput } from './lib/control/control.schemas';
export { faultSpecSchema, type FaultSpec, type Fault, type FaultKind } from './lib/control/fault.injector';
export { routeKinds, type RouteKind } from './lib/control/route-kind';
export type { RecordedRequest } from './lib/control/request.recorder';
export type { WebhookDelivery } from './lib/webhooks/webhook.dispatcher';
export type { WebhookEnvelope, StatusPayload } from './lib/webhooks/webhook-payload.builders';
export { serializeLikeMeta, signatureHeader } from './lib/webhooks/webhook.signer';
export type { OutboundMessageRecord, TokenRecord, PhoneNumberRecord, TemplateRecord } from './lib/state/simulator-state';
