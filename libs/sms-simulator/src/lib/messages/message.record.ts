import type { SmsEncoding } from '../api/segments';

export const API_VERSION = '2010-04-01';

export type MessageStatus = 'accepted' | 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'received';

export interface SmsMessageRecord {
  sid: string;
  accountSid: string;
  direction: 'outbound-api' | 'inbound';
  /** As the API shows it: null while a Messaging Service has not picked its sender yet. */
  from: string | null;
  /** The number that sends (the From, or the Messaging Service's pick). */
  sender: string;
  to: string;
  body: string;
  encoding: SmsEncoding;
  numSegments: number;
  mediaUrls: string[];
  messagingServiceSid: string | null;
  statusCallback: string | null;
  status: MessageStatus;
  errorCode: number | null;
  errorMessage: string | null;
  /** Epoch ms. */
  dateCreated: number;
  dateUpdated: number;
  dateSent: number | null;
  history: { status: MessageStatus; at: number }[];
}

/** RFC 2822 with a numeric zone, as Twilio writes dates: `Thu, 24 Aug 2023 05:01:45 +0000`. */
export function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace(/GMT$/, '+0000');
}

export function messageUri(accountSid: string, sid: string): string {
  return `/${API_VERSION}/Accounts/${accountSid}/Messages/${sid}.json`;
}

/** The Message resource as Twilio's REST API renders it. */
export function messageResource(record: SmsMessageRecord): Record<string, unknown> {
  const uri = messageUri(record.accountSid, record.sid);
  return {
    account_sid: record.accountSid,
    api_version: API_VERSION,
    body: record.body,
    date_created: rfc2822(record.dateCreated),
    date_sent: record.dateSent === null ? null : rfc2822(record.dateSent),
    date_updated: rfc2822(record.dateUpdated),
    direction: record.direction,
    error_code: record.errorCode,
    error_message: record.errorMessage,
    from: record.from,
    messaging_service_sid: record.messagingServiceSid,
    num_media: String(record.mediaUrls.length),
    num_segments: String(record.numSegments),
    price: null,
    price_unit: 'USD',
    sid: record.sid,
    status: record.status,
    subresource_uris: { media: uri.replace(/\.json$/, '/Media.json') },
    to: record.to,
    uri,
  };
}
