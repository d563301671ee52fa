import type { AccountScope } from '@switchboard/accounts';
import type { MessageStatusChange, StatusResult } from '@switchboard/messaging';

type StartedFallback = StatusResult['fallbacks'][number];
import type { RejectReason } from '../webhook-ingest.metrics';

/** Where a tally stood before an item, to forget what the item added when its savepoint is rolled back. */
export interface TallyMark {
  counts: Map<string, number>;
  rejections: Map<RejectReason, number>;
  deliveries: number;
  changes: number;
  fallbacks: number;
  pending: number;
  metaErrors: number;
}

/**
 * What one payload's transaction collects: outcome counts and rejections (counted once it
 * has committed, so a retried payload is not counted twice), and the tenant event
 * deliveries, live status changes, pending statuses and Meta error codes to send, look up or
 * note after the commit (never on a second connection while the transaction holds one);
 * and whether its items run in savepoints (a run after one item's data failed the payload).
 */
export class PayloadTally {
  private counts = new Map<string, number>();
  private rejections = new Map<RejectReason, number>();
  readonly deliveries: string[] = [];
  readonly changes: MessageStatusChange[] = [];
  /** Fallbacks a `failed` status started: their jobs go out after the commit. */
  readonly fallbacks: StartedFallback[] = [];
  readonly pending: Array<{ scope: AccountScope; wamid: string }> = [];
  /** Meta error codes the statuses carried: noted (first sightings alerted) after the commit, on connections of their own. */
  readonly metaErrors: Array<{ scope: AccountScope; code: number | string; title?: string | undefined }> = [];

  constructor(readonly isolateItems: boolean) {}

  count(field: string, outcome: string): void {
    const key = `${field}\u0000${outcome}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  reject(reason: RejectReason): void {
    this.rejections.set(reason, (this.rejections.get(reason) ?? 0) + 1);
  }

  deliver(deliveryIds: readonly string[]): void {
    this.deliveries.push(...deliveryIds);
  }

  /** The status machine's message.status deliveries, timeline changes and started fallbacks. */
  afterCommit(result: Pick<StatusResult, 'deliveries' | 'changes' | 'fallbacks'>): void {
    this.deliveries.push(...result.deliveries);
    this.changes.push(...result.changes);
    this.fallbacks.push(...result.fallbacks);
  }

  metaError(scope: AccountScope, error: { code: number | string; title?: string | undefined }): void {
    this.metaErrors.push({ scope, code: error.code, title: error.title });
  }

  /** A status left pending: looked up again once this payload has committed. */
  pendingStatus(scope: AccountScope, wamid: string): void {
    this.pending.push({ scope, wamid });
  }

  /** The pending statuses' provider ids per tenant environment: one lookup each after the commit. */
  pendingByScope(): Array<{ scope: AccountScope; wamids: string[] }> {
    const byScope = new Map<string, { scope: AccountScope; wamids: string[] }>();
    for (const { scope, wamid } of this.pending) {
      const key = `${scope.tenantId}\u0000${scope.environment}`;
      const group = byScope.get(key) ?? { scope, wamids: [] };
      group.wamids.push(wamid);
      byScope.set(key, group);
    }
    return [...byScope.values()];
  }

  mark(): TallyMark {
    return { counts: new Map(this.counts), rejections: new Map(this.rejections), deliveries: this.deliveries.length, changes: this.changes.length, fallbacks: this.fallbacks.length, pending: this.pending.length, metaErrors: this.metaErrors.length };
  }

  rewind(mark: TallyMark): void {
    this.counts = new Map(mark.counts);
    this.rejections = new Map(mark.rejections);
    this.deliveries.length = mark.deliveries;
    this.changes.length = mark.changes;
    this.fallbacks.length = mark.fallbacks;
    this.pending.length = mark.pending;
    this.metaErrors.length = mark.metaErrors;
  }

  outcomes(): Array<{ field: string; outcome: string; count: number }> {
    return [...this.counts].map(([key, count]) => {
      const [field, outcome] = key.split('\u0000') as [string, string];
      return { field, outcome, count };
    });
  }

  rejected(): Array<{ reason: RejectReason; count: number }> {
    return [...this.rejections].map(([reason, count]) => ({ reason, count }));
  }
}
