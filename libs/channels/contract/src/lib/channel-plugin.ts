import type { Classification, ErrorDetail, SwitchboardError } from '@switchboard/error-taxonomy';
import type { ZodType } from 'zod';

/** A pre-send problem, in the contract's `error.details[]` shape plus its taxonomy code. */
export interface Issue extends ErrorDetail {
  readonly code: SwitchboardError['code'];
}

/** What the host hands a plugin for one call. A plugin never reaches for globals. */
export interface ChannelContext<Config> {
  readonly tenantId: string;
  readonly environment: 'live' | 'test';
  /** The environment's channel configuration, credentials already decrypted. */
  readonly config: Config;
  readonly logger: ChannelLogger;
  readonly now: () => Date;
  /** W3C traceparent of the caller's span, so the plugin's outbound call joins the trace. */
  readonly traceparent?: string;
  readonly signal?: AbortSignal;
  /**
   * Where the vendor should report this message's statuses (the host's ingest route for the
   * connection, with the message id in its query); for vendors that take a callback per send.
   */
  readonly statusCallbackUrl?: string;
}

/**
 * What validate() gets at accept time: no credentials, because the stateless checks
 * need none and the gateway must not decrypt a token for every request.
 */
export type ValidationContext = Pick<ChannelContext<unknown>, 'tenantId' | 'environment' | 'now'>;

/** A message as it was stored at accept time; the worker hands it to send(). */
export interface PreparedMessage<Payload> {
  /** The gateway's message id (`msg_...`): the vendor echoes it, so a status finds its message. */
  readonly id: string;
  /** The channel's sender address (WhatsApp: phone_number_id). */
  readonly from: string;
  /** The normalised recipient address (WhatsApp: wa_id digits). */
  readonly to: string;
  /** What toPayload() built at accept time, sent exactly as stored. */
  readonly payload: Payload;
}

export interface ChannelLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface SendResult {
  /** The vendor's message id (Meta's wamid). */
  readonly providerMessageId: string;
  readonly acceptedAt: Date;
  /** Vendor status on acceptance, e.g. Meta's `held_for_quality_assessment`. */
  readonly providerStatus?: string;
  /** The vendor's API usage reported with the answer, so the host's limiter can slow down before a block. */
  readonly usage?: { readonly maxPercentage: number; readonly estimatedTimeToRegainAccessMs: number };
}

/** The delivery states a vendor reports, in the gateway's words; anything else is not a status. */
export type ReceiptStatus = 'sent' | 'delivered' | 'read' | 'failed';

/** A vendor's report on one outbound message, normalised. */
export interface StatusReceipt {
  readonly kind: 'status';
  /** Stable per report, for deduplication across redeliveries. */
  readonly dedupeKey: string;
  readonly occurredAt: Date;
  /** The vendor's message id (what send() returned). */
  readonly providerMessageId: string;
  /** The gateway's message id when the vendor echoes it or the callback URL carries it. */
  readonly messageId?: string;
  readonly status: ReceiptStatus;
  /** For `failed`: the vendor's failure, classified by the plugin. */
  readonly error?: Classification;
  readonly payload: Readonly<Record<string, unknown>>;
}

/** A message a person sent to one of the connection's addresses, normalised. */
export interface InboundMessage {
  readonly kind: 'message';
  readonly dedupeKey: string;
  readonly occurredAt: Date;
  readonly providerMessageId: string;
  /** The person's address, normalised as the channel's recipients are (SMS: E.164 digits without +). */
  readonly from: string;
  /** The connection's address that received it. */
  readonly to: string;
  readonly text?: string;
  /** A consent keyword the vendor acts on (SMS STOP / START): the host suppresses or lifts the sender. */
  readonly consent?: 'opt_out' | 'opt_in';
  readonly payload: Readonly<Record<string, unknown>>;
}

/** A normalised inbound happening. */
export type ChannelEvent = StatusReceipt | InboundMessage;

export interface InboundRequest {
  readonly rawBody: Buffer;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The full URL the vendor called (scheme, host, path, query): some vendors sign it (Twilio). */
  readonly url: string;
  /** The body parsed by its content type: a JSON value, or form fields as a record of strings. */
  readonly body: unknown;
}

/**
 * The one interface between the message pipeline and a vendor. Framework-free: a
 * plugin never touches the database or a queue; the host gives it what it needs.
 * `Message` is what the API accepts, `Payload` what is stored and later sent: the
 * worker sends the stored payload, so a message checked at accept time is the one
 * that goes out, whatever changes in the request schema meanwhile.
 */
export interface ChannelPlugin<Config = unknown, Message = unknown, Payload = unknown> {
  readonly id: string;
  /** What an environment must configure to use the channel. */
  readonly configSchema: ZodType<Config>;
  /** What POST /v1/messages accepts for this channel. */
  readonly messageSchema: ZodType<Message>;
  /** The `type` values its stored messages carry (what GET /v1/messages?type= filters on); default `text`. */
  readonly messageTypes?: readonly string[];
  /**
   * Stateless pre-send checks zod cannot express (placeholders, media links); empty when
   * the message may go. Checks that need state (windows, templates, suppressions) are
   * the host's, which owns that state.
   */
  validate(message: Message, ctx: ValidationContext): Promise<Issue[]>;
  /** The vendor payload of an accepted message; pure, so it can be stored at accept time. */
  toPayload(message: Message): Payload;
  /**
   * Checks of a send that take their own round trips (a media link's preflight), run by the host
   * before it takes the vendor's rate-limit slot, so the slot is never held across them; failures
   * are thrown as SwitchboardError, as from `send`.
   */
  prepare?(message: PreparedMessage<Payload>): Promise<void>;
  /** Exactly one attempt; failures are thrown as SwitchboardError. */
  send(message: PreparedMessage<Payload>, ctx: ChannelContext<Config>): Promise<SendResult>;
  /** Vendor failure -> retryable / delay / permanent. */
  classifyError(error: unknown): Classification;
  /**
   * The addresses a connection of this config sends from (SMS: its numbers), so the host can
   * resolve a request's `from` to a connection. Absent: the host resolves senders itself.
   */
  sendersOf?(config: Config): string[];
  /** Normalises a request's recipient (SMS: E.164 digits without +); throws SwitchboardError when it is no address. */
  normaliseRecipient?(to: string): string;
  /**
   * Vendor callbacks (statuses, inbound messages) on the host's route for the channel
   * (`/webhooks/{channel}/{connectionId}`): verify() checks the vendor's signature with the
   * connection's config before anything is parsed; parse() never throws on a verified request.
   */
  readonly inbound?: {
    verify(request: InboundRequest, ctx: ChannelContext<Config>): boolean;
    parse(request: InboundRequest): ChannelEvent[];
  };
}
