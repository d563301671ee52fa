import type { ErrorBehaviour } from './classification';
import type { RetryPolicy } from './retry-policy';

/**
 * One Twilio error code and how the gateway treats it, for the SMS channel (and any
 * Twilio-compatible provider). Source: shared/reference/twilio-sms.md's error table and
 * Twilio's error pages. Same fields as a Meta entry, minus ranges and the title source:
 * Twilio titles every code.
 */
export interface TwilioErrorEntry extends ErrorBehaviour {
  readonly twilioCode: number;
  /** Twilio's own title for the code. */
  readonly title: string;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const NONE: RetryPolicy = { kind: 'none' };

// Throttling (20429, 30001) never spends a send attempt in the host: Twilio refused before doing
// anything, so the budget is kept and only the wait applies. 30008 is Twilio's catch-all: one
// more attempt can succeed, a second failure is final.
export const TWILIO_ERROR_CATALOGUE: readonly TwilioErrorEntry[] = [
  {
    twilioCode: 20003,
    title: 'Authentication Error - invalid username',
    summary: 'Twilio refused the account SID and auth token (wrong, rotated or suspended account).',
    category: 'auth',
    retry: NONE,
    code: 'token_invalid',
    action: 'Store the current account SID and auth token for this SMS connection, then retry the held messages.',
    alert: true,
  },
  {
    twilioCode: 20429,
    title: 'Too Many Requests',
    summary: 'Twilio refused the request because the account sent too many API requests at once.',
    category: 'throttling',
    retry: { kind: 'delay', minDelayMs: 2 * SECOND, automatic: true, maxAttempts: 5 },
    code: 'rate_limited',
    action: 'Nothing if it clears; if it persists, lower the connection\'s send concurrency.',
    alert: false,
  },
  {
    twilioCode: 21211,
    title: "Invalid 'To' Phone Number",
    summary: 'The recipient is not a valid phone number.',
    category: 'recipient',
    retry: NONE,
    code: 'invalid_recipient',
    action: 'Correct the recipient number in the sending system.',
    alert: false,
  },
  {
    twilioCode: 21408,
    title: 'Permission to send an SMS has not been enabled for the region indicated by the \'To\' number',
    summary: "The account's geographic permissions do not allow sending to the recipient's country.",
    category: 'permission',
    retry: NONE,
    code: 'unsupported_region',
    action: 'Enable the country in the Twilio account\'s SMS geographic permissions if it should be reachable.',
    alert: true,
  },
  {
    twilioCode: 21610,
    title: 'Attempt to send to unsubscribed recipient',
    summary: 'The recipient replied STOP to this sender and has not opted back in.',
    category: 'recipient',
    retry: NONE,
    code: 'recipient_suppressed',
    action: 'Nothing: the recipient is suppressed until they reply START.',
    alert: false,
  },
  {
    twilioCode: 21614,
    title: "'To' number is not a valid mobile number",
    summary: 'The recipient number cannot receive SMS (it is not a mobile number).',
    category: 'recipient',
    retry: NONE,
    code: 'invalid_recipient',
    action: 'Ask the recipient for a mobile number.',
    alert: false,
  },
  {
    twilioCode: 21617,
    title: 'The concatenated message body exceeds the 1600 character limit',
    summary: 'The message body is longer than 1,600 characters.',
    category: 'parameter',
    retry: NONE,
    code: 'invalid_parameter',
    action: 'Shorten the text; the gateway refuses such bodies at accept time, so check the channel plugin if this appears.',
    alert: false,
  },
  {
    twilioCode: 30001,
    title: 'Queue overflow',
    summary: "The sender's queue at Twilio overflowed: messages were sent faster than its throughput for too long.",
    category: 'throttling',
    retry: { kind: 'backoff', maxAttempts: 5, baseDelayMs: 30 * SECOND, maxDelayMs: 10 * MINUTE },
    code: 'rate_limited',
    action: "Nothing if it clears; if it persists, lower the sender's send rate or add senders.",
    alert: false,
  },
  {
    twilioCode: 30003,
    title: 'Unreachable destination handset',
    summary: 'The carrier could not reach the handset (switched off or out of coverage).',
    category: 'recipient',
    retry: NONE,
    code: 'recipient_unreachable',
    action: 'Nothing: send again later or reach the recipient on another channel.',
    alert: false,
  },
  {
    twilioCode: 30004,
    title: 'Message blocked',
    summary: 'The recipient or their carrier blocked messages from this sender.',
    category: 'recipient',
    retry: NONE,
    code: 'recipient_blocked',
    action: 'Nothing: the recipient must unblock the sender.',
    alert: false,
  },
  {
    twilioCode: 30005,
    title: 'Unknown destination handset',
    summary: 'The carrier does not know the recipient number (it is unassigned or no longer active).',
    category: 'recipient',
    retry: NONE,
    code: 'recipient_unreachable',
    action: 'Remove or correct the recipient number in the sending system.',
    alert: false,
  },
  {
    twilioCode: 30006,
    title: 'Landline or unreachable carrier',
    summary: 'The recipient number is a landline or its carrier cannot receive SMS.',
    category: 'recipient',
    retry: NONE,
    code: 'recipient_unreachable',
    action: 'Ask the recipient for a mobile number.',
    alert: false,
  },
  {
    twilioCode: 30007,
    title: 'Message filtered',
    summary: 'A carrier filtered the message because of its content or its sender.',
    category: 'spam_quality',
    retry: NONE,
    code: 'message_filtered',
    action: 'Review the message content and the sender registration if the filtered rate rises.',
    alert: true,
  },
  {
    twilioCode: 30008,
    title: 'Unknown error',
    summary: 'Delivery failed for a reason the carrier did not report.',
    category: 'server',
    retry: { kind: 'backoff', maxAttempts: 2, baseDelayMs: 30 * SECOND, maxDelayMs: 30 * SECOND },
    code: 'upstream_error',
    action: 'Nothing for a single message; contact Twilio support if it persists for one destination.',
    alert: false,
  },
  {
    twilioCode: 30034,
    title: 'Message from an Unregistered Number',
    summary: 'The US sender number is not registered for A2P 10DLC, so carriers refuse its messages.',
    category: 'registration',
    retry: NONE,
    code: 'registration_required',
    action: 'Register the sender with an approved A2P 10DLC campaign in the Twilio console.',
    alert: true,
  },
];

const byCode = new Map(TWILIO_ERROR_CATALOGUE.map((entry) => [entry.twilioCode, entry]));

/** The catalogue entry for a Twilio code, or `undefined` when the catalogue does not list it. */
export function lookupTwilioError(twilioCode: number): TwilioErrorEntry | undefined {
  return byCode.get(twilioCode);
}
