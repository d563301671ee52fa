import { lookupMetaError, SwitchboardError } from '@switchboard/error-taxonomy';

/**
 * The refusals that depend on state (suppressions, windows, test-number lists), built
 * in one place: accept throws them before 202, and the send-time checks return them
 * when the state changed while the message waited.
 */
export function recipientSuppressed(waId: string): SwitchboardError {
  return new SwitchboardError({
    code: 'recipient_suppressed',
    message: 'The recipient is on the suppression list of this environment',
    details: [{ path: 'to', issue: `${waId} is suppressed; DELETE /v1/suppressions/${waId} to allow it again` }],
  });
}

export function windowClosed(lastInboundAt: string | null): SwitchboardError {
  return new SwitchboardError({
    code: 'window_closed',
    message: 'No open 24 h customer-service window with this contact: send a template first',
    details: [{ path: 'type', issue: lastInboundAt === null ? 'the contact never wrote to this number' : `last inbound message at ${lastInboundAt}` }],
    meta: { code: 131047, title: lookupMetaError(131047)?.title ?? 'Re-engagement message' },
  });
}

/**
 * Meta's public test numbers deliver only to the (at most 5) recipients registered
 * for them; anything else fails with 131030. Null when the send may go.
 */
export function testRecipientRefusal(testRecipients: readonly string[] | null, waId: string): SwitchboardError | null {
  if (testRecipients === null || testRecipients.includes(waId)) return null;
  return new SwitchboardError({
    code: 'recipient_not_allowed',
    message: "The sending number is a Meta test number and the recipient is not on its allowed list",
    details: [
      {
        path: 'to',
        issue: `${waId} is not one of the test number's ${testRecipients.length} registered recipients; add it in Meta's App Dashboard and with PUT .../phone-numbers/{phoneNumberId}/test-number`,
      },
    ],
    meta: { code: 131030, title: lookupMetaError(131030)?.title ?? 'Recipient phone number not in allowed list' },
  });
}
