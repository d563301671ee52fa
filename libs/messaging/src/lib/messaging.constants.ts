import { DEFAULT_REFUSED_REGIONS } from './recipients/recipient.normaliser';
import { DEFAULT_CIRCUIT_SETTINGS, type CircuitBreakerSettings } from './send/circuit-breaker';

/** The send worker's knobs (worker env SEND_*). */
export interface SendSettings {
  /** Jobs in flight per worker process. */
  concurrency: number;
  /** How long a call with an unknown outcome waits for its status webhook before a resend. */
  reconcileWindowMs: number;
  /** How often held sends of a paused WABA look at its token again. */
  pauseRecheckMs: number;
  circuit: CircuitBreakerSettings;
}

export interface MessagingSettings {
  /** ISO regions whose numbers are refused with unsupported_region. */
  refusedRegions: readonly string[];
  /** How long an Idempotency-Key holds its first answer. */
  idempotencyTtlMs: number;
  send: SendSettings;
}

export const DEFAULT_MESSAGING_SETTINGS: MessagingSettings = {
  refusedRegions: DEFAULT_REFUSED_REGIONS,
  idempotencyTtlMs: 24 * 3600 * 1000,
  send: { concurrency: 50, reconcileWindowMs: 60_000, pauseRecheckMs: 60_000, circuit: DEFAULT_CIRCUIT_SETTINGS },
};

/** Meta's customer-service window after the contact's last inbound message. */
export const WINDOW_MS = 24 * 3600 * 1000;

export const MESSAGING_SETTINGS = Symbol('MESSAGING_SETTINGS');
/** The host's ChannelRegistry (the explicit plugin list): accept and send both go through it. */
export const CHANNEL_REGISTRY = Symbol('CHANNEL_REGISTRY');
