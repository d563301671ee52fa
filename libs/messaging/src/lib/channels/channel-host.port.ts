import type { SwitchboardError } from '@switchboard/error-taxonomy';
import type { CircuitGate, SendGrant } from '@switchboard/rate-limiting';
import type { Environment } from '@switchboard/tenancy';
import type { MessageEntity, MessageTemplateRef } from '../persistence/message.entity';

export interface ChannelScope {
  readonly tenantId: string;
  readonly environment: Environment;
}

/** A channel address the environment sends from, as its host resolved it. */
export interface ResolvedSender {
  /** Stored as the message's `sender` (WhatsApp: phone_number_id; SMS: E.164 digits). */
  readonly address: string;
  /** Stored as `account_id`: what pauses and the circuit key on (a WABA, a channel connection). */
  readonly accountId: string;
  /** The sender's number as people dial it: how a recipient without a country code is read. */
  readonly displayNumber: string;
  /** The only recipients this sender may reach (a Meta public test number), or null for anyone. */
  readonly testRecipients: readonly string[] | null;
}

/** What the host's state made of an accepted message: what goes out, and the template it resolved to. */
export interface PreparedSend {
  readonly message: unknown;
  readonly template: MessageTemplateRef | null;
}

/**
 * The circuit and the vendor's limits for one send: go (after holding `holdMs`, and only
 * if SendLimiter.depart still lets it), or wait.
 */
export type ChannelPermit = SendGrant | { readonly ok: false; readonly waitMs: number; readonly reason: string };

/** What the plugin's send() gets from the host for one message. */
export interface SendConfig {
  readonly config: unknown;
  readonly statusCallbackUrl?: string;
}

/**
 * A channel's stateful side, bound by the host for each channel plugin: the core asks it
 * what only the channel knows (its senders, its state-dependent checks, its credentials,
 * its vendor limits, pausing an account) and runs everything else (suppressions, the
 * status machine, retries, fallback) the same way for every channel.
 */
export interface ChannelHost {
  readonly channel: string;
  /** The environment's sender for `from` (a default one when `from` is absent), or null. */
  resolveSender(scope: ChannelScope, from: string | undefined, options?: { fresh?: boolean }): Promise<ResolvedSender | null>;
  /**
   * State-dependent checks at accept time and again at send time (`recheck`), thrown as the
   * refusal accept answers: templates and the customer-service window for WhatsApp.
   */
  prepare(scope: ChannelScope, sender: ResolvedSender, recipient: string, message: unknown, options: { recheck: boolean }): Promise<PreparedSend>;
  /** Re-check a stored message before it goes (it waited): null when it may go. */
  recheck(message: MessageEntity): Promise<SwitchboardError | null>;
  /**
   * The plugin's config for this message's send (credentials decrypted), read once per step;
   * null while the account may not send (its credentials were refused).
   */
  sendConfig(message: MessageEntity): Promise<SendConfig | null>;
  /**
   * The account's circuit and the vendor's limits, in one SendLimiter call right before the
   * call: `acquire` with the channel's limits, or `acquireCircuit` when it has none of ours.
   */
  acquire(message: MessageEntity, businessInitiated: boolean, circuit: CircuitGate): Promise<ChannelPermit>;
  /** Whether the send opens a conversation (it is business-initiated); throttles only. */
  businessInitiated(message: MessageEntity): Promise<boolean>;
  /** The vendor accepted a send: its usage report, if any, feeds the limits. */
  recordAccepted(message: MessageEntity, usage: { maxPercentage: number; estimatedTimeToRegainAccessMs: number } | undefined): Promise<void>;
  /** The vendor refused the account's credentials: hold its sends until they are replaced; true when this call paused it. */
  pause(message: MessageEntity, reason: string): Promise<boolean>;
  /**
   * Whether vendor reports received up to `at` are still waiting to be applied (WhatsApp's
   * webhook inbox): a "not delivered within" deadline waits for them, so a `delivered` that
   * arrived in time is never outrun by the fallback.
   */
  reportsPendingSince(at: Date): Promise<boolean>;
}

/** Every bound ChannelHost, by channel id. */
export const CHANNEL_HOSTS = Symbol('CHANNEL_HOSTS');
