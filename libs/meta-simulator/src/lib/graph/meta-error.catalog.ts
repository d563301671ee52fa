/**
 * Titles and HTTP statuses of the Meta error codes the simulator answers with.
 * Statuses follow Meta's older published table (reference §1 "About HTTP
 * status"): mostly 400, 401 for 0/190, 403 for permission codes, 404 for
 * 132001, 500/503 for server-side codes. Clients must key on `code`, and the
 * simulator deliberately keeps Meta's 400 for throttling codes (not 429) so a
 * client that keys on status is caught in tests.
 */
export interface MetaErrorInfo {
  readonly title: string;
  readonly httpStatus: number;
  /** Text used in `error_data.details` when the caller gives none. */
  readonly details: string;
}

const entries: Record<number, MetaErrorInfo> = {
  0: { title: 'AuthException', httpStatus: 401, details: 'Could not authenticate the app user.' },
  1: { title: 'API Unknown', httpStatus: 400, details: 'An unknown error occurred.' },
  2: { title: 'API Service', httpStatus: 503, details: 'Service temporarily unavailable.' },
  3: { title: 'API Method', httpStatus: 500, details: 'Capability or permissions issue.' },
  4: { title: 'API Too Many Calls', httpStatus: 400, details: 'Application request limit reached.' },
  10: {
    title: 'Application does not have permission for this action',
    httpStatus: 403,
    details: 'The access token lacks the permission this call needs.',
  },
  100: { title: 'Invalid parameter', httpStatus: 400, details: 'Invalid parameter.' },
  101: { title: 'Error validating application. Invalid application ID.', httpStatus: 400, details: 'Invalid application ID.' },
  190: { title: 'Access token has expired', httpStatus: 401, details: 'Invalid OAuth access token.' },
  200: { title: 'Permissions error', httpStatus: 403, details: 'The access token lacks the permission this call needs.' },
  368: {
    title: 'Temporarily blocked for policies violations',
    httpStatus: 403,
    details: 'The WhatsApp Business Account is restricted.',
  },
  2500: { title: 'Unknown path components', httpStatus: 400, details: 'Unknown path components.' },
  80007: { title: 'Rate limit issues', httpStatus: 400, details: 'The WhatsApp Business Account has reached its rate limit.' },
  130429: {
    title: 'Rate limit hit',
    httpStatus: 400,
    details: 'Message failed to send because there were too many messages sent from this phone number in a short period of time.',
  },
  130472: { title: "User's number is part of an experiment", httpStatus: 400, details: "User's number is part of an experiment." },
  131000: { title: 'Something went wrong', httpStatus: 500, details: 'Message failed to send due to an unknown error.' },
  131005: { title: 'Access denied', httpStatus: 403, details: 'Permission is either not granted or has been removed.' },
  131008: { title: 'Required parameter is missing', httpStatus: 400, details: 'A required parameter is missing.' },
  131009: { title: 'Parameter value is not valid', httpStatus: 400, details: 'One or more parameter values are invalid.' },
  131016: { title: 'Service unavailable', httpStatus: 500, details: 'A service is temporarily unavailable.' },
  131021: { title: 'Recipient cannot be sender', httpStatus: 400, details: 'Sender and recipient phone number is the same.' },
  131026: {
    title: 'Message undeliverable',
    httpStatus: 400,
    details: 'Message could not be delivered: the recipient may not be on WhatsApp or may use an old client.',
  },
  131031: { title: 'Account has been locked', httpStatus: 403, details: 'The business account has been locked.' },
  131042: { title: 'Business eligibility payment issue', httpStatus: 400, details: 'There is an issue with the payment method.' },
  131045: { title: 'Incorrect certificate', httpStatus: 500, details: 'Message failed to send due to a phone number registration error.' },
  131047: {
    title: 'Re-engagement message',
    httpStatus: 400,
    details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  },
  131048: {
    title: 'Spam rate limit hit',
    httpStatus: 400,
    details: 'Message failed to send because there are restrictions on how many messages can be sent from this phone number.',
  },
  131049: {
    title: 'This message was not delivered to maintain healthy ecosystem engagement.',
    httpStatus: 400,
    details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
  },
  131050: {
    title: 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business',
    httpStatus: 400,
    details: 'The recipient has stopped marketing messages from this business.',
  },
  131051: { title: 'Unsupported message type', httpStatus: 400, details: 'Message type is currently not supported.' },
  131052: { title: 'Media download error', httpStatus: 400, details: 'Unable to download the media sent by the user.' },
  131053: { title: 'Media upload error', httpStatus: 400, details: 'Unable to upload the media used in the message.' },
  131056: {
    title: '(Business Account, Consumer Account) pair rate limit hit',
    httpStatus: 400,
    details: 'Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.',
  },
  131057: { title: 'Account in maintenance mode', httpStatus: 500, details: 'Business Account is in maintenance mode.' },
  132000: {
    title: 'Number of parameters does not match the expected number of params',
    httpStatus: 400,
    details: 'The number of parameters does not match the template.',
  },
  132001: {
    title: 'Template name does not exist in the translation',
    httpStatus: 404,
    details: 'The template does not exist in this language or is not approved.',
  },
  132005: { title: 'Translated text too long', httpStatus: 400, details: 'Translated text is too long.' },
  132012: {
    title: 'Parameter format does not match format in the created template',
    httpStatus: 400,
    details: 'Parameter format does not match the template.',
  },
  132015: { title: 'Template is Paused', httpStatus: 400, details: 'Template is paused due to low quality.' },
  132016: { title: 'Template is Disabled', httpStatus: 400, details: 'Template has been paused too many times and is permanently disabled.' },
  133000: { title: 'Incomplete Deregistration', httpStatus: 500, details: 'A previous deregistration attempt failed.' },
  133004: { title: 'Server Temporarily Unavailable', httpStatus: 503, details: 'Server is temporarily unavailable.' },
  133005: { title: 'Two step verification PIN Mismatch', httpStatus: 400, details: 'Two-step verification PIN incorrect.' },
  133006: { title: 'Phone number re-verification needed', httpStatus: 400, details: 'Phone number needs to be verified before registering.' },
  133008: { title: 'Too Many two step verification PIN Guesses', httpStatus: 400, details: 'Too many two-step verification PIN guesses.' },
  133010: { title: 'Phone number Not Registered', httpStatus: 400, details: 'Phone number is not registered on the WhatsApp Business Platform.' },
  133016: {
    title: 'Account register deregister rate limit exceeded',
    httpStatus: 400,
    details: 'Too many register or deregister attempts for this phone number.',
  },
  135000: { title: 'Generic user error', httpStatus: 400, details: 'Message failed to send because of an unknown error with your request parameters.' },
};

export function metaErrorInfo(code: number): MetaErrorInfo {
  return entries[code] ?? { title: 'Unknown error', httpStatus: 400, details: 'An unknown error occurred.' };
}

/** Codes with a catalogue entry; the control API accepts others too. */
export function isKnownMetaErrorCode(code: number): boolean {
  return code in entries;
}
