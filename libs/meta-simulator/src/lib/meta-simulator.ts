import Fastify, { type FastifyError, type FastifyInstance, type FastifyPluginAsync, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { ZodError } from 'zod';
import { registerControlRoutes } from './control/control.routes';
import { FaultInjector } from './control/fault.injector';
import { RequestRecorder, redactUrl } from './control/request.recorder';
import { SimulatorControl, SimulatorControlError } from './control/simulator-control';
import { parseFormBody, parseMultipartBody } from './graph/body.parsers';
import { GraphError } from './graph/graph-error';
import { GRAPH_VERSION, isControlUrl, registerGraphRequestHooks } from './graph/graph-request.hooks';
import { ConversationWindowStore } from './limits/conversation-window.store';
import { PairRateLimiter } from './limits/pair-rate.limiter';
import { ThroughputLimiter } from './limits/throughput.limiter';
import { MAX_UPLOAD_BYTES, registerMediaRoutes } from './media/media.routes';
import { registerMessagesRoutes } from './messages/messages.routes';
import { registerNodeRoutes } from './graph/node.routes';
import { registerPhoneNumberRoutes } from './numbers/phone-numbers.routes';
import { registerSubscribedAppsRoutes } from './wabas/subscribed-apps.routes';
import {
  parseSimulatorSeed,
  simulationSettingsSchema,
  type ParsedSimulatorSeed,
  type SimulationSettings,
  type SimulationSettingsInput,
  type SimulatorSeed,
} from './seed/simulator-seed.schema';
import type { SimulatorContext } from './simulator-context';
import { SimulatorState } from './state/simulator-state';
import { registerTemplateRoutes } from './templates/templates.routes';
import { registerDebugTokenRoutes } from './tokens/debug-token.routes';
import { registerOAuthRoutes } from './tokens/oauth.routes';
import { seededRandom } from './util/seeded-random';
import { TimerRegistry } from './util/timer-registry';
import { StatusScheduler } from './webhooks/status.scheduler';
import { WebhookDispatcher } from './webhooks/webhook.dispatcher';

export type SimulatorLogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface MetaSimulatorOptions {
  /** Apps, tokens, WABAs, numbers, templates and simulation settings (validated with simulatorSeedSchema). */
  seed: SimulatorSeed;
  /** Where webhooks go; overrides the seed's. `{appId}` is replaced by the app id. */
  webhookUrl?: string;
  /** The version clients are expected to use; only shapes `graphUrl`. Any vNN.N in a URL is accepted. */
  graphVersion?: string;
  /** false (default) for tests; true or a level for a standalone process. Tokens and secrets are never logged. */
  logger?: boolean | SimulatorLogLevel;
  /** Overrides on top of the seed's simulation settings. */
  simulation?: SimulationSettingsInput;
  /** Wall clock in ms; inject to test windows and token expiry without waiting. */
  now?: () => number;
  /**
   * Other vendors' simulators served on the same port (e.g. the SMS simulator's
   * `routes`). Each is registered encapsulated, beside the Graph routes; its
   * paths must not be Graph paths.
   */
  plugins?: FastifyPluginAsync[];
}

export interface ListenOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
}

/**
 * A running Meta Graph API stand-in. The control methods inherited from
 * SimulatorControl mirror `/_sim/*` one to one.
 */
export class MetaSimulator extends SimulatorControl {
  private listeningUrl: string | undefined;

  /** @internal Use createMetaSimulator. */
  constructor(
    ctx: SimulatorContext,
    private readonly app: FastifyInstance,
    lifecycle: { applySettings: (settings: SimulationSettings) => void; reset: () => void },
    private readonly shutdown: () => Promise<void>,
    readonly seed: ParsedSimulatorSeed,
    private readonly version: string,
    private readonly onListen: (url: string) => void,
  ) {
    super(ctx, lifecycle);
  }

  /** Base URL (`http://127.0.0.1:PORT`), once listening. */
  get url(): string {
    if (!this.listeningUrl) throw new Error('The Meta simulator is not listening yet; call listen() first');
    return this.listeningUrl;
  }

  /** Base URL plus the configured Graph version, e.g. `http://127.0.0.1:PORT/v24.0`. */
  get graphUrl(): string {
    return `${this.url}/${this.version}`;
  }

  async listen(options: ListenOptions = {}): Promise<string> {
    const host = options.host ?? '127.0.0.1';
    await this.app.listen({ port: options.port ?? 0, host });
    const address = this.app.server.address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    // A wildcard bind is still reached on loopback by local clients.
    const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    this.listeningUrl = `http://${urlHost}:${String(port)}`;
    this.onListen(this.listeningUrl);
    return this.listeningUrl;
  }

  /** Stops answering, cancels pending statuses and retries, cuts hung requests. */
  async close(): Promise<void> {
    await this.shutdown();
  }
}

function loggerOption(logger: MetaSimulatorOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger) return false;
  return {
    level: logger === true ? 'info' : logger,
    // Graph calls carry tokens in query strings (access_token, input_token, fb_exchange_token, client_secret).
    serializers: {
      req: (request: FastifyRequest) => ({ method: request.method, url: redactUrl(request.url) }),
    },
  };
}

