/** What the platform alerts on (issue 8 point 4). */
export const ALERT_KINDS = ['failure_rate', 'new_meta_error', 'quality_downgrade', 'token_problem'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface AlertsSettings {
  /** Operator sink for Slack-compatible JSON (`{text}`); unset: no POST. */
  webhookUrl: string | undefined;
  /** Failed share of a phone number's sends that raises `failure_rate`. */
  failureRateThreshold: number;
  failureWindowMs: number;
  /** Sends in the window below which a rate says nothing. */
  failureMinSends: number;
  /** The same alert (kind + subject) is raised again at most this often per process. */
  repeatAfterMs: number;
}

export const DEFAULT_ALERTS_SETTINGS: AlertsSettings = {
  webhookUrl: undefined,
  failureRateThreshold: 0.02,
  failureWindowMs: 15 * 60_000,
  failureMinSends: 20,
  repeatAfterMs: 60 * 60_000,
};

export const ALERTS_SETTINGS = Symbol('ALERTS_SETTINGS');
