import { checkChannelConformance } from '@switchboard/channel-contract';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SmsChannel } from './sms.channel';

const ACCOUNT_SID = `AC${'0'.repeat(32)}`;
const GOOD_TOKEN = 'fake-good-token';
const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe('SmsChannel conforms to the channel contract', () => {
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    // A Twilio stand-in that accepts the good credentials and answers 20003 otherwise.
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const good = req.headers['authorization'] === `Basic ${Buffer.from(`${ACCOUNT_SID}:${GOOD_TOKEN}`).toString('base64')}`;
        res.writeHead(good ? 201 : 401, { 'content-type': 'application/json' });
        res.end(JSON.stringify(good ? { sid: 'SM0123', status: 'queued' } : { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('passes the conformance suite against a Twilio stand-in', async () => {
    const channel = new SmsChannel();
    const ctx = (authToken: string) => ({
      tenantId: 'ten_1',
      environment: 'live' as const,
      config: channel.configSchema.parse({ accountSid: ACCOUNT_SID, authToken, baseUrl, from: ['+14155550100'] }),
      logger,
      now: () => new Date(),
    });
    const violations = await checkChannelConformance(channel, {
      validBodies: [{ to: '+14155550124', text: 'Hi' }, { from: '+14155550100', to: '+14155550124', text: { body: 'Привет' } }],
      invalidBodies: [{ to: '+14155550124', text: '' }, { to: '+14155550124' }, { to: '+14155550124', text: 'Hi', type: 'text' }],
      validation: { tenantId: 'ten_1', environment: 'live', now: () => new Date() },
      acceptedSend: (payload) => ({ message: { id: 'msg_conformance_1', from: '14155550100', to: '14155550124', payload }, ctx: ctx(GOOD_TOKEN) }),
      refusedSend: (payload) => ({ message: { id: 'msg_conformance_2', from: '14155550100', to: '14155550124', payload }, ctx: ctx('fake-wrong-token') }),
    });
    expect(violations).toEqual([]);
  });
});
