import { loadConfig, simulatorAppEnvSchema } from '@switchboard/config';
import { SMS_DEMO_IDS } from '@switchboard/sms-simulator';
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

  it('serves the SMS (Twilio) simulator on the same port, with its inbound URL from the environment', async () => {
    const config = loadConfig(simulatorAppEnvSchema, { SIMULATOR_PORT: '0', LOG_LEVEL: 'silent', SMS_INBOUND_URL: 'http://127.0.0.1:9/webhooks/sms' });
    const running = await startSimulatorProcess(config, log);
    try {
      const { accountSid, authToken } = running.sms.seed.accounts[0];
      const send = await request(`${running.url}/2010-04-01/Accounts/${accountSid}/Messages.json`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ To: '+15551230001', From: SMS_DEMO_IDS.number, Body: '1234' }).toString(),
      });
      expect(send.statusCode).toBe(201);
      expect(await send.body.json()).toMatchObject({ status: 'queued', body: '1234', num_segments: '1' });

      const unauthenticated = await request(`${running.url}/2010-04-01/Accounts/${accountSid}/Messages.json`, { method: 'POST' });
      expect(unauthenticated.statusCode).toBe(401);
      expect(await unauthenticated.body.json()).toMatchObject({ code: 20003 });

      const smsConfig = await request(`${running.url}/_sim/sms/config`);
      expect(await smsConfig.body.json()).toMatchObject({ inboundUrl: 'http://127.0.0.1:9/webhooks/sms' });
      const graphControl = await request(`${running.url}/_sim/health`);
      expect(graphControl.statusCode).toBe(200);
      await graphControl.body.dump();
      for (const account of running.sms.seed.accounts) expect(lines.join('\n')).not.toContain(account.authToken);
    } finally {
      expect(await running.stop(3000)).toBe(true);
    }
  });
});
