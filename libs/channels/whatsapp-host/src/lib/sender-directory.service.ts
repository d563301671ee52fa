import { Injectable } from '@nestjs/common';
import { ACCOUNTS_CACHE_TOPIC, accountsCacheKeys, PhoneNumbersService, WabasService } from '@switchboard/accounts';
import { CacheInvalidation, type InvalidatingCache } from '@switchboard/platform';
import type { Environment } from '@switchboard/tenancy';

export interface Sender {
  /** Meta's phone_number_id. */
  readonly phoneNumberId: string;
  /** Meta's WABA id of the number. */
  readonly wabaId: string;
  /** As registered; its country is how a recipient without a country code is read. */
  readonly displayPhoneNumber: string;
  /** Set for a Meta public test number: the only recipients it delivers to (E.164 digits). */
  readonly testRecipients: readonly string[] | null;
}

const digits = (value: string) => value.replace(/[^0-9]/g, '');

/**
 * The numbers of one tenant environment, found by phone_number_id or by display number. Every
 * request needs them: the list is kept by each process until a WABA or number of the
 * environment changes anywhere (accounts' invalidations). The send-time checks read it fresh.
 */
@Injectable()
export class SenderDirectory {
  private readonly cache: InvalidatingCache<readonly Sender[]>;

  constructor(
    private readonly wabas: WabasService,
    private readonly numbers: PhoneNumbersService,
    caches: CacheInvalidation,
  ) {
    this.cache = caches.cache(ACCOUNTS_CACHE_TOPIC, 'senders');
  }

  /**
   * A miss in a kept list is read again from the database before it is believed: a number
   * registered in another process a moment ago is found even before its invalidation arrives.
   * `maxAgeMs` 0: read now.
   */
  async resolve(scope: { tenantId: string; environment: Environment }, from: string, maxAgeMs?: number): Promise<Sender | null> {
    const wanted = digits(from);
    if (wanted.length === 0) return null;
    const key = accountsCacheKeys.environment(scope);
    const find = (senders: readonly Sender[]) => senders.find((sender) => sender.phoneNumberId === from.trim() || digits(sender.displayPhoneNumber) === wanted) ?? null;
    const asked = Date.now();
    const found = find(await this.cache.get(key, () => this.load(scope), maxAgeMs));
    if (found || maxAgeMs === 0) return found;
    // Any list read since this call began is fresh enough: concurrent misses share one read.
    return find(await this.cache.get(key, () => this.load(scope), Date.now() - asked + 1));
  }

  private async load(scope: { tenantId: string; environment: Environment }): Promise<readonly Sender[]> {
    const senders: Sender[] = [];
    for (const waba of await this.wabas.listForScope(scope.tenantId, scope.environment)) {
      for (const number of await this.numbers.listForWaba(waba)) {
        senders.push({
          phoneNumberId: number.phoneNumberId,
          wabaId: waba.wabaId,
          displayPhoneNumber: number.displayPhoneNumber,
          testRecipients: number.testNumber ? number.testRecipients : null,
        });
      }
    }
    return senders;
  }
}
