import { SwitchboardError } from '@switchboard/error-taxonomy';
import { parsePhoneNumberFromString, type CountryCode, type PhoneNumber } from 'libphonenumber-js/max';

/**
 * Regions Meta cannot deliver to (sanctioned). Hosts may pass their own list; the
 * default follows Meta's published restrictions.
 */
export const DEFAULT_REFUSED_REGIONS: readonly string[] = ['CU', 'IR', 'KP', 'SY'];

const SEPARATORS = /[\s\-.()[\]]/g;

/** Business-scoped user ids of 2026 webhooks look like `US.8811…`. */
const BUSINESS_SCOPED_USER_ID = /^[A-Za-z]{2}\.[0-9A-Za-z]+$/;

export interface NormalisedRecipient {
  /** E.164 digits without '+', Meta's wa_id form. */
  readonly waId: string;
  /** ISO 3166-1 alpha-2 region. */
  readonly region: string;
}

/**
 * How to read a number written without `+` or `00`. `country` is what the caller
 * said (the request's `country`); `sender` is the sending number's own display number,
 * which is what Meta would use (it prepends the business number's country code).
 */
export interface RecipientCountryHint {
  readonly country?: string | undefined;
  readonly sender?: string | undefined;
}

function invalid(path: string, issue: string): SwitchboardError {
  return new SwitchboardError({ code: 'invalid_recipient', message: 'The recipient is not a valid phone number', details: [{ path, issue }] });
}

function valid(parsed: PhoneNumber | undefined): PhoneNumber | undefined {
  return parsed && parsed.isValid() && parsed.country ? parsed : undefined;
}

/** The sender's country, or only its calling code when its number is of no single region (NANP 555 test ranges). */
function senderPlan(display: string | undefined): { defaultCountry?: CountryCode; defaultCallingCode?: string } | undefined {
  const digits = display?.replace(/[^0-9]/g, '') ?? '';
  if (digits.length === 0) return undefined;
  const parsed = parsePhoneNumberFromString(`+${digits}`);
  if (parsed?.country) return { defaultCountry: parsed.country };
  if (parsed?.countryCallingCode) return { defaultCallingCode: parsed.countryCallingCode };
  return undefined;
}

/**
 * A number without `+`/`00`. With an explicit country it is read in that country's
 * plan only (a number that is not valid there is refused, never re-read as another
 * country's). Otherwise it is read both as international digits and as a national
 * number of the sending number's country: one valid reading (or two that agree) wins;
 * two valid readings that differ are refused as ambiguous.
 */
function readUnprefixed(compact: string, hint: RecipientCountryHint, path: string, input: string): PhoneNumber {
  if (hint.country !== undefined) {
    const national = valid(parsePhoneNumberFromString(compact, hint.country.toUpperCase() as CountryCode));
    if (!national) throw invalid(path, `${input.slice(0, 32)} is not a valid number of country ${hint.country}`);
    return national;
  }
  const international = valid(parsePhoneNumberFromString(`+${compact}`));
  const plan = senderPlan(hint.sender);
  const national = plan ? valid(parsePhoneNumberFromString(compact, plan)) : undefined;
  if (international && national && international.number !== national.number) {
    throw new SwitchboardError({
      code: 'invalid_recipient',
      message: 'The recipient number is ambiguous: write it with + and its country code, or name its country',
      details: [{ path, issue: `${input.slice(0, 32)} reads as ${international.number} (${international.country}) or as ${national.number} (${national.country}); add + or set country` }],
    });
  }
  const chosen = national ?? international;
  if (!chosen) throw invalid(path, `${input.slice(0, 32)} is not a valid phone number of a known country`);
  return chosen;
}

/**
 * Turns what people type (`+1 (415) 555-1234`, `0044 20 7946 0958`, `020 7946 0958`
 * with country GB) into E.164 digits, with a real numbering-plan check (the full
 * metadata set, so plausible-looking numbers of unassigned ranges are refused before
 * Meta sees them).
 */
export function normaliseRecipient(
  input: string,
  refusedRegions: readonly string[] = DEFAULT_REFUSED_REGIONS,
  path = 'to',
  hint: RecipientCountryHint = {},
): NormalisedRecipient {
  if (BUSINESS_SCOPED_USER_ID.test(input.trim())) {
    // Meta accepts a send to a BSUID with 200 and then drops it without a status.
    throw new SwitchboardError({
      code: 'invalid_recipient',
      message: 'A business-scoped user id is not a recipient: send to the phone number (wa_id)',
      details: [{ path, issue: `${input.trim().slice(0, 32)} looks like a business-scoped user id (CC.digits); Meta does not deliver to it` }],
      meta: { code: 131062, title: 'Business-scoped user ID recipients not supported' },
    });
  }
  const compact = input.trim().replace(SEPARATORS, '');
  if (compact.length === 0) throw invalid(path, 'empty');
  const prefixed = compact.startsWith('+') ? compact.slice(1) : compact.startsWith('00') ? compact.slice(2) : undefined;
  if (!/^[0-9]{4,20}$/.test(prefixed ?? compact)) {
    throw invalid(path, 'use a phone number: digits, optionally + or 00 and a country code, spaces, dashes, dots or brackets');
  }
  const parsed =
    prefixed !== undefined ? valid(parsePhoneNumberFromString(`+${prefixed}`)) : readUnprefixed(compact, hint, path, input);
  if (!parsed?.country) throw invalid(path, `${input.slice(0, 32)} is not a valid phone number of a known country`);
  if (refusedRegions.includes(parsed.country)) {
    throw new SwitchboardError({
      code: 'unsupported_region',
      message: `WhatsApp messages cannot be sent to numbers of region ${parsed.country}`,
      details: [{ path, issue: `region ${parsed.country} is refused` }],
    });
  }
  return { waId: parsed.number.slice(1), region: parsed.country };
}
