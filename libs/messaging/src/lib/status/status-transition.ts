import { SpanStatusCode, trace } from '@opentelemetry/api';
import { classify, messageErrorOf, type MessageError, type WebhookErrorEntry } from '@switchboard/error-taxonomy';
import { linksTo } from '@switchboard/telemetry';
import { showsChannels } from '../http/message-views';
import { isForwardStatus, type MessageStatus } from '../persistence/message-status';
import type { MessageEntity } from '../persistence/message.entity';
import { providerIdDetail } from '../persistence/provider-id-detail';
import type { MessageStatusChange } from '../status-feed/message-status-change';
import type { StatusUpdate } from './status-update';

/** What the rule needs to know beyond the message row; `factsNeeded` says which a report needs looked up. */
export interface TransitionFacts {
  /** The report is of a send that the retry route replaced (the message has another provider id now). */
  readonly replacedSend: boolean;
  /** The timeline already holds a `sent` of the report's channel: the worker recorded it when the vendor accepted the message. */
  readonly sentRecorded: boolean;
  /** For a report of an earlier channel of the route: the latest route step that ran on it, where its event belongs. */
  readonly earlierChannelStep: number;
}

/** The message row after a report that changes it. */
export interface RowChange {
  readonly providerMessageId: string | null;
  readonly status: MessageStatus;
  readonly error: MessageError | Record<string, unknown> | null;
  /** Delivered or read: the "not delivered within" deadline is cleared. */
  readonly settled: boolean;
}

/** The timeline event of a report. */
export interface TimelineEvent {
  readonly messageId: string;
  readonly tenantId: string;
  readonly environment: MessageEntity['environment'];
  readonly status: MessageStatus;
  readonly channel: string;
  readonly routeStep: number;
  readonly at: Date;
  readonly detail: Record<string, unknown>;
}

/** What one report does to its message: decided in memory, written by the caller (one by one or set-based). */
export interface StatusTransition {
  readonly outcome: 'applied' | 'recorded';
  readonly error: MessageError | undefined;
  readonly row: RowChange | null;
  /** Null when the report repeats the worker's own `sent`. */
  readonly event: TimelineEvent | null;
  /** The failure says the recipient opted out: a suppression for the report's channel. */
  readonly optOut: boolean;
  /** A failure that moved the message: its route's next step may start. */
  readonly startsFallback: boolean;
}

/** A `failed` report without an error entry: the taxonomy's view of a code the vendor did not give. */
const UNREPORTED_FAILURE: MessageError = messageErrorOf(classify({ code: 'missing' } as unknown as WebhookErrorEntry));

const tracer = trace.getTracer('switchboard-messaging');

/** Which facts a report needs looked up: a replaced send only for a retried message reported under another provider id. */
export function factsNeeded(message: MessageEntity, update: StatusUpdate): Record<keyof TransitionFacts, boolean> {
  const otherChannel = update.channel !== message.channel;
  return {
    replacedSend: !otherChannel && message.retries > 0 && message.providerMessageId !== update.providerMessageId,
    sentRecorded: update.status === 'sent',
    earlierChannelStep: otherChannel,
  };
}

/**
 * The status machine's rule for one report (contract §6): it moves the message only forward
 * (isForwardStatus) and always lands in the timeline, so a late or superseded report (of a
 * replaced send, of an earlier channel of the route) is evidence, not a regression. A report
 * may teach the message its provider id, before the worker stores the same value.
 */
export function decideTransition(message: MessageEntity, update: StatusUpdate, facts: TransitionFacts): StatusTransition {
  const otherChannel = update.channel !== message.channel;
  const superseded = otherChannel || facts.replacedSend;
  const forward = !superseded && isForwardStatus(message.status, update.status);
  const error = update.status === 'failed' ? ((update.error as MessageError | undefined) ?? UNREPORTED_FAILURE) : undefined;
  const changesRow = forward || (message.providerMessageId === null && !superseded);
  const row: RowChange | null = changesRow
    ? {
        providerMessageId: superseded ? message.providerMessageId : (message.providerMessageId ?? update.providerMessageId),
        status: forward ? update.status : message.status,
        error: forward && error ? error : message.error,
        settled: forward && (update.status === 'delivered' || update.status === 'read'),
      }
    : null;
  const repeatedSent = update.status === 'sent' && facts.sentRecorded;
  const event: TimelineEvent | null = repeatedSent
    ? null
    : {
        messageId: message.id,
        tenantId: message.tenantId,
        environment: message.environment,
        status: update.status,
        channel: update.channel,
        routeStep: otherChannel ? facts.earlierChannelStep : message.routeStep,
        at: new Date(update.at),
        detail: {
          source: 'webhook',
          ...providerIdDetail(update.channel, update.providerMessageId),
          applied: forward,
          ...(error ? { error } : {}),
          ...(update.pricing ? { pricing: update.pricing } : {}),
          ...(update.conversation ? { conversation: update.conversation } : {}),
        },
      };
  return {
    outcome: forward ? 'applied' : 'recorded',
    error,
    row,
    event,
    optOut: error?.code === 'recipient_suppressed',
    startsFallback: forward && error !== undefined,
  };
}

/** The loaded message as the row now is. */
export function applyRowChange(message: MessageEntity, row: RowChange): void {
  Object.assign(message, { providerMessageId: row.providerMessageId, status: row.status, error: row.error, ...(row.settled ? { fallbackDueAt: null } : {}) });
}

/** The live feed's change for a report whose event was stored (the message as the report left it). */
export function statusChangeOf(message: MessageEntity, update: StatusUpdate, transition: StatusTransition): MessageStatusChange {
  return {
    messageId: message.id,
    tenantId: message.tenantId,
    environment: message.environment,
    channel: update.channel,
    status: update.status,
    messageStatus: message.status,
    at: new Date(update.at).toISOString(),
    error: transition.error ?? null,
  };
}

/** The `message.status` tenant event's data for a report (the message as the report left it). */
export function statusEventData(message: MessageEntity, update: StatusUpdate, transition: StatusTransition): Record<string, unknown> {
  return {
    messageId: message.id,
    ...(update.channel === 'whatsapp' ? { wamid: update.providerMessageId } : {}),
    ...(showsChannels(message) ? { channel: update.channel, providerMessageId: update.providerMessageId } : {}),
    status: update.status,
    messageStatus: message.status,
    applied: transition.outcome === 'applied',
    at: update.at,
    ...(transition.error ? { error: transition.error } : {}),
    ...(update.pricing ? { pricing: update.pricing } : {}),
  };
}

/** Applying one report runs in a span linked to the send span of its message (its stored traceparent). */
export function inStatusSpan<T extends { transition: StatusTransition }>(message: MessageEntity, update: StatusUpdate, apply: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(
    'messages.status',
    {
      links: linksTo(message.sendTraceparent),
      attributes: {
        'switchboard.tenant_id': message.tenantId,
        'switchboard.environment': message.environment,
        'switchboard.message_id': message.id,
        'switchboard.status': update.status,
      },
    },
    async (span) => {
      try {
        const result = await apply();
        const { error, outcome } = result.transition;
        if (error?.meta) span.setAttribute('switchboard.meta_error_code', error.meta.code);
        span.setAttribute('switchboard.status_outcome', outcome);
        return result;
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
