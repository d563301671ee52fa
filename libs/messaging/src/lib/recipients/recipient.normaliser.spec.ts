import { SwitchboardError } from '@switchboard/error-taxonomy';
import { DEFAULT_REFUSED_REGIONS, normaliseRecipient, type RecipientCountryHint } from './recipient.normaliser';

function refusal(input: string, regions: readonly string[] = DEFAULT_REFUSED_REGIONS, hint: RecipientCountryHint = {}) {
  try {
    normaliseRecipient(input, regions, 'to', hint);
  } catch (error) {
    if (error instanceof SwitchboardError) return { code: error.code, paths: error.details?.map((detail) => detail.path) };
    throw error;
  }
  throw new Error(`${input} was accepted`);
}

describe('normaliseRecipient', () => {
  it.each([
    ['+1 (415) 555-1234', '14155551234'],
    ['+1.415.555.1234', '14155551234'],
    ['14155551234', '14155551234'],
    ['001 415 555 1234', '14155551234'],
    ['0044 20 7946 0958', '442079460958'],
    ['+44 (0)20 7946 0958'.replace('(0)', ''), '442079460958'],
    ['[+49] 30-1234567', '49301234567'],
  ])('%s -> %s', (input, waId) => {
    expect(normaliseRecipient(input).waId).toBe(waId);
  });

  it.each(['', '   ', '+1 234', 'abc', '+999 123 456 789', '+1 415 555 12345678901234', '12@34'])('refuses %j as invalid_recipient on path to', (input) => {
    expect(refusal(input)).toEqual({ code: 'invalid_recipient', paths: ['to'] });
  });

  it('refuses a business-scoped user id with its own message and Meta code 131062', () => {
    expect(refusal('US.8811234567890')).toEqual({ code: 'invalid_recipient', paths: ['to'] });
    const thrown = (() => {
      try {
        normaliseRecipient('US.8811234567890');
        return undefined;
      } catch (error) {
        return error as SwitchboardError;
      }
    })();
    expect(thrown?.meta?.code).toBe(131062);
    expect(thrown?.message).toContain('business-scoped user id');
  });

  it('refuses numbers of refused regions, and the list is configurable', () => {
    expect(refusal('+53 5 551 2345')).toEqual({ code: 'unsupported_region', paths: ['to'] });
    expect(refusal('+98 912 123 4567')).toEqual({ code: 'unsupported_region', paths: ['to'] });
    expect(normaliseRecipient('+53 5 551 2345', []).region).toBe('CU');
    expect(refusal('+1 415 555 1234', ['US'])).toEqual({ code: 'unsupported_region', paths: ['to'] });
  });

  describe('national formats with a country hint', () => {
    const usSender = { sender: '+1 415-555-0100' };
    const ukSender = { sender: '+44 20 7946 0000' };
    // The demo and test numbers of Meta are NANP 555 ranges: a calling code, no single region.
    const nanpTestSender = { sender: '+1 555-010-0001' };

    it.each<[string, RecipientCountryHint, string]>([
      ['020 7946 0958', { country: 'GB' }, '442079460958'],
      ['(020) 7946-0958', { country: 'gb' }, '442079460958'],
      ['44 20 7946 0958', { country: 'GB' }, '442079460958'],
      ['312.555.1234', usSender, '13125551234'],
      ['312 555 1234', nanpTestSender, '13125551234'],
      ['07911 123456', ukSender, '447911123456'],
      ['1 (415) 555-1234', usSender, '14155551234'],
      // Not a number of the sender's plan, but valid with its own country code: read as international.
      ['49 30 1234567', usSender, '49301234567'],
    ])('%s with %j -> %s', (input, hint, waId) => {
      expect(normaliseRecipient(input, DEFAULT_REFUSED_REGIONS, 'to', hint).waId).toBe(waId);
    });

    it('ignores the hint when the number carries + or 00', () => {
      expect(normaliseRecipient('+49 30 1234567', [], 'to', { country: 'US' }).waId).toBe('49301234567');
      expect(normaliseRecipient('0049 30 1234567', [], 'to', ukSender).waId).toBe('49301234567');
    });

    it('refuses a number that is not valid in the named country, rather than reading it as another country', () => {
      expect(refusal('49 30 1234567', DEFAULT_REFUSED_REGIONS, { country: 'US' })).toEqual({ code: 'invalid_recipient', paths: ['to'] });
      expect(refusal('020 7946 0958', DEFAULT_REFUSED_REGIONS, { country: 'US' })).toEqual({ code: 'invalid_recipient', paths: ['to'] });
    });

    it('refuses a number that is valid both as international digits and as a national number of the sender, naming both', () => {
      expect(refusal('430 555 1234', DEFAULT_REFUSED_REGIONS, usSender)).toEqual({ code: 'invalid_recipient', paths: ['to'] });
      const ambiguous = (() => {
        try {
          normaliseRecipient('430 555 1234', DEFAULT_REFUSED_REGIONS, 'to', usSender);
          return undefined;
        } catch (error) {
          return error as SwitchboardError;
        }
      })();
      expect(ambiguous?.message).toContain('ambiguous');
      expect(ambiguous?.details?.[0]?.issue).toContain('+435551234 (AT)');
      expect(ambiguous?.details?.[0]?.issue).toContain('+14305551234 (US)');
      expect(normaliseRecipient('430 555 1234', [], 'to', { country: 'US' }).waId).toBe('14305551234');
      expect(normaliseRecipient('+43 0555 1234', []).region).toBe('AT');
    });

    it('refuses a national number without any hint (it cannot be read as international)', () => {
      expect(refusal('020 7946 0958')).toEqual({ code: 'invalid_recipient', paths: ['to'] });
    });

    it('applies refused regions to hinted numbers too', () => {
      expect(refusal('05 551 2345', DEFAULT_REFUSED_REGIONS, { country: 'CU' })).toEqual({ code: 'unsupported_region', paths: ['to'] });
    });
  });
});
