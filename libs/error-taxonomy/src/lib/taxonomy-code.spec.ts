import { httpStatusOf, isTaxonomyCode, TAXONOMY_HTTP_STATUS } from './taxonomy-code';

describe('taxonomy codes', () => {
  it('serves the contract §3 codes with the contract statuses', () => {
    expect(TAXONOMY_HTTP_STATUS).toMatchObject({
      unauthorized: 401,
      not_found: 404,
      validation_failed: 400,
      invalid_recipient: 422,
      unsupported_region: 422,
      window_closed: 422,
      template_not_found: 422,
      template_not_approved: 422,
      template_param_mismatch: 422,
      media_invalid: 422,
      recipient_suppressed: 422,
      idempotency_conflict: 409,
      rate_limited: 429,
      payload_too_large: 413,
      token_invalid: 422,
      token_missing_scopes: 422,
    });
  });

  it('uses snake_case for every code', () => {
    for (const code of Object.keys(TAXONOMY_HTTP_STATUS)) expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });

  it('recognises codes', () => {
    expect(isTaxonomyCode('window_closed')).toBe(true);
    expect(isTaxonomyCode('toString')).toBe(false);
    expect(httpStatusOf('upstream_timeout')).toBe(504);
  });
});
