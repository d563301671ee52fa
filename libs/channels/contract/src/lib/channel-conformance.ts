import { SwitchboardError } from '@switchboard/error-taxonomy';
import type { ChannelContext, ChannelEvent, ChannelPlugin, InboundRequest, PreparedMessage, ValidationContext } from './channel-plugin';
import { ChannelRegistry, ChannelRegistryError } from './channel-registry';

/** What a plugin's conformance run needs: bodies, and two sends against a vendor stand-in. */
export interface ConformanceFixtures<Config, Payload> {
  /** Request bodies messageSchema must accept (one per message type is a good start). */
  readonly validBodies: readonly unknown[];
  /** Request bodies messageSchema must refuse. */
  readonly invalidBodies: readonly unknown[];
  readonly validation: ValidationContext;
  /** A send the vendor (stand-in) accepts, built from a valid body's payload. */
  readonly acceptedSend: (payload: Payload) => { message: PreparedMessage<Payload>; ctx: ChannelContext<Config> };
  /** A send the vendor refuses. */
  readonly refusedSend: (payload: Payload) => { message: PreparedMessage<Payload>; ctx: ChannelContext<Config> };
  /** A connection config, for the rules on sendersOf(). */
  readonly config?: Config;
  /** Recipients normaliseRecipient() must accept (with what it makes of them) and refuse. */
  readonly recipients?: {
    readonly accepted: readonly { readonly input: string; readonly normalised: string }[];
    readonly refused: readonly string[];
  };
  /** Vendor callbacks: ones verify() must accept (parse() then runs on them) and ones it must refuse. */
  readonly inbound?: {
    readonly ctx: ChannelContext<Config>;
    readonly verified: readonly InboundRequest[];
    readonly refused: readonly InboundRequest[];
  };
}

const RECEIPT_STATUSES: ReadonlySet<string> = new Set(['sent', 'delivered', 'read', 'failed']);

/**
 * The channel contract as executable rules, for every plugin's spec: the host relies on
 * each of them (ids the registry takes, payloads that survive a jsonb round trip, one
 * thrown SwitchboardError per failed send, a classification for anything). Returns the
 * violations, empty when the plugin conforms.
 */
