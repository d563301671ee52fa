import { META_ERROR_CATALOGUE } from './meta-error-catalogue';
import { lookupMetaError } from './meta-error-lookup';
import { isAutomaticRetry } from './retry-policy';
import { TAXONOMY_HTTP_STATUS } from './taxonomy-code';

// Hard-coded from shared/reference/meta-cloud-api.md §1 (tables 1.1-1.4 and the
// template-creation codes): the catalogue must cover every one of them.
const REFERENCE_CODES = [
  // 1.1 Authorization
  0, 3, 10, 190, 200,
  // 1.2 Throttling
  4, 80007, 130429, 131048, 131056, 133016, 131064,
  // 1.3 Integrity
  368, 130497, 131031,
  // 1.4 Other / messaging
  1, 2, 33, 100, 130403, 130472, 131000, 131005, 131008, 131009, 131016, 131021, 131026, 131030,
  131037, 131042, 131044, 131045, 131046, 131047, 131049, 131050, 131051, 131052, 131053, 131055,
  131057, 131062, 131063, 132000, 132001, 132005, 132007, 132008, 132012, 132015, 132016, 132018,
  132068, 132069, 133000, 133004, 133005, 133006, 133008, 133009, 133010, 133015, 134011, 134100,
  134101, 134102, 135000, 137000,
  // Template creation
  2388019, 2388039, 2388040, 2388047, 2388072, 2388073, 2388293, 2388299,
];

// The reference's TL;DR: "Safe automatic retries".
const REFERENCE_AUTO_RETRY = [1, 2, 4, 80007, 130429, 131000, 131016, 131056, 131057, 133004, 133015];

describe('META_ERROR_CATALOGUE', () => {
  it.each(REFERENCE_CODES)('lists Meta code %i', (code) => {
    expect(lookupMetaError(code)).toBeDefined();
  });

  it('covers every code of the 200-299 permission range', () => {
    for (let code = 200; code <= 299; code++) expect(lookupMetaError(code)).toBeDefined();
  });

  it('retries automatically exactly the codes the reference calls safe', () => {
    const auto: number[] = [];
    for (const entry of META_ERROR_CATALOGUE) {
      const to = entry.metaCodeTo ?? entry.metaCode;
      for (let code = entry.metaCode; code <= to; code++) {
        if (isAutomaticRetry(entry.retry)) auto.push(code);
      }
    }
    expect(auto.sort((a, b) => a - b)).toEqual([...REFERENCE_AUTO_RETRY].sort((a, b) => a - b));
  });

  it('bounds 1 and 131000, retries 131056 per recipient and waits 5 min for 133015', () => {
    expect(lookupMetaError(1)?.retry).toMatchObject({ kind: 'backoff', maxAttempts: 3 });
    expect(lookupMetaError(131000)?.retry).toMatchObject({ kind: 'backoff', maxAttempts: 3 });
    expect(lookupMetaError(131056)?.retry.kind).toBe('per_recipient');
    expect(lookupMetaError(133015)?.retry).toMatchObject({ kind: 'delay', minDelayMs: 300_000, automatic: true });
  });

  it('makes 131049 wait at least 24 h and never retries it on its own', () => {
    expect(lookupMetaError(131049)?.retry).toEqual({
      kind: 'delay',
      minDelayMs: 24 * 3_600_000,
      automatic: false,
      maxAttempts: 1,
    });
  });

  it('trips the circuit only for platform outages', () => {
    const circuit = META_ERROR_CATALOGUE.filter((e) => e.retry.kind === 'circuit').map((e) => e.metaCode);
    expect(circuit.sort()).toEqual([2, 131016, 133004].sort());
  });

  it('has no duplicate or overlapping codes', () => {
    const seen = new Set<number>();
    for (const entry of META_ERROR_CATALOGUE) {
      const to = entry.metaCodeTo ?? entry.metaCode;
      for (let code = entry.metaCode; code <= to; code++) {
        expect(seen.has(code)).toBe(false);
        seen.add(code);
      }
    }
  });

  it.each(META_ERROR_CATALOGUE.map((e) => [e.metaCode, e] as const))(
    'gives %i a title, a summary and one operator action sentence',
    (_code, entry) => {
      expect(entry.title.trim()).not.toBe('');
      expect(entry.summary).toMatch(/\.$/);
      expect(entry.action).toMatch(/^[A-Z].*\.$/);
      expect(entry.action).not.toMatch(/\.\s+[A-Z]/);
      expect(TAXONOMY_HTTP_STATUS[entry.code]).toBeGreaterThanOrEqual(400);
    },
  );

  it('follows Meta where popular guides disagree', () => {
    expect(lookupMetaError(131030)).toMatchObject({ code: 'recipient_not_allowed' });
    expect(lookupMetaError(131056)).toMatchObject({ category: 'pair_rate' });
    expect(lookupMetaError(131051)).toMatchObject({ code: 'unsupported_message_type' });
    expect(lookupMetaError(131021)).toMatchObject({ code: 'invalid_recipient' });
    expect(lookupMetaError(131031)).toMatchObject({ code: 'account_locked', category: 'integrity' });
    expect(lookupMetaError(131042)).toMatchObject({ category: 'payment' });
    expect(lookupMetaError(131049)).toMatchObject({ category: 'marketing_limit' });
  });

  it('maps the contract codes of §3', () => {
    expect(lookupMetaError(131047)).toMatchObject({ code: 'window_closed' });
    expect(lookupMetaError(132001)).toMatchObject({ code: 'template_not_found' });
    expect(lookupMetaError(132000)).toMatchObject({ code: 'template_param_mismatch' });
    expect(lookupMetaError(131053)).toMatchObject({ code: 'media_invalid' });
    expect(lookupMetaError(131050)).toMatchObject({ code: 'recipient_suppressed' });
    expect(lookupMetaError(130429)).toMatchObject({ code: 'rate_limited' });
    expect(lookupMetaError(190)).toMatchObject({ code: 'token_invalid' });
  });
});
