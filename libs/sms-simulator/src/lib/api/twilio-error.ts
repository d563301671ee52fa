/**
 * Twilio's error catalogue as far as the simulator answers it. Synchronous
 * codes (2xxxx) are REST answers `{code, message, more_info, status}`;
 * delivery codes (3xxxx) never answer a request: they end a message through
 * its status (`failed` or `undelivered`) and the callback's `ErrorCode`.
 */

interface RestErrorEntry {
  status: number;
  message: (detail: string) => string;
}

const REST_ERRORS: Record<number, RestErrorEntry> = {
  20003: { status: 401, message: () => 'Authenticate' },
  20404: { status: 404, message: (path) => `The requested resource ${path} was not found` },
  20429: { status: 429, message: () => 'Too Many Requests' },
  20500: { status: 500, message: () => 'An internal server error has occurred' },
  21211: { status: 400, message: (to) => `The 'To' number ${to} is not a valid phone number.` },
  21212: { status: 400, message: (from) => `The 'From' number ${from} is not a valid phone number, shortcode, or alphanumeric sender ID.` },
  21408: { status: 400, message: (to) => `Permission to send an SMS has not been enabled for the region indicated by the 'To' number: ${to}.` },
  21602: { status: 400, message: () => 'Message body is required.' },
  21603: { status: 400, message: () => "A 'From' phone number is required." },
  21604: { status: 400, message: () => "A 'To' phone number is required." },
  21606: { status: 400, message: (from) => `The 'From' phone number provided (${from}) is not a valid message-capable Twilio phone number for this destination.` },
  21609: { status: 400, message: () => 'Invalid StatusCallback url' },
  21610: { status: 400, message: () => 'Attempt to send to unsubscribed recipient' },
  21614: { status: 400, message: (to) => `'To' number ${to} is not a valid mobile number` },
  21617: { status: 400, message: () => 'The concatenated message body exceeds the 1600 character limit.' },
  21620: { status: 400, message: () => 'Invalid media URL(s)' },
  21624: { status: 400, message: () => 'Validity period can only be set to integers between 1 and 36,000 seconds.' },
  21705: { status: 400, message: (sid) => `The Messaging Service Sid ${sid} is invalid.` },
};

export type DeliveryStatus = 'failed' | 'undelivered';

/** Delivery errors and the terminal status Twilio reports them with. */
export const DELIVERY_ERRORS: Record<number, { status: DeliveryStatus; message: string }> = {
  30001: { status: 'failed', message: 'Queue overflow' },
  30002: { status: 'failed', message: 'Account suspended' },
  30003: { status: 'undelivered', message: 'Unreachable destination handset' },
  30004: { status: 'undelivered', message: 'Message blocked' },
  30005: { status: 'undelivered', message: 'Unknown destination handset' },
  30006: { status: 'undelivered', message: 'Landline or unreachable carrier' },
  30007: { status: 'failed', message: 'Message filtered' },
  30008: { status: 'undelivered', message: 'Unknown error' },
  30034: { status: 'failed', message: 'Message from an unregistered number' },
  30036: { status: 'failed', message: 'Validity period expired' },
};

/** A delivery code outside the catalogue ends the message `undelivered`. */
export function deliveryError(code: number): { status: DeliveryStatus; message: string } {
  return DELIVERY_ERRORS[code] ?? { status: 'undelivered', message: `Delivery error ${code}` };
}

export function isDeliveryCode(code: number): boolean {
  return code >= 30000 && code < 40000;
}

export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

/** A REST answer in Twilio's error shape; thrown by handlers, rendered by the error handler. */
export class TwilioError extends Error {
  readonly status: number;

  constructor(
    readonly code: number,
    detail = '',
    status?: number,
  ) {
    const entry = REST_ERRORS[code];
    super(entry ? entry.message(detail) : detail || `Error ${code}`);
    this.name = 'TwilioError';
    this.status = status ?? entry?.status ?? 400;
  }

  toBody(): TwilioErrorBody {
    return { code: this.code, message: this.message, more_info: `https://www.twilio.com/docs/errors/${this.code}`, status: this.status };
  }
}