export async function createMetaSimulator(options: MetaSimulatorOptions): Promise<MetaSimulator> {
  const seed = parseSimulatorSeed(options.seed);
  const initialSettings = simulationSettingsSchema.parse({
    ...seed.simulation,
    ...options.simulation,
    ...(options.webhookUrl !== undefined && { webhookUrl: options.webhookUrl }),
  });
  const graphVersion = options.graphVersion ?? 'v24.0';
  if (!GRAPH_VERSION.test(graphVersion)) throw new Error(`graphVersion must look like v24.0, got ${graphVersion}`);
  let settings = initialSettings;
  let baseUrl = 'http://127.0.0.1';
  const now = options.now ?? Date.now;
  const state = new SimulatorState(seed, now);
  const random = seededRandom(initialSettings.randomSeed);
  const dispatcher = new WebhookDispatcher(state, () => settings);
  const ctx: SimulatorContext = {
    state,
    settings: () => settings,
    now,
    random,
    throughput: new ThroughputLimiter(),
    pairRate: new PairRateLimiter(initialSettings.pairRate),
    windows: new ConversationWindowStore(initialSettings.windowMs),
    scheduler: new StatusScheduler(state, dispatcher, () => settings, random, now),
    dispatcher,
    faults: new FaultInjector(),
    recorder: new RequestRecorder(initialSettings.recordLimit),
    timers: new TimerRegistry(),
    baseUrl: () => baseUrl,
    graphVersion,
  };

  const applySettings = (next: SimulationSettings) => {
    settings = next;
    ctx.pairRate.configure(next.pairRate);
    ctx.windows.configure(next.windowMs);
    ctx.recorder.log.setLimit(next.recordLimit);
    ctx.dispatcher.log.setLimit(next.recordLimit);
  };
  const reset = () => {
    ctx.scheduler.stop();
    ctx.dispatcher.cancelRetries();
    state.reset();
    ctx.throughput.reset();
    ctx.pairRate.reset();
    ctx.windows.reset();
    ctx.faults.clear();
    ctx.recorder.log.clear();
    ctx.dispatcher.log.clear();
    applySettings(initialSettings);
  };

  const app = Fastify({
    logger: loggerOption(options.logger),
    // Hung requests (fault "hang") must not hold close() open.
    forceCloseConnections: true,
    bodyLimit: 4 * 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 256 },
  });
  const hung = new Set<FastifyRequest>();
  // A call is judged (throughput, windows) and logged by when it arrived, the first thing the
  // server sees of it: its parsing and routing are the simulator's time, not the caller's.
  app.decorateRequest('receivedAt', 0);
  app.addHook('onRequest', async (request) => {
    request.receivedAt = now();
  });

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseFormBody(String(body)));
  });
  app.addContentTypeParser(
    'multipart/form-data',
    { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES },
    async (request: FastifyRequest, body: Buffer | string) =>
      parseMultipartBody(String(request.headers['content-type']), Buffer.isBuffer(body) ? body : Buffer.from(body)),
  );

  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (error instanceof GraphError) return reply.code(error.httpStatus).send(error.toBody());
    if (error instanceof SimulatorControlError) return reply.code(error.statusCode).send({ error: { message: error.message } });
    if (error instanceof ZodError) {
      return reply.code(400).send({ error: { message: 'invalid control request', issues: error.issues } });
    }
    const statusCode = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (isControlUrl(request.url)) return reply.code(statusCode).send({ error: { message: error.message } });
    if (statusCode < 500) {
      // Unparseable bodies, unsupported content types, oversized uploads: Graph calls them invalid parameters.
      const graphError = new GraphError(100, { details: error.message, httpStatus: statusCode === 413 ? 413 : 400 });
      return reply.code(graphError.httpStatus).send(graphError.toBody());
    }
    request.log.error({ err: error }, 'simulator bug');
    const graphError = new GraphError(1, { httpStatus: 500, details: 'The simulator failed unexpectedly; see its log.' });
    return reply.code(500).send(graphError.toBody());
  });

  app.setNotFoundHandler((request, reply) => {
    if (isControlUrl(request.url)) return reply.code(404).send({ error: { message: `no control route ${request.method} ${request.url}` } });
    ctx.recorder.record({
      at: request.receivedAt,
      method: request.method,
      path: request.url.split('?', 1)[0],
      route: 'other',
      query: request.query,
      headers: request.headers,
      body: request.body,
    });
    const error = new GraphError(2500, { details: `Unknown path components: ${request.url.split('?', 1)[0]}` });
    return reply.code(error.httpStatus).send(error.toBody());
  });

  const simulator = new MetaSimulator(
    ctx,
    app,
    { applySettings, reset },
    async () => {
      ctx.scheduler.stop();
      ctx.timers.clear();
      for (const request of hung) request.raw.socket.destroy();
      hung.clear();
      await app.close();
      await ctx.dispatcher.close();
    },
    seed,
    graphVersion,
    (url) => {
      baseUrl = url;
    },
  );

  registerControlRoutes(app, simulator);
  await app.register(async (graph) => {
    registerGraphRequestHooks(graph, ctx, hung);
    registerMessagesRoutes(graph, ctx);
    registerDebugTokenRoutes(graph, ctx);
    registerOAuthRoutes(graph, ctx);
    registerMediaRoutes(graph, ctx);
    registerPhoneNumberRoutes(graph, ctx);
    registerSubscribedAppsRoutes(graph, ctx);
    registerTemplateRoutes(graph, ctx, simulator);
    registerNodeRoutes(graph, ctx);
  });
  for (const plugin of options.plugins ?? []) await app.register(plugin);
  await app.ready();
  return simulator;
}
