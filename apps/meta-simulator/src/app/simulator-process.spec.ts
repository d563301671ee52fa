import { loadConfig, simulatorAppEnvSchema } from '@switchboard/config';
import { request } from 'undici';
import { startSimulatorProcess } from './simulator-process';

describe('startSimulatorProcess', () => {
  const lines: string[] = [];
  const log = { info: (line: string) => lines.push(line), error: (line: string) => lines.push(line) };

  it('starts on the configured port with the demo seed, answers Graph calls, and stops cleanly', async () => {
    const config = loadConfig(simulatorAppEnvSchema, { SIMULATOR_PORT: '0', LOG_LEVEL: 'silent', GRAPH_API_VERSION: 'v25.0' });
    const running = await startSimulatorProcess(config, log);
    try {
      expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await request(`${running.url}/health`);
      expect(health.statusCode).toBe(200);
      expect(await health.body.json()).toEqual({ status: 'ok' });
      const graph = await request(`${running.simulator.graphUrl}/debug_token?input_token=x`);
      expect(graph.statusCode).toBe(400);
      await graph.body.dump();
      expect(running.simulator.graphUrl).toContain('/v25.0');
      expect(lines.join('\n')).toContain(running.url);
      // Tokens and secrets never reach the log.
      const secrets = [...running.simulator.seed.tokens.map((token) => token.token), ...running.simulator.seed.apps.map((app) => app.secret)];
      for (const secret of secrets) expect(lines.join('\n')).not.toContain(secret);
    } finally {
      expect(await running.stop(3000)).toBe(true);
    }
    await expect(request(`${running.url}/health`)).rejects.toThrow();
  });
});
