import { classifyTwilio } from './classify';
import { nextRetryDelayMs } from './retry-policy';
import { TAXONOMY_HTTP_STATUS } from './taxonomy-code';
import { lookupTwilioError, TWILIO_ERROR_CATALOGUE } from './twilio-error-catalogue';

// Hard-coded from shared/reference/twilio-sms.md's error table: code -> gateway code, category, alert.
const REFERENCE: readonly [number, string, string, boolean][] = [
  [20003, 'token_invalid', 'auth', true],
  [20429, 'rate_limited', 'throttling', false],
  [21211, 'invalid_recipient', 'recipient', false],
  [21408, 'unsupported_region', 'permission', true],
  [21610, 'recipient_suppressed', 'recipient', false],
  [21614, 'invalid_recipient', 'recipient', false],
  [21617, 'invalid_parameter', 'parameter', false],
  [30001, 'rate_limited', 'throttling', false],
  [30003, 'recipient_unreachable', 'recipient', false],
  [30004, 'recipient_blocked', 'recipient', false],
  [30005, 'recipient_unreachable', 'recipient', false],
  [30006, 'recipient_unreachable', 'recipient', false],
  [30007, 'message_filtered', 'spam_quality', true],
  [30008, 'upstream_error', 'server', false],
  [30034, 'registration_required', 'registration', true],
];

describe('TWILIO_ERROR_CATALOGUE', () => {
  it.each(REFERENCE)('classifies Twilio %i as %s (%s, alert %s) with the provider reference', (code, gatewayCode, category, alert) => {
    const classification = classifyTwilio({ code, message: 'ignored for a listed code', status: 400 });
    expect(classification).toMatchObject({ code: gatewayCode, category, alert, httpStatus: TAXONOMY_HTTP_STATUS[gatewayCode as keyof typeof TAXONOMY_HTTP_STATUS] });
    expect(classification.provider).toEqual({ channel: 'sms', code: String(code), title: lookupTwilioError(code)?.title });
    expect(classification.meta).toBeUndefined();
  });

  it('lists exactly the reference codes, once each', () => {
    expect(TWILIO_ERROR_CATALOGUE.map((e) => e.twilioCode).sort()).toEqual(REFERENCE.map(([code]) => code).sort());
  });

  it('retries only throttling and the catch-all 30008 on its own', () => {
    const automatic = TWILIO_ERROR_CATALOGUE.filter((e) => classifyTwilio({ code: e.twilioCode }).retryable).map((e) => e.twilioCode);
    expect(automatic.sort()).toEqual([20429, 30001, 30008]);
  });

  it('delays 20429 automatically and backs 30001 off, both as throttling', () => {
    const tooMany = classifyTwilio({ code: 20429 });
    expect(tooMany.retry).toMatchObject({ kind: 'delay', automatic: true });
    expect(nextRetryDelayMs(tooMany.retry, 1)).toBe(2000);
    const overflow = classifyTwilio({ code: '30001' });
    expect(overflow.retry.kind).toBe('backoff');
    expect(nextRetryDelayMs(overflow.retry, 1)).toBe(30_000);
    expect(nextRetryDelayMs(overflow.retry, 2)).toBe(60_000);
  });

  it('retries 30008 once, then fails', () => {
    const retry = classifyTwilio({ code: 30008 }).retry;
    expect(nextRetryDelayMs(retry, 1)).toBe(30_000);
    expect(nextRetryDelayMs(retry, 2)).toBeNull();
  });

  it.each(TWILIO_ERROR_CATALOGUE.map((e) => [e.twilioCode, e] as const))('gives %i a title, a summary and one operator action sentence', (_code, entry) => {
    expect(entry.title.trim()).not.toBe('');
    expect(entry.summary).toMatch(/\.$/);
    expect(entry.action).toMatch(/^[A-Z].*\.$/);
    expect(entry.action).not.toMatch(/\.\s+[A-Z]/);
  });
});

describe('classifyTwilio', () => {
  it('makes an unlisted code unknown, alerting, with Twilio\'s message as the title and secrets removed', () => {
    const classification = classifyTwilio({ code: 21999, message: 'Something about token fake-auth-token', status: 400 }, { redact: ['fake-auth-token'] });
    expect(classification).toMatchObject({ code: 'unknown', alert: true, retryable: false, provider: { channel: 'sms', code: '21999' } });
    expect(classification.message).toContain('21999');
    expect(classification.provider?.title).not.toContain('fake-auth-token');
  });

  it('classifies an answer without a code by its HTTP status', () => {
    expect(classifyTwilio({ status: 503 })).toMatchObject({ code: 'upstream_unavailable', category: 'server' });
    expect(classifyTwilio({ status: 429 })).toMatchObject({ code: 'rate_limited', category: 'throttling' });
  });

  it('never throws on malformed input', () => {
    expect(classifyTwilio({}).code).toBe('unknown');
    expect(classifyTwilio({ code: 'abc' }).code).toBe('unknown');
    expect(classifyTwilio(null as unknown as { code?: number }).code).toBe('unknown');
  });
});
