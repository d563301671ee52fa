import { isDeepStrictEqual } from 'node:util';
import type { ChannelContext, ChannelEvent, ChannelLogger, ChannelPlugin, InboundRequest, PreparedMessage } from '@switchboard/channel-contract';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import type { BodiesFixture, ErrorFixture, ExchangeFixture, ExpectedEvent, InboundFixture } from './fixture.schemas';
import type { ReplayServer } from './replay-server';
import { requestMismatches } from './request-match';

// Each check returns what is wrong (empty: nothing), so the kit's own spec can show that a
// broken plugin is caught; describeChannelConformance turns them into jest tests.

export const CONFORMANCE_TENANT_ID = 'ten_conformance';
/** The clock every conformance call sees, so acceptedAt and parsed dates are reproducible. */
export const CONFORMANCE_NOW = new Date('2025-01-01T00:00:00.000Z');

/** A logger that keeps every line, so the kit can check no secret was logged. */
export function recordingLogger(): ChannelLogger & { readonly lines: string[] } {
  const lines: string[] = [];
  const log = (message: string, fields?: Record<string, unknown>): void => {
    lines.push(`${message} ${JSON.stringify(fields ?? {})}`);
  };
  return { lines, debug: log, info: log, warn: log, error: log };
}

export function conformanceContext<Config>(config: Config, logger: ChannelLogger, statusCallbackUrl?: string): ChannelContext<Config> {
  return {
    tenantId: CONFORMANCE_TENANT_ID,
    environment: 'test',
    config,
    logger,
    now: () => CONFORMANCE_NOW,
    ...(statusCallbackUrl !== undefined ? { statusCallbackUrl } : {}),
  };
}

/** The stored message of an exchange, built the way the host builds it: schema, then toPayload(). */
export function preparedMessage<Message, Payload>(plugin: ChannelPlugin<unknown, Message, Payload>, exchange: ExchangeFixture): PreparedMessage<Payload> {
  const parsed = plugin.messageSchema.safeParse(exchange.message.body);
  if (!parsed.success) throw new Error(`exchange "${exchange.name}": messageSchema refuses its body: ${parsed.error.message}`);
  const { id, from, to } = exchange.message;
  return { id, from, to, payload: plugin.toPayload(parsed.data) };
}

export async function bodyMismatches<Message>(plugin: ChannelPlugin<unknown, Message, unknown>, bodies: BodiesFixture): Promise<string[]> {
  const mismatches: string[] = [];
  const validation = { tenantId: CONFORMANCE_TENANT_ID, environment: 'test' as const, now: () => CONFORMANCE_NOW };
  for (const { name, body, issues } of bodies.accepted) {
    const parsed = plugin.messageSchema.safeParse(body);
    if (!parsed.success) {
      mismatches.push(`"${name}": messageSchema refuses it: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`);
      continue;
    }
    const found = (await plugin.validate(parsed.data, validation)).map(({ code, path }) => ({ code, path }));
    if (!isDeepStrictEqual(found, issues)) mismatches.push(`"${name}": validate() found ${JSON.stringify(found)}, recorded ${JSON.stringify(issues)}`);
  }
  for (const { name, body } of bodies.refused) {
    if (plugin.messageSchema.safeParse(body).success) mismatches.push(`"${name}": messageSchema accepts it`);
  }
  return mismatches;
}

/**
 * One send() against the replay server: exactly the recorded request, and the recorded outcome
 * (the vendor's id, or a SwitchboardError with the recorded code whose text holds no secret).
 */
