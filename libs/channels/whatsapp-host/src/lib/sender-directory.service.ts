import { Injectable } from '@nestjs/common';
import { PhoneNumbersService, WabasService } from '@switchboard/accounts';
import { ShortLivedCache } from '@switchboard/platform';
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

/**
 * How long a tenant environment's numbers are reused by accept: every request needs
 * them, and a change (a test number's list, a removed number) shows within a second, as
 * an API key revocation does; a new number shows at once (a miss reads again). The
 * send-time checks read them fresh.
 */
export const SENDERS_TTL_MS = 1000;

const digits = (value: string) => value.replace(/[^0-9]/g, '');

/** The numbers of one tenant environment, found by phone_number_id or by display number. */
@Injectable()
export class SenderDirectory {
  private readonly cache = new ShortLivedCache<readonly Sender[]>(SENDERS_TTL_MS);

  constructor(
    private readonly wabas: WabasService,
    private readonly numbers: PhoneNumbersService,
  ) {}

  /**
   * A miss in a reused list is read again from the database before it is believed: a number
   * registered a moment ago is found at once. (A removed number may still be found for the TTL.)
   */
  async resolve(scope: { tenantId: string; environment: Environment }, from: string, maxAgeMs = SENDERS_TTL_MS): Promise<Sender | null> {
    const wanted = digits(from);
    if (wanted.length === 0) return null;
    const key = `${scope.tenantId}:${scope.environment}`;
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
