import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyRequest } from 'fastify';
import { registerTwilioRoutes, TWILIO_PREFIX } from './api/twilio.routes';
import { CallbackDispatcher } from './callbacks/callback.dispatcher';
import { CONTROL_PREFIX, registerControlRoutes } from './control/control.routes';
import { FaultInjector } from './control/fault.injector';
import { RequestRecorder } from './control/request.recorder';
import { SmsControl } from './control/sms-control';
import { demoSmsSeed } from './seed/demo-sms-seed';
import { smsSeedSchema, smsSettingsSchema, type ParsedSmsSeed, type SmsSeed, type SmsSettings, type SmsSettingsInput } from './seed/sms-seed.schema';
import type { SmsContext } from './sms-context';
import { SenderRate } from './state/sender-rate';
import { SmsState } from './state/sms-state';
import { Timers } from './util/timers';

export type SmsSimulatorLogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface SmsSimulatorOptions {
  /** Accounts, numbers, per-recipient outcomes and settings; the demo seed when omitted. */
  seed?: SmsSeed;
  /** Where inbound messages are posted (overrides the seed's `simulation.inboundUrl`). */
  inboundUrl?: string;
  /** Overrides on top of the seed's settings. */
  simulation?: SmsSettingsInput;
  /** For the standalone server only: false (default), true or a level. Auth Tokens are never logged. */
  logger?: boolean | SmsSimulatorLogLevel;
  /** Wall clock in ms (dates in answers and the sender queue). */
  now?: () => number;
}

export interface ListenOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
}

/**
 * A running Twilio Programmable Messaging stand-in. Serve it alone with
 * `listen()`, or register `routes` on another Fastify server (the Meta
 * simulator's) to share its port; either way `close()` stops its timers.
 */
export class SmsSimulator extends SmsControl {
  private listeningUrl: string | undefined;

  /** @internal Use createSmsSimulator. */
  constructor(
    ctx: SmsContext,
    lifecycle: { applySettings: (settings: SmsSettings) => void; reset: () => void },
    readonly seed: ParsedSmsSeed,
    private readonly hung: Set<FastifyRequest>,
    private readonly server: FastifyInstance,
    private readonly shutdown: () => Promise<void>,
  ) {
    super(ctx, lifecycle);
  }

  /**
   * Twilio's REST routes under `/2010-04-01` and the control routes under
   * `/_sim/sms`, as one encapsulated plugin (its own body parser, error and
   * not-found handlers), to register on any Fastify server.
   */
  readonly routes: FastifyPluginAsync = async (app) => {
    await app.register(async (api) => registerTwilioRoutes(api, this.ctx, this.hung), { prefix: TWILIO_PREFIX });
    await app.register(async (control) => registerControlRoutes(control, this), { prefix: CONTROL_PREFIX });
  };

  /** Base URL (`http://127.0.0.1:PORT`) once listening: Twilio's API base URL for a client. */
  get url(): string {
    if (!this.listeningUrl) throw new Error('The SMS simulator is not listening; call listen() first');
    return this.listeningUrl;
  }

  async listen(options: ListenOptions = {}): Promise<string> {
    const host = options.host ?? '127.0.0.1';
    await this.server.listen({ port: options.port ?? 0, host });
    const address = this.server.server.address();
    const port = typeof address === 'object' && address ? address.port : options.port;
    const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    this.listeningUrl = `http://${urlHost}:${String(port)}`;
    return this.listeningUrl;
  }

  /** Cancels pending statuses and callbacks, cuts hung requests, stops the standalone server. */
  async close(): Promise<void> {
    await this.shutdown();
  }
}

export async function createSmsSimulator(options: SmsSimulatorOptions = {}): Promise<SmsSimulator> {
  const seed = smsSeedSchema.parse(options.seed ?? demoSmsSeed());
  const initialSettings = smsSettingsSchema.parse({
    ...seed.simulation,
    ...options.simulation,
    statusDelaysMs: { ...seed.simulation.statusDelaysMs, ...options.simulation?.statusDelaysMs },
    ...(options.inboundUrl !== undefined && { inboundUrl: options.inboundUrl }),
  });
  let settings = initialSettings;
  const ctx: SmsContext = {
    state: new SmsState(seed),
    settings: () => settings,
    now: options.now ?? Date.now,
    timers: new Timers(),
    dispatcher: new CallbackDispatcher(() => settings),
    faults: new FaultInjector(),
    recorder: new RequestRecorder(initialSettings.recordLimit),
    senderRate: new SenderRate(),
  };
  const applySettings = (next: SmsSettings) => {
    settings = next;
    ctx.recorder.log.setLimit(next.recordLimit);
    ctx.dispatcher.log.setLimit(next.recordLimit);
  };
  const hung = new Set<FastifyRequest>();
  const cutHung = () => {
    for (const request of hung) request.raw.socket.destroy();
    hung.clear();
  };
  const reset = () => {
    ctx.timers.clear();
    cutHung();
    ctx.state.reset();
    ctx.senderRate.reset();
    ctx.faults.clear();
    ctx.recorder.log.clear();
    ctx.dispatcher.log.clear();
    applySettings(initialSettings);
  };

  const server = Fastify({
    logger: options.logger ? { level: options.logger === true ? 'info' : options.logger } : false,
    // Hung requests (fault "timeout") must not hold close() open.
    forceCloseConnections: true,
    routerOptions: { ignoreTrailingSlash: true },
  });
  const simulator = new SmsSimulator(ctx, { applySettings, reset }, seed, hung, server, async () => {
    ctx.timers.clear();
    cutHung();
    await server.close();
    await ctx.dispatcher.close();
  });
  await server.register(simulator.routes);
  await server.ready();
  return simulator;
}