export async function exchangeMismatches<Config, Payload>(
  plugin: ChannelPlugin<Config, unknown, Payload>,
  exchange: ExchangeFixture,
  server: ReplayServer,
  config: Config,
  secrets: readonly string[],
): Promise<string[]> {
  const logger = recordingLogger();
  const ctx = conformanceContext(config, logger, exchange.statusCallbackUrl);
  const message = preparedMessage(plugin as ChannelPlugin<unknown, unknown, Payload>, exchange);
  server.serve(exchange);
  const mismatches: string[] = [];
  let outcome: { providerMessageId: string } | { error: unknown };
  try {
    outcome = { providerMessageId: (await plugin.send(message, ctx)).providerMessageId };
  } catch (error) {
    outcome = { error };
  }
  mismatches.push(...roundMismatches(server));
  if ('providerMessageId' in exchange.expect) {
    if ('error' in outcome) mismatches.push(`send() threw ${describeError(outcome.error)}, recorded ${exchange.expect.providerMessageId}`);
    else if (outcome.providerMessageId !== exchange.expect.providerMessageId) {
      mismatches.push(`providerMessageId ${JSON.stringify(outcome.providerMessageId)}, recorded ${exchange.expect.providerMessageId}`);
    }
  } else {
    const expected = exchange.expect.error;
    if (!('error' in outcome)) mismatches.push(`send() resolved, recorded ${expected.code}`);
    else if (!SwitchboardError.isSwitchboardError(outcome.error)) mismatches.push(`send() threw ${describeError(outcome.error)}, not a SwitchboardError`);
    else {
      const { code, retryable } = outcome.error;
      if (code !== expected.code || retryable !== expected.retryable) {
        mismatches.push(`send() threw ${code} (retryable: ${retryable}), recorded ${expected.code} (retryable: ${expected.retryable})`);
      }
      const texts = [outcome.error.message, outcome.error.stack ?? '', JSON.stringify(outcome.error)];
      if (secrets.some((secret) => texts.some((text) => text.includes(secret)))) mismatches.push('the thrown error holds a secret of the config');
    }
  }
  if (secrets.some((secret) => logger.lines.some((line) => line.includes(secret)))) mismatches.push('a log line holds a secret of the config');
  return mismatches;
}

/** What the replay server saw against what was recorded; a round serves exactly the queued exchanges. */
export function roundMismatches(server: ReplayServer): string[] {
  const round = server.take();
  return [
    ...round.unexpected.map((request) => `unexpected request ${request.method} ${request.path} (send() must make exactly one call)`),
    ...round.unserved.map((exchange) => `no request for the recorded exchange "${exchange.name}"`),
    ...round.served.flatMap(({ exchange, request }) => requestMismatches(exchange.request, request).map((m) => `"${exchange.name}": ${m}`)),
  ];
}

/** The request the host hands inbound.verify/parse: the raw bytes and the body parsed by its content type. */
export function inboundRequest(recorded: InboundFixture['request']): InboundRequest {
  const headers = Object.fromEntries(Object.entries(recorded.headers).map(([name, value]) => [name.toLowerCase(), value]));
  const contentType = headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  const rawBody = Buffer.from(recorded.rawBody, 'utf8');
  let body: unknown = recorded.rawBody;
  if (contentType === 'application/json') body = JSON.parse(recorded.rawBody) as unknown;
  else if (contentType === 'application/x-www-form-urlencoded') body = Object.fromEntries(new URLSearchParams(recorded.rawBody));
  return { rawBody, headers, url: recorded.url, body };
}

export function inboundMismatches<Config>(plugin: ChannelPlugin<Config, unknown, unknown>, recorded: InboundFixture, config: Config): string[] {
  if (!plugin.inbound) return ['the plugin has no inbound verify/parse'];
  const request = inboundRequest(recorded.request);
  const verified = plugin.inbound.verify(request, conformanceContext(config, recordingLogger()));
  if (verified !== recorded.verified) return [`verify() ${verified ? 'accepted' : 'refused'} it, recorded ${recorded.verified ? 'accepted' : 'refused'}`];
  if (!recorded.events) return [];
  const events = plugin.inbound.parse(request).map(comparable);
  return isDeepStrictEqual(events, recorded.events) ? [] : [`parse() gave ${JSON.stringify(events)}, recorded ${JSON.stringify(recorded.events)}`];
}

/** An event as a fixture records it: dates as ISO text, a failure by its code and retryable flag. */
function comparable(event: ChannelEvent): ExpectedEvent {
  const json = JSON.parse(JSON.stringify(event)) as ExpectedEvent;
  if (event.kind === 'status' && event.error) return { ...json, error: { code: event.error.code, retryable: event.error.retryable } } as ExpectedEvent;
  return json;
}

export function errorMismatches(plugin: ChannelPlugin<unknown, unknown, unknown>, row: ErrorFixture): string[] {
  const { code, retryable } = plugin.classifyError(row.input);
  return code === row.code && retryable === row.retryable ? [] : [`classified ${code} (retryable: ${retryable}), recorded ${row.code} (retryable: ${row.retryable})`];
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
