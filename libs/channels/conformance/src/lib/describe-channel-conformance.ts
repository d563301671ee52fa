import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { checkChannelConformance, type ChannelPlugin } from '@switchboard/channel-contract';
import {
  bodyMismatches,
  conformanceContext,
  CONFORMANCE_NOW,
  CONFORMANCE_TENANT_ID,
  errorMismatches,
  exchangeMismatches,
  inboundMismatches,
  inboundRequest,
  preparedMessage,
  recordingLogger,
  roundMismatches,
} from './conformance-checks';
import {
  bodiesFixtureSchema,
  errorsFixtureSchema,
  exchangesFixtureSchema,
  inboundFixturesSchema,
  recipientsFixtureSchema,
  type ExchangeFixture,
} from './fixture.schemas';
import { ReplayServer } from './replay-server';

/**
 * A plugin's conformance fixtures: recorded JSON files (imported as they are, checked here)
 * plus what only code can give: the config pointing the plugin at the replay server.
 */
export interface ChannelFixtures<Config> {
  /** The connection config, with the vendor's base URL replaced by the replay server's origin. */
  readonly config: (baseUrl: string) => Config;
  /** Frees what config() opened (an HTTP client's pool). */
  readonly release?: (config: Config) => Promise<void> | void;
  /** The config's secrets (fake values), which no thrown error or log line may hold. */
  readonly secrets?: readonly string[];
  /** `{accepted: [{name, body, issues?}], refused: [{name, body}]}` */
  readonly bodies: unknown;
  /** `[{name, message: {id, from, to, body}, statusCallbackUrl?, request, response, expect}]` */
  readonly exchanges: unknown;
  /** `[{name, request: {url, headers, rawBody}, verified, events?}]`; required when the plugin has inbound. */
  readonly inbound?: unknown;
  /** `[{name, input, code, retryable}]`: the vendor's errors and the taxonomy's decision. */
  readonly errors: unknown;
  /** `{accepted: [{input, normalised}], refused: [...]}`; required when the plugin normalises recipients. */
  readonly recipients?: unknown;
}

/**
 * Registers the conformance suite of one plugin: the contract's rules (checkChannelConformance),
 * then one test per recorded body, exchange, callback and vendor error. Call it at the top level
 * of a spec file.
 */
export function describeChannelConformance<Config, Message, Payload>(
  plugin: ChannelPlugin<Config, Message, Payload>,
  fixtures: ChannelFixtures<Config>,
): void {
  const bodies = bodiesFixtureSchema.parse(fixtures.bodies);
  const exchanges = exchangesFixtureSchema.parse(fixtures.exchanges);
  const errors = errorsFixtureSchema.parse(fixtures.errors);
  // Listed without the plugin member (or the reverse) fails: checkChannelConformance names it.
  const inbound = plugin.inbound || fixtures.inbound !== undefined ? inboundFixturesSchema.parse(fixtures.inbound) : undefined;
  const recipients = plugin.normaliseRecipient || fixtures.recipients !== undefined ? recipientsFixtureSchema.parse(fixtures.recipients) : undefined;
  const secrets = fixtures.secrets ?? [];
  const untyped = plugin as ChannelPlugin<Config, unknown, Payload>;

  describe(`${plugin.id} channel conformance`, () => {
    let server: ReplayServer;
    let config: Config;

    beforeAll(async () => {
      server = await ReplayServer.start();
      config = fixtures.config(server.url);
    });

    afterAll(async () => {
      await fixtures.release?.(config);
      await server.close();
    });

    it('keeps the channel contract', async () => {
      const accepted = exchanges.find((e) => 'providerMessageId' in e.expect) as ExchangeFixture;
      const refused = exchanges.find((e) => 'error' in e.expect) as ExchangeFixture;
      const send = (exchange: ExchangeFixture) => () => ({
        message: preparedMessage(untyped as ChannelPlugin<unknown, unknown, Payload>, exchange),
        ctx: conformanceContext(config, recordingLogger(), exchange.statusCallbackUrl),
      });
      server.serve(accepted, refused);
      const violations = await checkChannelConformance(plugin, {
        validBodies: bodies.accepted.map(({ body }) => body),
        invalidBodies: bodies.refused.map(({ body }) => body),
        validation: { tenantId: CONFORMANCE_TENANT_ID, environment: 'test', now: () => CONFORMANCE_NOW },
        acceptedSend: send(accepted),
        refusedSend: send(refused),
        config,
        ...(recipients ? { recipients } : {}),
        ...(inbound
          ? {
              inbound: {
                ctx: conformanceContext(config, recordingLogger()),
                verified: inbound.filter((c) => c.verified).map((c) => inboundRequest(c.request)),
                refused: inbound.filter((c) => !c.verified).map((c) => inboundRequest(c.request)),
              },
            }
          : {}),
      });
      expect([...violations, ...roundMismatches(server)]).toEqual([]);
    });

    it('accepts and refuses the recorded request bodies', async () => {
      expect(await bodyMismatches(untyped as ChannelPlugin<unknown, unknown, unknown>, bodies)).toEqual([]);
    });

    describe('send()', () => {
      it.each(exchanges.map((exchange) => [exchange.name, exchange] as const))('%s', async (_name, exchange) => {
        expect(await exchangeMismatches(untyped, exchange, server, config, secrets)).toEqual([]);
      });
    });

    if (inbound) {
      describe('inbound', () => {
        it.each(inbound.map((recorded) => [recorded.name, recorded] as const))('%s', (_name, recorded) => {
          expect(inboundMismatches(untyped, recorded, config)).toEqual([]);
        });
      });
    }

    describe('classifyError()', () => {
      it.each(errors.map((row) => [row.name, row] as const))('%s', (_name, row) => {
        expect(errorMismatches(untyped as ChannelPlugin<unknown, unknown, unknown>, row)).toEqual([]);
      });
    });
  });
}
