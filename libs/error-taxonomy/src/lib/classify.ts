import type { Classification, MetaErrorRef, ProviderErrorRef } from './classification';
import { META_ERROR_CATALOGUE, type MetaErrorEntry } from './meta-error-catalogue';
import { lookupMetaError } from './meta-error-lookup';
import { isAutomaticRetry } from './retry-policy';
import { redactSecrets } from './secret-redaction';
import { httpStatusOf } from './taxonomy-code';
import { lookupTwilioError } from './twilio-error-catalogue';
import {
  TRANSPORT_CATALOGUE,
  transportVariantOf,
  type TransportFailure,
} from './transport-failure';

/** The synchronous Graph error body (reference §2.1). */
export interface GraphErrorBody {
  readonly error: {
    readonly code?: number | string;
    readonly message?: string;
    readonly type?: string;
    readonly error_subcode?: number | string;
    readonly error_user_title?: string;
    readonly error_user_msg?: string;
    readonly error_data?: { readonly details?: string; readonly messaging_product?: string } | string;
    readonly fbtrace_id?: string;
    readonly is_transient?: boolean;
  };
}

/** One `errors[]` entry of a `messages` webhook (reference §2.2). */
export interface WebhookErrorEntry {
  readonly code: number | string;
  readonly title?: string;
  readonly message?: string;
  readonly error_data?: { readonly details?: string };
  readonly href?: string;
}

export type ClassifyInput = GraphErrorBody | WebhookErrorEntry | TransportFailure;

export interface ClassifyOptions {
  /** Exact secrets (the call's access token ...) to strip from Meta's text. */
  readonly redact?: readonly (string | undefined)[];
}

// Template-creation failures arrive as code 100 with a 7-digit error_subcode;
// the subcode is the useful one. Everywhere else Meta says to ignore subcodes.
const SUBCODE_ENTRIES = new Set(
  META_ERROR_CATALOGUE.filter((e) => e.metaCode >= 1_000_000).map((e) => e.metaCode),
);

/**
 * Turns any failure of a Graph call or a webhook-reported failure into the
 * gateway's decision. Input is untrusted JSON, so malformed shapes are tolerated
 * and end up as `unknown` (alerting) rather than throwing.
 */
export function classify(input: ClassifyInput, options: ClassifyOptions = {}): Classification {
  const value: unknown = input;
  if (isRecord(value)) {
    if (value['type'] === 'transport' && typeof value['reason'] === 'string') {
      return classifyTransport(value as unknown as TransportFailure);
    }
    if (isRecord(value['error'])) return classifyGraphBody(value['error'], options);
    if ('code' in value) return classifyWebhookEntry(value, options);
  }
  return unknownClassification(undefined, 'The failure had no recognisable shape.');
}

/** Classification of a bare Meta code, for callers that only stored the number. */
export function classifyMetaCode(
  metaCode: number,
  extras: { details?: string; fbtraceId?: string; title?: string } = {},
): Classification {
  const entry = lookupMetaError(metaCode);
  const meta = metaRef(metaCode, entry?.title ?? extras.title ?? `Meta error ${metaCode}`, extras.details, extras.fbtraceId);
  return entry ? fromEntry(entry, { meta }) : unknownClassification(meta);
}

export function classifyTransport(failure: TransportFailure): Classification {
  return fromEntry(TRANSPORT_CATALOGUE[transportVariantOf(failure)]);
}

/** A Twilio error as its REST answer (`{code, message, status}`) or a status callback's `ErrorCode` gives it. */
export interface TwilioErrorInput {
  readonly code?: number | string;
  readonly message?: string;
  /** The HTTP status of the REST answer. */
  readonly status?: number;
}

/**
 * Twilio's side of a failure (the SMS channel's vendor). A listed code carries its catalogue
 * row; an unlisted code is `unknown` and alerts; an answer without a code is classified as a
 * transport failure by its HTTP status, as a Graph answer without an error body is.
 */
