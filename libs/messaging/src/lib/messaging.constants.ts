import { DEFAULT_REFUSED_REGIONS } from './recipients/recipient.normaliser';

export interface MessagingSettings {
  /** ISO regions whose numbers are refused with unsupported_region. */
  refusedRegions: readonly string[];
  /** How long an Idempotency-Key holds its first answer. */
  idempotencyTtlMs: number;
}

export const DEFAULT_MESSAGING_SETTINGS: MessagingSettings = {
  refusedRegions: DEFAULT_REFUSED_REGIONS,
  idempotencyTtlMs: 24 * 3600 * 1000,
};

/** Meta's customer-service window after the contact's last inbound message. */
export const WINDOW_MS = 24 * 3600 * 1000;

export const MESSAGING_SETTINGS = Symbol('MESSAGING_SETTINGS');
/** The host's ChannelRegistry (the explicit plugin list): accept and send both go through it. */
export const CHANNEL_REGISTRY = Symbol('CHANNEL_REGISTRY');
