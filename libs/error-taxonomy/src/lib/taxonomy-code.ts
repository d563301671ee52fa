/**
 * The gateway's stable error codes and the HTTP status each one is served with.
 * Product teams key on these strings (contract §3), so a code is never renamed
 * or re-used for another meaning; new ones may be added.
 *
 * Meta-caused problems that the caller cannot fix by changing the HTTP request
 * (a revoked token, a restricted WABA) are 422, not 401/403: the caller's own
 * API key is fine, and 401/403 would send them hunting in the wrong place.
 */
export const TAXONOMY_HTTP_STATUS = {
  // Contract §3 / §4
  unauthorized: 401,
  not_found: 404,
  validation_failed: 400,
  invalid_recipient: 422,
  unsupported_region: 422,
  window_closed: 422,
  template_not_found: 422,
  template_not_approved: 422,
  template_param_mismatch: 422,
  media_invalid: 422,
  recipient_suppressed: 422,
  idempotency_conflict: 409,
  rate_limited: 429,
  payload_too_large: 413,
  token_invalid: 422,
  token_missing_scopes: 422,
  // Our own API, not Meta: a unique value already taken (tenant slug, app id).
  conflict: 409,
  // A tenant environment already has as many event endpoints as the operator allows (EVENT_ENDPOINTS_MAX_PER_ENVIRONMENT).
  endpoint_limit_reached: 422,
  // A GraphQL operation past the gateway's depth or cost limit (GRAPHQL_MAX_DEPTH, GRAPHQL_MAX_COMPLEXITY).
  query_too_deep: 400,
  query_too_complex: 400,
  // A bug or an unexpected failure of ours; the message never leaks internals.
  internal_error: 500,
  // Our own database cannot be reached (a restart, a failover): nothing was stored; retry.
  service_unavailable: 503,

  // Throttling beyond the plain rate limit
  pair_rate_limited: 429,
  spam_rate_limited: 429,
  marketing_limit_reached: 429,
  messaging_limit_reached: 429,
  registration_rate_limited: 429,
  pin_attempts_exceeded: 429,
  flow_throttled: 429,

  // Recipient
  recipient_not_allowed: 422,
  recipient_blocked: 422,
  recipient_in_experiment: 422,
  recipient_identity_changed: 422,
  // The carrier could not reach the handset (off, out of coverage, unknown, a landline).
  recipient_unreachable: 422,
  // A carrier filtered the message (its content or its sender) before delivery.
  message_filtered: 422,

  // Request content
  invalid_parameter: 422,
  unsupported_message_type: 422,
  method_not_allowed: 422,
  media_download_failed: 422,

  // Templates and flows
  template_param_invalid: 422,
  template_policy_violation: 422,
  template_paused: 422,
  template_disabled: 422,
  template_unavailable: 422,
  template_syncing: 409,
  template_invalid: 422,
  template_limit_exceeded: 422,
  template_locked: 409,
  template_already_exists: 409,
  marketing_disabled: 422,
  flow_blocked: 422,

  // Account, integrity, payment
  account_restricted: 422,
  account_locked: 422,
  phone_number_deleted: 422,
  display_name_not_approved: 422,
  account_maintenance: 503,
  payment_issue: 422,

  // Phone-number registration
  registration_required: 422,
  deregistration_incomplete: 422,
  pin_mismatch: 422,
  reverification_required: 422,
  phone_number_deletion_pending: 409,

  // Upstream platform and transport
  upstream_error: 502,
  upstream_unavailable: 503,
  upstream_timeout: 504,
  upstream_protocol_error: 502,
  // nginx's "client closed request": only ever logged, the caller is gone.
  request_aborted: 499,
  unknown: 502,
} as const satisfies Record<string, number>;

export type TaxonomyCode = keyof typeof TAXONOMY_HTTP_STATUS;

export const TAXONOMY_CODES = Object.keys(TAXONOMY_HTTP_STATUS) as readonly TaxonomyCode[];

export function httpStatusOf(code: TaxonomyCode): number {
  return TAXONOMY_HTTP_STATUS[code];
}

export function isTaxonomyCode(value: unknown): value is TaxonomyCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(TAXONOMY_HTTP_STATUS, value);
}
