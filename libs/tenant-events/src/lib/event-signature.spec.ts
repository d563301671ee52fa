import { createHmac } from 'node:crypto';
import { signEvent, verifyEvent } from './event-signature';

describe('Switchboard-Signature', () => {
  const secret = 'whsec_test';
  const body = '{"id":"evt","type":"message.status"}';

  it('is t=<unix>,v1=<hex HMAC-SHA256 of "t.body">', () => {
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(signEvent(secret, body, 1_700_000_000)).toBe(`t=1700000000,v1=${expected}`);
  });

  it('verifies the exact body and a fresh timestamp only', () => {
    const header = signEvent(secret, body, 1_700_000_000);
    expect(verifyEvent(secret, body, header, 1_700_000_100)).toBe(true);
    expect(verifyEvent(secret, `${body} `, header, 1_700_000_100)).toBe(false);
    expect(verifyEvent('other', body, header, 1_700_000_100)).toBe(false);
    expect(verifyEvent(secret, body, header, 1_700_001_000)).toBe(false);
    expect(verifyEvent(secret, body, 'v1=abc', 1_700_000_000)).toBe(false);
  });
});
