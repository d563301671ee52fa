import { classify, classifyMetaCode, type ClassifyInput } from './classify';
import type { TransportFailure } from './transport-failure';

const token = `test-token-${Math.random().toString(36).slice(2)}${Date.now()}`;

describe('classify', () => {
  describe('Graph error bodies', () => {
    it('classifies a pair-rate error with its Meta reference', () => {
      const c = classify({
        error: {
          message: '(#131056) (Business Account, Consumer Account) pair rate limit hit',
          type: 'OAuthException',
          code: 131056,
          error_data: { messaging_product: 'whatsapp', details: 'Too many messages to the same recipient.' },
          fbtrace_id: 'AbCdEf123',
        },
      });
      expect(c).toMatchObject({
        code: 'pair_rate_limited',
        httpStatus: 429,
        category: 'pair_rate',
        retry: { kind: 'per_recipient' },
        retryable: true,
        alert: false,
        meta: {
          code: 131056,
          title: '(Business Account, Consumer Account) pair rate limit hit',
          details: 'Too many messages to the same recipient.',
          fbtraceId: 'AbCdEf123',
        },
      });
      expect(c.action).toMatch(/\.$/);
    });

    it('maps 131047 to window_closed 422', () => {
      expect(classify({ error: { code: 131047, message: '(#131047) Re-engagement message' } })).toMatchObject({
        code: 'window_closed',
        httpStatus: 422,
        retryable: false,
        meta: { code: 131047, title: 'Re-engagement message' },
      });
    });

    it('treats any 200-299 code as a permission problem', () => {
      expect(classify({ error: { code: 294, message: '(#294) Managing advertisements requires ...' } })).toMatchObject(
        { code: 'token_missing_scopes', category: 'permission', meta: { code: 294, title: 'API Permission' } },
      );
    });

    it('accepts numeric strings for the code', () => {
      expect(classify({ error: { code: '190' } }).code).toBe('token_invalid');
    });

    it('prefers a template-creation subcode on code 100', () => {
      const c = classify({ error: { code: 100, error_subcode: 2388299, message: 'Invalid parameter' } });
      expect(c).toMatchObject({ code: 'template_invalid', meta: { code: 2388299 } });
    });

    it('ignores other subcodes (deprecated since v16.0)', () => {
      expect(classify({ error: { code: 100, error_subcode: 33 } }).code).toBe('invalid_parameter');
    });

    it('tolerates error_data given as a string', () => {
      expect(classify({ error: { code: 131053, error_data: 'bad mime' } }).meta?.details).toBe('bad mime');
    });

    it('returns an alerting unknown for codes Meta never documented', () => {
      const c = classify({ error: { code: 987654, message: '(#987654) Brand new failure', fbtrace_id: 'X1' } });
      expect(c).toMatchObject({
        code: 'unknown',
        httpStatus: 502,
        category: 'unknown',
        retry: { kind: 'none' },
        retryable: false,
        alert: true,
        meta: { code: 987654, title: 'Brand new failure', fbtraceId: 'X1' },
      });
    });

    it('classifies a body without a code as unknown', () => {
      expect(classify({ error: { message: 'boom' } })).toMatchObject({ code: 'unknown', alert: true });
    });

    it('strips the call token when Meta echoes it', () => {
      const c = classify(
        { error: { code: 987654, message: `(#987654) Bad token ${token}`, error_data: { details: `token ${token}` } } },
        { redact: [token] },
      );
      expect(JSON.stringify(c)).not.toContain(token);
    });
  });

  describe('webhook errors[] entries', () => {
    it('classifies a status failure 131049 as a manual 24 h wait', () => {
      const c = classify({
        code: 131049,
        title: 'This message was not delivered to maintain healthy ecosystem engagement.',
        message: 'This message was not delivered to maintain healthy ecosystem engagement.',
        error_data: { details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.' },
        href: '/documentation/business-messaging/whatsapp/support/error-codes',
      });
      expect(c).toMatchObject({
        code: 'marketing_limit_reached',
        category: 'marketing_limit',
        retryable: false,
        retry: { kind: 'delay', minDelayMs: 86_400_000, automatic: false },
        meta: { code: 131049 },
      });
      expect(c.meta?.details).toContain('healthy ecosystem');
    });

    it('classifies a system-level 130429 as retryable throttling', () => {
      expect(classify({ code: 130429, title: 'Rate limit hit', message: 'Rate limit hit' })).toMatchObject({
        code: 'rate_limited',
        category: 'throttling',
        retryable: true,
        retry: { kind: 'backoff' },
      });
    });

    it('uses the webhook title for unknown codes', () => {
      expect(classify({ code: 139999, title: 'Something new' })).toMatchObject({
        code: 'unknown',
        alert: true,
        meta: { code: 139999, title: 'Something new' },
      });
    });

    it('treats a non-numeric code as unknown', () => {
      expect(classify({ code: 'abc' })).toMatchObject({ code: 'unknown', alert: true });
    });
  });

  describe('transport failures', () => {
    const t = (reason: TransportFailure['reason'], httpStatus?: number): TransportFailure => ({
      type: 'transport',
      reason,
      ...(httpStatus !== undefined ? { httpStatus } : {}),
    });

    it.each([
      [t('timeout'), 'upstream_timeout', 504, 'circuit'],
      [t('connection_refused'), 'upstream_unavailable', 503, 'circuit'],
      [t('connection_reset'), 'upstream_unavailable', 503, 'circuit'],
      [t('dns_failure'), 'upstream_unavailable', 503, 'circuit'],
      [t('socket_error'), 'upstream_unavailable', 503, 'circuit'],
      [t('http_error', 502), 'upstream_unavailable', 503, 'circuit'],
      [t('http_error', 500), 'upstream_unavailable', 503, 'circuit'],
      [t('http_error', 429), 'rate_limited', 429, 'backoff'],
      [t('http_error', 404), 'upstream_protocol_error', 502, 'none'],
      [t('invalid_response', 200), 'upstream_protocol_error', 502, 'none'],
      [t('aborted'), 'request_aborted', 499, 'none'],
    ] as const)('%o -> %s', (failure, code, httpStatus, kind) => {
      const c = classify(failure);
      expect(c).toMatchObject({ code, httpStatus, retry: { kind } });
      expect(c.retryable).toBe(kind !== 'none');
      expect(c.meta).toBeUndefined();
    });

    it('alerts on protocol errors but not on outages', () => {
      expect(classify(t('http_error', 404)).alert).toBe(true);
      expect(classify(t('timeout')).alert).toBe(false);
    });
  });

  it('never throws on malformed input', () => {
    for (const junk of [null, undefined, 42, 'x', [], {}, { error: 'nope' }] as unknown[]) {
      expect(classify(junk as ClassifyInput)).toMatchObject({ code: 'unknown', alert: true });
    }
  });

  it('classifyMetaCode works on a bare number', () => {
    expect(classifyMetaCode(133015)).toMatchObject({
      code: 'phone_number_deletion_pending',
      retryable: true,
      meta: { code: 133015 },
    });
  });
});
