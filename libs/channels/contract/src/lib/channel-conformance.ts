import { SwitchboardError } from '@switchboard/error-taxonomy';
import type { ChannelContext, ChannelPlugin, PreparedMessage, ValidationContext } from './channel-plugin';
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
}

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
  return violations;
}
