import type { Environment } from '@switchboard/tenancy';
import type { AlertKind } from './alerts.constants';

/** One alert: `subject` names what it is about (a phone number, a code, a WABA), so repeats can be held back. */
export interface Alert {
  kind: AlertKind;
  subject: string;
  /** The tenant environment concerned; null for platform-wide alerts (a new Meta code). */
  scope: { tenantId: string; environment: Environment } | null;
  summary: string;
  details: Record<string, string | number | boolean | null>;
}
