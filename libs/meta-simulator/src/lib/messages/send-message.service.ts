import { randomBytes } from 'node:crypto';
import { GraphError, objectNotFound } from '../graph/graph-error';
import { paramError } from '../graph/param-error.mapper';
import type { SimulatorContext } from '../simulator-context';
import { displayDigits, type OutboundMessageRecord, type PhoneNumberRecord, type TokenRecord } from '../state/simulator-state';
import { checkTemplateParameters } from '../templates/template-params';
import {
  isMessageType,
  markReadSchema,
  messageEnvelopeSchema,
  messageTypeSchemas,
  type MessageType,
  type TemplateSend,
} from './send-message.schema';

export interface SendResponse {
  messaging_product: 'whatsapp';
  contacts: { input: string; wa_id: string }[];
  messages: { id: string; message_status?: 'accepted' }[];
}

export type SendOutcome = SendResponse | { success: true };

let wamidCounter = 0;
/** Drawn once: a random source per message costs a syscall each, which showed in benchmarks. */
const processPrefix = randomBytes(6).toString('hex');

/** Unique (process prefix, time, counter), opaque and recognisably simulated (Meta's wamids are base64 blobs too). */
export function newWamid(): string {
  wamidCounter += 1;
  return `wamid.${Buffer.from(`SIM.${processPrefix}.${Date.now().toString(36)}.${wamidCounter.toString(36)}`).toString('base64url')}`;
}

/** Graph v23.0 and older still put `conversation` on status webhooks. */
function isLegacyVersion(version: string): boolean {
  const major = Number(/^v(\d+)/.exec(version)?.[1] ?? '0');
  return major > 0 && major <= 23;
}

function asObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new GraphError(100, { details: 'The request body must be a JSON object.' });
  }
  return body as Record<string, unknown>;
}

/** Media ids that do not exist make Meta accept the send and fail it later with 131053. */
function mediaIdsIn(type: MessageType, payload: unknown): string[] {
  const ids: string[] = [];
  const visit = (value: unknown, key?: string) => {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      value.forEach((item) => visit(item));
      return;
    }
    const record = value as Record<string, unknown>;
    if (key && ['image', 'video', 'audio', 'document', 'sticker'].includes(key) && typeof record['id'] === 'string') {
      ids.push(record['id']);
    }
    for (const [childKey, child] of Object.entries(record)) visit(child, childKey);
  };
  visit(payload, type);
  return ids;
}

/**
 * One `POST /<PHONE_NUMBER_ID>/messages`, checked in the order Meta's answers
 * suggest: token and permission, number ownership, registration, request
 * shape, throughput, the customer service window, the template, the pair rate.
 * Only then is the message accepted and its status webhooks scheduled. Time-based checks use
 * `receivedAt`, when the call arrived.
 */
