import type { MessageStatusChange } from '@switchboard/messaging';
import { PayloadTally } from './payload-tally';

const scope = { tenantId: '00000000-0000-4000-8000-000000000001', environment: 'live' as const };

const change: MessageStatusChange = { messageId: 'msg_1', ...scope, status: 'delivered', messageStatus: 'delivered', at: new Date().toISOString(), error: null };

describe('PayloadTally', () => {
  it('forgets what a rolled-back item added (counts, rejections, deliveries, changes, pending, Meta error codes) and keeps what came before', () => {
    const tally = new PayloadTally(true);
    tally.count('messages.status', 'applied');
    tally.deliver(['d1']);
    tally.reject('app_mismatch');
    tally.metaError(scope, { code: 131026, title: 'Message undeliverable' });
    const mark = tally.mark();

    tally.count('messages.status', 'applied');
    tally.count('messages.inbound', 'stored');
    tally.deliver(['d2', 'd3']);
    tally.afterCommit({ deliveries: ['d4'], changes: [change], fallbacks: [] });
    tally.pendingStatus(scope, 'wamid.1');
    tally.metaError(scope, { code: 131049 });
    tally.reject('invalid');
    tally.rewind(mark);
    tally.reject('invalid');

    expect(tally.outcomes()).toEqual([{ field: 'messages.status', outcome: 'applied', count: 1 }]);
    expect(tally.rejected()).toEqual([
      { reason: 'app_mismatch', count: 1 },
      { reason: 'invalid', count: 1 },
    ]);
    expect(tally.deliveries).toEqual(['d1']);
    expect(tally.changes).toEqual([]);
    expect(tally.pending).toEqual([]);
    expect(tally.metaErrors).toEqual([{ scope, code: 131026, title: 'Message undeliverable' }]);
  });
});
