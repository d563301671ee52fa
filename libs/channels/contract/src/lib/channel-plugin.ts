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
}

/** A normalised inbound happening: a message, a status, a template or account update. */
export interface ChannelEvent {
  readonly kind: string;
  /** Stable per event, for deduplication across redeliveries. */
  readonly dedupeKey: string;
  readonly occurredAt: Date;
  readonly payload: Readonly<Record<string, unknown>>;
}

export interface InboundRequest {
  readonly rawBody: Buffer;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * The one interface between the message pipeline and a vendor. Framework-free: a
 * plugin never touches the database or a queue; the host gives it what it needs.
 */
export interface ChannelPlugin<Config = unknown, Message = unknown> {
  readonly id: string;
  /** What an environment must configure to use the channel. */
  readonly configSchema: ZodType<Config>;
  /** What POST /v1/messages accepts for this channel. */
  readonly messageSchema: ZodType<Message>;
  /** Pre-send checks that need state (windows, templates); empty when the message may go. */
  validate(message: Message, ctx: ChannelContext<Config>): Promise<Issue[]>;
  /** Exactly one attempt; failures are thrown as SwitchboardError. */
  send(message: Message, ctx: ChannelContext<Config>): Promise<SendResult>;
  /** Vendor failure -> retryable / delay / permanent. */
  classifyError(error: unknown): Classification;
  readonly inbound?: {
    verify(request: InboundRequest, ctx: ChannelContext<Config>): boolean;
    parse(body: unknown): ChannelEvent[];
  };
}
