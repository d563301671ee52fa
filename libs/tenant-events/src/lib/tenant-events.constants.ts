/** The events a tenant endpoint can subscribe to. */
export const TENANT_EVENT_TYPES = ['message.status', 'message.received', 'template.status', 'phone_number.quality', 'alert'] as const;
export type TenantEventType = (typeof TENANT_EVENT_TYPES)[number];

/** Sent by `POST /v1/endpoints/{id}/test` to that endpoint only, whatever it subscribes to; never published. */
export const ENDPOINT_TEST_EVENT_TYPE = 'endpoint.test';
/** What a delivery can carry: a subscribable event or the test event. */
export type DeliveredEventType = TenantEventType | typeof ENDPOINT_TEST_EVENT_TYPE;

export interface TenantEventsSettings {
  /** Wait after the n-th failed attempt; after the last one the delivery is dead (replayable). */
  retryDelaysMs: readonly number[];
  /** One attempt's budget: connect, headers and body. */
  timeoutMs: number;
  /**
   * Whether endpoints may be loopback, private, link-local or other non-public addresses
   * (EVENT_ENDPOINTS_ALLOW_PRIVATE). Off: registration refuses such URLs and the worker refuses
   * to connect to them, whatever a name resolves to at delivery time.
   */
  allowPrivateTargets: boolean;
  /** Endpoints one tenant environment may register: each event is copied to every one of them. */
  maxEndpointsPerEnvironment: number;
  /** Delivered and dead deliveries older than this are deleted (dead ones are replayable until then). */
  deliveryRetentionMs: number;
}

/** About 24 h of backoff in all: 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 8 h, 8 h. */
export const DEFAULT_TENANT_EVENTS_SETTINGS: TenantEventsSettings = {
  retryDelaysMs: [30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000, 28_800_000],
  timeoutMs: 10_000,
  // Safe unless a host says otherwise: the apps pass EVENT_ENDPOINTS_ALLOW_PRIVATE resolved for their NODE_ENV.
  allowPrivateTargets: false,
  maxEndpointsPerEnvironment: 10,
  deliveryRetentionMs: 30 * 24 * 3_600_000,
};

export const TENANT_EVENTS_SETTINGS = Symbol('TENANT_EVENTS_SETTINGS');