export function sendMessage(
  ctx: SimulatorContext,
  token: TokenRecord,
  phoneNumberId: string,
  rawBody: unknown,
  version: string,
  receivedAt: number,
): SendOutcome {
  const phone = ctx.state.phoneNumbers.get(phoneNumberId);
  if (!phone || !token.wabaIds.includes(phone.wabaId)) throw objectNotFound(phoneNumberId, 'post');
  const body = asObject(rawBody);

  if (body['status'] !== undefined) return markAsRead(ctx, phone, body);

  if (!phone.registered) throw new GraphError(133010);

  const envelope = messageEnvelopeSchema.safeParse(body);
  if (!envelope.success) throw paramError(envelope.error.issues, body);
  const type = envelope.data.type ?? 'text';
  if (!isMessageType(type)) {
    throw new GraphError(100, {
      details: `Param type must be one of {${Object.keys(messageTypeSchemas).join(', ').toUpperCase()}}`,
    });
  }
  const payload = body[type];
  if (payload === undefined) throw new GraphError(131008, { details: `The parameter ${type} is required.` });
  const parsed = messageTypeSchemas[type].safeParse(payload);
  if (!parsed.success) throw paramError(parsed.error.issues, payload, [type]);

  const waId = envelope.data.to.replace(/\D/g, '');
  if (waId.length < 7 || waId.length > 15) {
    throw new GraphError(131009, { details: `Param to is not a valid phone number: ${envelope.data.to}` });
  }
  if (waId === displayDigits(phone)) throw new GraphError(131021);

  const now = receivedAt;
  // Throughput counts every authenticated, well-formed call: that is what the number's pipe carries.
  if (!ctx.throughput.tryAcquire(phone.id, phone.mps, now)) throw new GraphError(130429);

  const insideWindow = ctx.windows.isOpen(phone.id, waId, now);
  if (type !== 'template' && !insideWindow) throw new GraphError(131047);

  let pricingCategory = 'service';
  let templateName: string | undefined;
  let templateLanguage: string | undefined;
  if (type === 'template') {
    const send = parsed.data as TemplateSend;
    const template = ctx.state.findTemplate(phone.wabaId, send.name, send.language.code);
    if (!template) {
      throw new GraphError(132001, { details: `template name (${send.name}) does not exist in ${send.language.code}` });
    }
    switch (template.status) {
      case 'APPROVED':
        break;
      case 'PAUSED':
        throw new GraphError(132015, { details: `Template ${send.name} (${send.language.code}) is paused due to low quality.` });
      case 'DISABLED':
        throw new GraphError(132016, { details: `Template ${send.name} (${send.language.code}) is disabled.` });
      case 'PENDING':
      case 'REJECTED':
      case 'IN_APPEAL':
      case 'PENDING_DELETION':
      case 'DELETED':
      case 'ARCHIVED':
      case 'LIMIT_EXCEEDED':
        throw new GraphError(132001, { details: `template name (${send.name}) does not exist in ${send.language.code}` });
    }
    const problem = checkTemplateParameters(template, send.components ?? []);
    if (problem) throw problem;
    pricingCategory = template.category.toLowerCase();
    templateName = template.name;
    templateLanguage = template.language;
  }

  if (!ctx.pairRate.canSend(phone.id, waId, now)) throw new GraphError(131056);
  ctx.pairRate.take(phone.id, waId, now);

  const message: OutboundMessageRecord = {
    id: newWamid(),
    phoneNumberId: phone.id,
    wabaId: phone.wabaId,
    to: waId,
    type,
    templateName,
    templateLanguage,
    pricingCategory,
    insideWindow,
    bizOpaqueCallbackData: envelope.data.biz_opaque_callback_data,
    legacyConversation: isLegacyVersion(version),
    conversationId: isLegacyVersion(version) ? randomBytes(16).toString('hex') : '',
    acceptedAt: now,
    body,
    statuses: [{ status: 'accepted', at: now }],
  };
  ctx.state.rememberOutbound(message, ctx.settings().recordLimit);
  ctx.scheduler.schedule(message, asyncFailure(ctx, phone, type, payload));

  return {
    messaging_product: 'whatsapp',
    contacts: [{ input: envelope.data.to, wa_id: waId }],
    messages: [{ id: message.id, ...(type === 'template' && { message_status: 'accepted' as const }) }],
  };
}

/** Failures Meta only reports later, in a `failed` status webhook. */
function asyncFailure(ctx: SimulatorContext, phone: PhoneNumberRecord, type: MessageType, payload: unknown): number | undefined {
  if (mediaIdsIn(type, payload).some((id) => ctx.state.media.get(id)?.wabaId !== phone.wabaId)) return 131053;
  if (type === 'reaction') {
    const target = (payload as { message_id: string }).message_id;
    if (!ctx.state.inbound.has(target) && !ctx.state.outbound.has(target)) return 131009;
  }
  return undefined;
}

function markAsRead(ctx: SimulatorContext, phone: PhoneNumberRecord, body: Record<string, unknown>): { success: true } {
  const parsed = markReadSchema.safeParse(body);
  if (!parsed.success) throw paramError(parsed.error.issues, body);
  const inbound = ctx.state.inbound.get(parsed.data.message_id);
  if (!inbound || inbound.phoneNumberId !== phone.id) {
    throw new GraphError(100, { details: `Param message_id is not a message received by this phone number: ${parsed.data.message_id}` });
  }
  return { success: true };
}
