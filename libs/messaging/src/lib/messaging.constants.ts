import { DEFAULT_CIRCUIT_SETTINGS, type CircuitBreakerSettings } from '@switchboard/rate-limiting';
import { DEFAULT_REFUSED_REGIONS } from './recipients/recipient.normaliser';

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


export const MESSAGING_SETTINGS = Symbol('MESSAGING_SETTINGS');
/** The host's ChannelRegistry (the explicit plugin list): accept and send both go through it. */
export const CHANNEL_REGISTRY = Symbol('CHANNEL_REGISTRY');

/** Where vendors reach the gateway for a channel connection (its ingest route), built from PUBLIC_BASE_URL. */
export interface ChannelRoutes {
  statusCallbackUrl(channel: string, connectionId: string, messageId: string): string;
  /** The URL a vendor called, as it called it (what signatures over the full URL cover). */
  publicUrl(pathAndQuery: string): string;
}
export const CHANNEL_ROUTES = Symbol('CHANNEL_ROUTES');

/** The callbacks of a connection: `/webhooks/{channel}/{connectionId}`, a send's status callback naming its message. */
export function channelRoutes(publicBaseUrl: string): ChannelRoutes {
  const origin = publicBaseUrl.replace(/\/+$/, '');
  return {
    statusCallbackUrl: (channel, connectionId, messageId) => `${origin}/webhooks/${channel}/${connectionId}?messageId=${messageId}`,
    publicUrl: (pathAndQuery) => `${origin}${pathAndQuery}`,
  };
}
