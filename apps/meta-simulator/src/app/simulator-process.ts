import type { SimulatorEnv } from '@switchboard/config';
import { createMetaSimulator, demoSeed, type MetaSimulator } from '@switchboard/meta-simulator';
import { createSmsSimulator, type SmsSimulator } from '@switchboard/sms-simulator';
import { loadSeedFile } from './seed-file.loader';

export interface ProcessLog {
  info(message: string): void;
  error(message: string): void;
}

export interface RunningSimulator {
  simulator: MetaSimulator;
  /** The Twilio stand-in on the same port: `url` is also Twilio's API base URL. */
  sms: SmsSimulator;
  url: string;
  /** Closes within `timeoutMs`; resolves true when closed cleanly. */
  stop(timeoutMs: number): Promise<boolean>;
}

/**
 * Starts the simulators from validated configuration: Meta's (seed file or demo
 * seed, port, webhook URL, version) with the SMS simulator (demo seed, inbound
 * URL) served on the same port.
 */
export async function startSimulatorProcess(config: SimulatorEnv, log: ProcessLog): Promise<RunningSimulator> {
  const seed = config.SIMULATOR_SEED_FILE ? loadSeedFile(config.SIMULATOR_SEED_FILE) : demoSeed();
  const sms = await createSmsSimulator({ inboundUrl: config.SMS_INBOUND_URL });
  const simulator = await createMetaSimulator({
    seed,
    webhookUrl: config.SIMULATOR_WEBHOOK_URL,
    graphVersion: config.GRAPH_API_VERSION,
    logger: config.LOG_LEVEL,
    plugins: [sms.routes],
  });
  const url = await simulator.listen({ port: config.SIMULATOR_PORT, host: config.HOST });
  const { apps, wabas, phoneNumbers, templates } = simulator.seed;
  // Counts only: the seed's tokens and secrets never reach the log.
  log.info(
    `Meta simulator listening on ${url} (Graph ${simulator.graphUrl}; seed: ${config.SIMULATOR_SEED_FILE ?? 'built-in demo'}; ` +
      `${apps.length} app(s), ${wabas.length} WABA(s), ${phoneNumbers.length} number(s), ${templates.length} template(s); ` +
      `webhooks: ${config.SIMULATOR_WEBHOOK_URL ?? simulator.settings().webhookUrl ?? 'none configured'})`,
  );
  log.info(
    `SMS (Twilio) simulator on the same port (${sms.seed.accounts.length} account(s); inbound: ${sms.settings().inboundUrl ?? 'none configured'})`,
  );
  return {
    simulator,
    sms,
    url,
    stop: async (timeoutMs) => {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
        timer.unref();
      });
      try {
        return await Promise.race([Promise.all([simulator.close(), sms.close()]).then(() => true), deadline]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