export function classifyTwilio(input: TwilioErrorInput, options: ClassifyOptions = {}): Classification {
  const code = isRecord(input) ? toInt(input.code) : undefined;
  if (code === undefined) {
    const status = isRecord(input) ? input.status : undefined;
    if (typeof status === 'number' && status >= 400) return classifyTransport({ type: 'transport', reason: 'http_error', httpStatus: status });
    return unknownClassification(undefined, 'Twilio reported a failure without an error code.');
  }
  const entry = lookupTwilioError(code);
  const message = typeof input.message === 'string' ? redactSecrets(input.message, options.redact) : undefined;
  const provider: ProviderErrorRef = { channel: 'sms', code: String(code), title: entry?.title ?? message ?? `Twilio error ${code}` };
  if (entry) return fromEntry(entry, { provider });
  return {
    ...unknownClassification(undefined, `Twilio returned error code ${code}, which the error catalogue does not list.`),
    action: "Look the code up in Twilio's error dictionary and add it to the Twilio error catalogue.",
    provider,
  };
}

function classifyGraphBody(error: Record<string, unknown>, options: ClassifyOptions): Classification {
  const code = toInt(error['code']);
  const subcode = toInt(error['error_subcode']);
  const rawData = error['error_data'];
  const details = isRecord(rawData) ? asString(rawData['details']) : asString(rawData);
  const extras = {
    details: details === undefined ? undefined : redactSecrets(details, options.redact),
    fbtraceId: asString(error['fbtrace_id']),
    title: titleFromMessage(asString(error['message']), options),
  };
  if (subcode !== undefined && SUBCODE_ENTRIES.has(subcode)) return classifyMetaCode(subcode, extras);
  if (code === undefined) {
    return unknownClassification(undefined, 'Graph returned an error body without a code.');
  }
  return classifyMetaCode(code, extras);
}

function classifyWebhookEntry(entry: Record<string, unknown>, options: ClassifyOptions): Classification {
  const code = toInt(entry['code']);
  if (code === undefined) return unknownClassification(undefined, 'A webhook error entry had no numeric code.');
  const data = entry['error_data'];
  const details = isRecord(data) ? asString(data['details']) : undefined;
  const title = asString(entry['title']) ?? asString(entry['message']);
  return classifyMetaCode(code, {
    details: details === undefined ? undefined : redactSecrets(details, options.redact),
    title: title === undefined ? undefined : redactSecrets(title, options.redact),
  });
}

/** The shared fields of a catalogue row (Meta or Twilio code, transport failure) as a classification. */
function fromEntry(
  entry: Pick<MetaErrorEntry, 'code' | 'category' | 'retry' | 'summary' | 'action' | 'alert'>,
  refs: { meta?: MetaErrorRef; provider?: ProviderErrorRef } = {},
): Classification {
  return {
    code: entry.code,
    httpStatus: httpStatusOf(entry.code),
    category: entry.category,
    retry: entry.retry,
    retryable: isAutomaticRetry(entry.retry),
    message: entry.summary,
    action: entry.action,
    ...(refs.meta ? { meta: refs.meta } : {}),
    ...(refs.provider ? { provider: refs.provider } : {}),
    alert: entry.alert,
  };
}

function unknownClassification(meta?: MetaErrorRef, message?: string): Classification {
  return {
    code: 'unknown',
    httpStatus: httpStatusOf('unknown'),
    category: 'unknown',
    retry: { kind: 'none' },
    retryable: false,
    message: message ?? `Meta returned error code ${meta?.code ?? '?'}, which the error catalogue does not list.`,
    action: 'Log the full error with its fbtrace_id, look the code up in Meta\'s error page and add it to the error catalogue.',
    ...(meta ? { meta } : {}),
    alert: true,
  };
}

function metaRef(code: number, title: string, details?: string, fbtraceId?: string): MetaErrorRef {
  return {
    code,
    title,
    ...(details !== undefined ? { details } : {}),
    ...(fbtraceId !== undefined ? { fbtraceId } : {}),
  };
}

// "(#130429) Rate limit hit" -> "Rate limit hit"; only used for codes we do not know.
function titleFromMessage(message: string | undefined, options: ClassifyOptions): string | undefined {
  if (message === undefined) return undefined;
  return redactSecrets(message.replace(/^\(#\d+\)\s*/, ''), options.redact);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function toInt(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}
