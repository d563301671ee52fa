import { SwitchboardError } from '@switchboard/error-taxonomy';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

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

function invalid(path: string, issue: string): SwitchboardError {
  return new SwitchboardError({ code: 'invalid_recipient', message: 'The recipient is not a valid phone number', details: [{ path, issue }] });
}

/**
 * Turns what people type (`+1 (415) 555-1234`, `0044 20 7946 0958`, `14155551234`)
 * into E.164 digits, with a real numbering-plan check (the full metadata set, so
 * plausible-looking numbers of unassigned ranges are refused before Meta sees them).
 */
export function normaliseRecipient(input: string, refusedRegions: readonly string[] = DEFAULT_REFUSED_REGIONS, path = 'to'): NormalisedRecipient {
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
  let international: string;
  if (compact.startsWith('+')) international = compact;
  else if (compact.startsWith('00')) international = `+${compact.slice(2)}`;
  else international = `+${compact}`;
  if (!/^\+[0-9]{4,20}$/.test(international)) {
    throw invalid(path, 'use an international number: digits with a country code, optionally +, spaces, dashes, dots or brackets');
  }
  const parsed = parsePhoneNumberFromString(international);
  if (!parsed || !parsed.isValid() || !parsed.country) {
    throw invalid(path, `${input.slice(0, 32)} is not a valid phone number of a known country`);
  }
  if (refusedRegions.includes(parsed.country)) {
    throw new SwitchboardError({
      code: 'unsupported_region',
      message: `WhatsApp messages cannot be sent to numbers of region ${parsed.country}`,
      details: [{ path, issue: `region ${parsed.country} is refused` }],
    });
  }
  return { waId: parsed.number.slice(1), region: parsed.country };
}
