import type { ChannelContext, InboundRequest } from '@switchboard/channel-contract';
import { SmsChannel } from './sms.channel';
import type { SmsConfig } from './sms-config.schema';
import { twilioSignature } from './twilio-signature';

const NOW = new Date('2026-01-01T12:00:00Z');
const channel = new SmsChannel({ now: () => NOW });
const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const ctx = (authToken: string): ChannelContext<SmsConfig> => ({
  tenantId: 'ten_1',
  environment: 'live',
  config: channel.configSchema.parse({ accountSid: `AC${'0'.repeat(32)}`, authToken, from: ['+14155550100'] }),
  logger,
  now: () => NOW,
});
const request = (url: string, body: unknown, signature?: string): InboundRequest => ({
  rawBody: Buffer.from(''),
  headers: signature === undefined ? {} : { 'x-twilio-signature': signature },
  url,
  body,
});

describe('SmsChannel.inbound.verify', () => {
  // The worked example of Twilio's "Webhooks security" guide (auth token 12345).
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };
  const documented = '0/KCTR6DLpKmkAf8muzZqo1nDgQ=';

  it("computes Twilio's documented signature", () => {
    expect(twilioSignature('12345', url, params)).toBe(documented);
  });

  it('accepts the documented request and refuses any change to it', () => {
    expect(channel.inbound.verify(request(url, params, documented), ctx('12345'))).toBe(true);
    expect(channel.inbound.verify(request(url, { ...params, Digits: '9999' }, documented), ctx('12345'))).toBe(false);
    expect(channel.inbound.verify(request(`${url}&baz=3`, params, documented), ctx('12345'))).toBe(false);
    expect(channel.inbound.verify(request(url, params, documented), ctx('54321'))).toBe(false);
    expect(channel.inbound.verify(request(url, params, documented.slice(0, -1)), ctx('12345'))).toBe(false);
  });

  it('refuses a body that is no form, or a config that is not one', () => {
    expect(channel.inbound.verify(request(url, [params], documented), ctx('12345'))).toBe(false);
    expect(channel.inbound.verify(request(url, { nested: { a: 1 } }, documented), ctx('12345'))).toBe(false);
    expect(channel.inbound.verify(request(url, params, documented), { ...ctx('12345'), config: {} as SmsConfig })).toBe(false);
  });
});

describe('SmsChannel.inbound.parse', () => {
  const callbackUrl = 'https://gw.example.test/webhooks/sms/conn_1?messageId=msg_01JABCDEFGHJKMNPQRSTVWXYZ0';
  const status = (fields: Record<string, string>) =>
    channel.inbound.parse(
      request(callbackUrl, { MessageSid: 'SM1', SmsSid: 'SM1', AccountSid: `AC${'0'.repeat(32)}`, From: '+14155550100', To: '+14155550124', ApiVersion: '2010-04-01', ...fields }),
    );

  it('maps read (WhatsApp and RCS senders) to a read receipt, with the message id of the callback URL', () => {
    expect(status({ MessageStatus: 'read', SmsStatus: 'read' })).toEqual([
      expect.objectContaining({ dedupeKey: 'SM1:read', status: 'read', messageId: 'msg_01JABCDEFGHJKMNPQRSTVWXYZ0' }),
    ]);
  });

  it("classifies a failure's ErrorCode with Twilio's code as the provider reference", () => {
    const [event] = status({ MessageStatus: 'failed', ErrorCode: '21610' });
    expect(event).toMatchObject({ status: 'failed', error: { code: 'recipient_suppressed', provider: { channel: 'sms', code: '21610' } } });
  });

  it('fails a canceled message with an alerting unknown error, and reads the legacy SmsStatus', () => {
    expect(status({ MessageStatus: 'canceled' })).toEqual([expect.objectContaining({ status: 'failed', error: expect.objectContaining({ code: 'unknown', alert: true }) })]);
    expect(channel.inbound.parse(request(callbackUrl, { SmsSid: 'SM2', SmsStatus: 'delivered' }))).toEqual([expect.objectContaining({ status: 'delivered', providerMessageId: 'SM2' })]);
  });

  it.each(['queued', 'accepted', 'scheduled', 'sending', 'partially_delivered', 'receiving', 'made_up', 'constructor'])('ignores %s', (twilioStatus) => {
    expect(status({ MessageStatus: twilioStatus })).toEqual([]);
  });

  it('leaves out the message id when the callback URL has none', () => {
    const [event] = channel.inbound.parse(request('https://gw.example.test/webhooks/sms/conn_1', { MessageSid: 'SM3', MessageStatus: 'sent' }));
    expect(event).not.toHaveProperty('messageId');
  });

  const inbound = (body: string) =>
    channel.inbound.parse(
      request('https://gw.example.test/webhooks/sms/conn_1', { MessageSid: 'SM9', SmsMessageSid: 'SM9', SmsSid: 'SM9', SmsStatus: 'received', From: '+14155550124', To: '+14155550100', Body: body, NumSegments: '1', NumMedia: '0' }),
    );

  it.each(['stop', ' Stop ', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'])('reads %j as an opt-out', (body) => {
    expect(inbound(body)).toEqual([expect.objectContaining({ consent: 'opt_out', text: body })]);
  });

  it.each(['Start', 'yes', ' unstop\n'])('reads %j as an opt-in', (body) => {
    expect(inbound(body)).toEqual([expect.objectContaining({ consent: 'opt_in' })]);
  });

  it.each(['STOP please', 'HELP', 'stopp', 'YES!'])('reads %j as no consent keyword', (body) => {
    const [event] = inbound(body);
    expect(event).toMatchObject({ kind: 'message' });
    expect(event).not.toHaveProperty('consent');
  });

  it('returns no event for anything else, and never throws', () => {
    expect(channel.inbound.parse(request(callbackUrl, { foo: 'bar' }))).toEqual([]);
    expect(channel.inbound.parse(request(callbackUrl, null))).toEqual([]);
    expect(channel.inbound.parse(request(callbackUrl, 'MessageSid=SM1'))).toEqual([]);
    expect(channel.inbound.parse(request('not a url', { MessageSid: 'SM1', MessageStatus: 'sent' }))).toEqual([expect.objectContaining({ status: 'sent' })]);
    expect(channel.inbound.parse(request(callbackUrl, { MessageSid: 'SM1', Body: 'hi', From: 'not-a-number', To: '+14155550100' }))).toEqual([]);
  });
});
