import { redactQueryString, redactUrlQuery } from './url-redaction';

describe('url redaction', () => {
  it('keeps path and parameter names and replaces every query value', () => {
    expect(redactUrlQuery('/webhooks/whatsapp/1?hub.mode=subscribe&hub.verify_token=s3cret&hub.challenge=42')).toBe(
      '/webhooks/whatsapp/1?hub.mode=[redacted]&hub.verify_token=[redacted]&hub.challenge=[redacted]',
    );
    expect(redactUrlQuery('https://graph.example/v21.0/oauth/access_token?client_secret=abc&fb_exchange_token=def#frag')).toBe(
      'https://graph.example/v21.0/oauth/access_token?client_secret=[redacted]&fb_exchange_token=[redacted]',
    );
  });

  it('leaves URLs without a query alone and keeps bare flags and empty values as names only', () => {
    expect(redactUrlQuery('/v1/messages')).toBe('/v1/messages');
    expect(redactUrlQuery('/x#token=abc')).toBe('/x');
    expect(redactQueryString('flag&input_token=abc&empty=')).toBe('flag&input_token=[redacted]&empty=[redacted]');
    expect(redactQueryString('?input_token=abc')).toBe('?input_token=[redacted]');
  });
});
