import { classify } from './classify';
import { SwitchboardError } from './switchboard-error';

const token = `test-token-${Math.random().toString(36).slice(2)}`;

describe('SwitchboardError', () => {
  it('defaults httpStatus from the taxonomy code', () => {
    const err = new SwitchboardError({ code: 'validation_failed', message: 'Bad body', details: [{ path: 'to', issue: 'required' }] });
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ name: 'SwitchboardError', httpStatus: 400, retryable: false, code: 'validation_failed' });
    expect(err.toJSON()).toEqual({
      name: 'SwitchboardError',
      code: 'validation_failed',
      message: 'Bad body',
      httpStatus: 400,
      retryable: false,
      details: [{ path: 'to', issue: 'required' }],
      metadata: {},
    });
  });

  it('carries a classification, its meta and a delay as retryAfterMs', () => {
    const c = classify({ code: 131049, title: 'x', error_data: { details: 'held' } });
    const err = SwitchboardError.fromClassification(c, { metadata: { phoneNumberId: '123' } });
    expect(err).toMatchObject({
      code: 'marketing_limit_reached',
      httpStatus: 429,
      retryable: false,
      retryAfterMs: 86_400_000,
      meta: { code: 131049, details: 'held' },
      category: 'marketing_limit',
    });
    expect(err.toJSON()).toMatchObject({ category: 'marketing_limit', alert: false, metadata: { phoneNumberId: '123' } });
  });

  it('lets the caller override retryAfterMs (usage headers)', () => {
    const err = SwitchboardError.fromClassification(classify({ code: 4 }), { retryAfterMs: 120_000 });
    expect(err).toMatchObject({ retryable: true, retryAfterMs: 120_000 });
  });

  it('keeps known and token-shaped secrets out of message, stack, JSON and meta', () => {
    const err = new SwitchboardError({
      code: 'token_invalid',
      message: `Malformed access token ${token} (Bearer ${token})`,
      meta: { code: 190, title: `Invalid ${token}`, details: `access_token=${token}&x=1` },
      details: [{ path: 'token', issue: `bad ${token}` }],
      metadata: { url: `/debug_token?input_token=${token}` },
      redact: [token],
    });
    for (const text of [err.message, err.stack ?? '', JSON.stringify(err), String(err)]) {
      expect(text).not.toContain(token);
    }
  });

  it('strips token-shaped text even when the secret was not named', () => {
    const fake = `EAA${'x'.repeat(40)}`;
    const err = new SwitchboardError({ code: 'unknown', message: `echo ${fake} access_token=abc123456` });
    expect(err.message).toBe('echo [REDACTED] access_token=[REDACTED]');
  });

  it('is recognised across module copies by its brand', () => {
    const err = new SwitchboardError({ code: 'unknown', message: 'x' });
    const copy = Object.create(err) as object;
    expect(SwitchboardError.isSwitchboardError(copy)).toBe(true);
    expect(SwitchboardError.isSwitchboardError(new Error('x'))).toBe(false);
    expect(SwitchboardError.isSwitchboardError(null)).toBe(false);
  });
});
