export const ACCOUNTS_SETTINGS = Symbol('ACCOUNTS_SETTINGS');

export interface AccountsSettings {
  /** Default Graph origin (GRAPH_API_BASE_URL); an environment may override it. */
  graphBaseUrl: string;
  graphVersion: string;
  /** Exchange 60-day tokens this many days before they expire. */
  tokenRefreshDaysBeforeExpiry?: number;
}
