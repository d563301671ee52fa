export const TEMPLATE_REGISTRY_SETTINGS = Symbol('TEMPLATE_REGISTRY_SETTINGS');

export interface TemplateRegistrySettings {
  /** Interval of the scheduled sync of each tenant environment. */
  readonly syncEveryMs: number;
  /** Page size asked of Graph when listing templates (all pages are read). */
  readonly syncPageSize: number;
  /** Template creations and deletions a tenant environment may have queued or running at once. */
  readonly maxPendingOperations: number;
}

export const DEFAULT_TEMPLATE_REGISTRY_SETTINGS: TemplateRegistrySettings = {
  syncEveryMs: 15 * 60 * 1000,
  syncPageSize: 100,
  maxPendingOperations: 20,
};

/** The principal key id of work done for a scope outside an HTTP request (sync, webhooks, pre-send in the worker). */
export const SYSTEM_KEY_ID = 'system:template-registry';
