import type { AccountRoute, AccountRoutes } from '@switchboard/accounts';
import { bindChange } from './change-binding';

const scope = { tenantId: '00000000-0000-4000-8000-000000000001', environment: 'live' as const };
const other = { tenantId: '00000000-0000-4000-8000-000000000002', environment: 'live' as const };
const wabas: Record<string, AccountRoute> = {
  '201': { scope, wabaId: '201', appId: '101' },
  '202': { scope, wabaId: '202', appId: '101' },
  '209': { scope: other, wabaId: '209', appId: '109' },
};
const numbers: Record<string, AccountRoute> = {
  '301': wabas['201'] as AccountRoute,
  '302': wabas['202'] as AccountRoute,
  '309': wabas['209'] as AccountRoute,
};
const routes: AccountRoutes = { waba: (id) => wabas[id] ?? null, phoneNumber: (id) => numbers[id] ?? null };

describe('bindChange', () => {
  it("binds a change of the signing app's WABA, routed by its number when the number is known", () => {
    expect(bindChange(routes, '101', '201', undefined)).toEqual({ bound: true, route: wabas['201'] });
    expect(bindChange(routes, '101', '201', '301')).toEqual({ bound: true, route: numbers['301'] });
    // A number Meta added before it was registered here: routed by its WABA.
    expect(bindChange(routes, '101', '201', '399')).toEqual({ bound: true, route: wabas['201'] });
  });

  it("drops a change whose WABA or number is another app's, whose number is in another WABA, or whose WABA nobody registered", () => {
    expect(bindChange(routes, '101', '209', undefined)).toEqual({ bound: false, reason: 'app_mismatch' });
    expect(bindChange(routes, '101', '201', '309')).toEqual({ bound: false, reason: 'app_mismatch' });
    expect(bindChange(routes, '109', '201', '309')).toEqual({ bound: false, reason: 'app_mismatch' });
    expect(bindChange(routes, '101', '201', '302')).toEqual({ bound: false, reason: 'account_mismatch' });
    expect(bindChange(routes, '101', '299', '301')).toEqual({ bound: false, reason: 'unknown_account' });
  });
});