export async function checkChannelConformance<Config, Message, Payload>(
  plugin: ChannelPlugin<Config, Message, Payload>,
  fixtures: ConformanceFixtures<Config, Payload>,
): Promise<string[]> {
  const violations: string[] = [];
  try {
    new ChannelRegistry([plugin], [plugin.id]);
  } catch (error) {
    violations.push(`id: ${error instanceof ChannelRegistryError ? error.message : String(error)}`);
  }

  const payloads: Payload[] = [];
  for (const [i, body] of fixtures.validBodies.entries()) {
    const parsed = plugin.messageSchema.safeParse(body);
    if (!parsed.success) {
      violations.push(`validBodies[${i}] refused by messageSchema: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
      continue;
    }
    const issues = await plugin.validate(parsed.data, fixtures.validation);
    if (!Array.isArray(issues) || issues.some((issue) => !issue.code || typeof issue.path !== 'string' || typeof issue.issue !== 'string')) {
      violations.push(`validBodies[${i}]: validate() must resolve to Issue[] ({code, path, issue})`);
    }
    const payload = plugin.toPayload(parsed.data);
    const stored = JSON.stringify(payload);
    if (stored !== JSON.stringify(plugin.toPayload(parsed.data))) violations.push(`validBodies[${i}]: toPayload() is not deterministic`);
    if (JSON.stringify(JSON.parse(stored)) !== stored) violations.push(`validBodies[${i}]: toPayload() does not survive a JSON round trip`);
    payloads.push(payload);
  }
  fixtures.invalidBodies.forEach((body, i) => {
    if (plugin.messageSchema.safeParse(body).success) violations.push(`invalidBodies[${i}] accepted by messageSchema`);
  });

  const [payload] = payloads;
  if (payload === undefined) return [...violations, 'no valid body to send'];
  const accepted = fixtures.acceptedSend(payload);
  try {
    const result = await plugin.send(accepted.message, accepted.ctx);
    if (typeof result.providerMessageId !== 'string' || result.providerMessageId === '') violations.push('send(): providerMessageId must be a non-empty string');
    if (!(result.acceptedAt instanceof Date) || Number.isNaN(result.acceptedAt.getTime())) violations.push('send(): acceptedAt must be a valid Date');
  } catch (error) {
    violations.push(`send() of an accepted message threw: ${error instanceof Error ? error.message : String(error)}`);
  }
  const refused = fixtures.refusedSend(payload);
  try {
    await plugin.send(refused.message, refused.ctx);
    violations.push('send() of a refused message resolved');
  } catch (error) {
    if (!SwitchboardError.isSwitchboardError(error)) violations.push('send() must throw SwitchboardError');
    else if (plugin.classifyError(error).code !== error.code) violations.push("classifyError() of a send's error must agree with its code");
  }
  try {
    const classification = plugin.classifyError(new Error('not a vendor error'));
    if (typeof classification.code !== 'string' || typeof classification.retryable !== 'boolean') violations.push('classifyError() must classify anything');
  } catch {
    violations.push('classifyError() must not throw');
  }
  if (fixtures.config !== undefined) violations.push(...checkSenders(plugin, fixtures.config));
  if (fixtures.recipients) violations.push(...checkRecipients(plugin, fixtures.recipients));
  if (fixtures.inbound) violations.push(...checkInbound(plugin, fixtures.inbound));
  return violations;
}

/** The host resolves a request's `from` to a connection by these: distinct, non-empty, stable. */
function checkSenders<Config>(plugin: ChannelPlugin<Config, unknown, unknown>, config: Config): string[] {
  if (!plugin.sendersOf) return [];
  const senders = plugin.sendersOf(config);
  const violations: string[] = [];
  if (!Array.isArray(senders) || senders.some((sender) => typeof sender !== 'string' || sender === '')) {
    return ['sendersOf() must return non-empty strings'];
  }
  if (new Set(senders).size !== senders.length) violations.push('sendersOf() must not repeat an address');
  if (JSON.stringify(plugin.sendersOf(config)) !== JSON.stringify(senders)) violations.push('sendersOf() is not deterministic');
  return violations;
}

/** A normalised recipient is the stored `to`: normalising it again must change nothing. */
function checkRecipients<Config>(
  plugin: ChannelPlugin<Config, unknown, unknown>,
  recipients: NonNullable<ConformanceFixtures<Config, unknown>['recipients']>,
): string[] {
  const normalise = plugin.normaliseRecipient?.bind(plugin);
  if (!normalise) return ['recipients listed, but the plugin has no normaliseRecipient()'];
  const violations: string[] = [];
  for (const { input, normalised } of recipients.accepted) {
    try {
      const result = normalise(input);
      if (result !== normalised) violations.push(`normaliseRecipient(${JSON.stringify(input)}) gave ${JSON.stringify(result)}, not ${JSON.stringify(normalised)}`);
      else if (normalise(result) !== result) violations.push(`normaliseRecipient() is not idempotent on ${JSON.stringify(result)}`);
    } catch (error) {
      violations.push(`normaliseRecipient(${JSON.stringify(input)}) threw: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  for (const input of recipients.refused) {
    try {
      normalise(input);
      violations.push(`normaliseRecipient(${JSON.stringify(input)}) must throw`);
    } catch (error) {
      if (!SwitchboardError.isSwitchboardError(error)) violations.push(`normaliseRecipient(${JSON.stringify(input)}) must throw SwitchboardError`);
    }
  }
  return violations;
}

/**
 * verify() decides, never throws; parse() never throws on a verified request and gives the same
 * dedupe keys for a redelivery, distinct within one request; every event is well formed.
 */
function checkInbound<Config>(
  plugin: ChannelPlugin<Config, unknown, unknown>,
  inbound: NonNullable<ConformanceFixtures<Config, unknown>['inbound']>,
): string[] {
  if (!plugin.inbound) return ['inbound requests listed, but the plugin has no inbound verify/parse'];
  const { verify, parse } = plugin.inbound;
  const violations: string[] = [];
  const verdict = (request: InboundRequest, i: number, kind: string): boolean | undefined => {
    try {
      return verify(request, inbound.ctx);
    } catch (error) {
      violations.push(`inbound ${kind}[${i}]: verify() threw: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  };
  inbound.refused.forEach((request, i) => {
    if (verdict(request, i, 'refused') === true) violations.push(`inbound refused[${i}]: verify() accepted it`);
  });
  inbound.verified.forEach((request, i) => {
    if (verdict(request, i, 'verified') !== true) {
      violations.push(`inbound verified[${i}]: verify() refused it`);
      return;
    }
    let events: ChannelEvent[];
    try {
      events = parse(request);
    } catch (error) {
      violations.push(`inbound verified[${i}]: parse() threw: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const keys = events.map((event) => event.dedupeKey);
    if (new Set(keys).size !== keys.length) violations.push(`inbound verified[${i}]: dedupeKeys repeat within one request`);
    if (JSON.stringify(parse(request).map((event) => event.dedupeKey)) !== JSON.stringify(keys)) {
      violations.push(`inbound verified[${i}]: dedupeKeys differ when the same request is parsed again`);
    }
    events.forEach((event, j) => violations.push(...eventViolations(plugin, event).map((v) => `inbound verified[${i}] event ${j}: ${v}`)));
  });
  return violations;
}

function eventViolations<Config>(plugin: ChannelPlugin<Config, unknown, unknown>, event: ChannelEvent): string[] {
  const violations: string[] = [];
  if (typeof event.dedupeKey !== 'string' || event.dedupeKey === '') violations.push('dedupeKey must be a non-empty string');
  if (typeof event.providerMessageId !== 'string' || event.providerMessageId === '') violations.push('providerMessageId must be a non-empty string');
  if (!(event.occurredAt instanceof Date) || Number.isNaN(event.occurredAt.getTime())) violations.push('occurredAt must be a valid Date');
  switch (event.kind) {
    case 'status':
      if (!RECEIPT_STATUSES.has(event.status)) violations.push(`status ${JSON.stringify(event.status)} is not a receipt status`);
      if (event.status === 'failed' && !event.error) violations.push('a failed status must carry its classified error');
      break;
    case 'message':
      if (plugin.normaliseRecipient && !isNormalised(plugin.normaliseRecipient.bind(plugin), event.from)) {
        violations.push(`from ${JSON.stringify(event.from)} is not normalised as recipients are`);
      }
      break;
    default:
      violations.push(`kind ${JSON.stringify((event as { kind: unknown }).kind)} is neither status nor message`);
  }
  return violations;
}

function isNormalised(normalise: (to: string) => string, address: string): boolean {
  try {
    return normalise(address) === address;
  } catch {
    return false;
  }
}
