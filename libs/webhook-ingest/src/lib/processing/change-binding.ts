import type { AccountRoute, AccountRoutes } from '@switchboard/accounts';
import type { RejectReason } from '../webhook-ingest.metrics';

export type Binding = { bound: true; route: AccountRoute } | { bound: false; reason: Exclude<RejectReason, 'invalid'> };

/**
 * The account a change of entry `wabaId` is applied to, if the Meta app whose secret
 * signed the payload may speak for it. A payload is only as trustworthy as its signer:
 * the entry's WABA must be registered under the signing app, and a phone number the
 * change names must be one of that WABA's (when we know the number; an unknown one is
 * routed by the WABA, as a number Meta added before it was registered here). Anything
 * else is dropped, never applied to whichever tenant the ids happen to belong to.
 */
export function bindChange(routes: AccountRoutes, signingAppId: string, wabaId: string, phoneNumberId: string | undefined): Binding {
  const waba = routes.waba(wabaId);
  if (!waba) return { bound: false, reason: 'unknown_account' };
  if (waba.appId !== signingAppId) return { bound: false, reason: 'app_mismatch' };
  const number = phoneNumberId === undefined ? null : routes.phoneNumber(phoneNumberId);
  if (!number) return { bound: true, route: waba };
  if (number.appId !== signingAppId) return { bound: false, reason: 'app_mismatch' };
  if (number.wabaId !== wabaId) return { bound: false, reason: 'account_mismatch' };
  return { bound: true, route: number };
}
