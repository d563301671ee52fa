import { loadConfigOrExit, simulatorAppEnvSchema } from '@switchboard/config';
import { startSimulatorProcess, type ProcessLog } from './app/simulator-process';

/** The simulator's own lines; request logs come from Fastify's logger at LOG_LEVEL. */
const log: ProcessLog = {
  info: (message) => process.stdout.write(`${JSON.stringify({ level: 'info', time: Date.now(), msg: message })}\n`),
  error: (message) => process.stderr.write(`${JSON.stringify({ level: 'error', time: Date.now(), msg: message })}\n`),
};

async function main(): Promise<void> {
  const config = loadConfigOrExit(simulatorAppEnvSchema);
  const running = await startSimulatorProcess(config, log);
  // Stopping is bounded: at most a few seconds, whatever the shutdown budget says.
  const timeoutMs = Math.min(config.SHUTDOWN_TIMEOUT_MS, 5000);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info(`${signal} received, stopping the Meta simulator`);
    void running.stop(timeoutMs).then((clean) => {
      if (!clean) log.error(`the Meta simulator did not stop within ${timeoutMs} ms`);
      process.exit(clean ? 0 : 1);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  log.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
