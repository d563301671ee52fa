import { SwitchboardError } from '@switchboard/error-taxonomy';
import { DEFAULT_REFUSED_REGIONS, normaliseRecipient } from './recipient.normaliser';

function refusal(input: string, regions: readonly string[] = DEFAULT_REFUSED_REGIONS) {
  try {
    normaliseRecipient(input, regions);
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
});
