import type { GraphApiClient } from '@switchboard/graph-api-client';
import type { Environment } from '@switchboard/tenancy';

/** One tenant environment: every template belongs to exactly one. */
export interface TemplateScope {
  readonly tenantId: string;
  readonly environment: Environment;
}

/** What the registry needs to call Graph for one WABA. */
export interface WabaAccess {
  /** Meta's WABA id. */
  wabaId: string;
  accessToken: string;
  /** A client for the Graph origin of this environment (the simulator in tests and sandboxes). */
  graph: GraphApiClient;
}

/**
 * The port through which the registry learns a scope's WABAs. It deliberately knows
 * nothing about how WABAs, tokens and Graph origins are stored: the accounts lib
 * implements it, tests implement it over the simulator.
 */
export interface WabaAccessResolver {
  resolve(scope: { tenantId: string; environment: 'live' | 'test' }): Promise<WabaAccess[]>;
}

export const WABA_ACCESS_RESOLVER = Symbol('WABA_ACCESS_RESOLVER');
