import { Injectable } from '@nestjs/common';
import { PhoneNumbersService, WabasService } from '@switchboard/accounts';
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

/** The numbers of one tenant environment, found by phone_number_id or by display number. */
@Injectable()
export class SenderDirectory {
  constructor(
    private readonly wabas: WabasService,
    private readonly numbers: PhoneNumbersService,
  ) {}

  async resolve(scope: { tenantId: string; environment: Environment }, from: string): Promise<Sender | null> {
    const wanted = digits(from);
    if (wanted.length === 0) return null;
    for (const waba of await this.wabas.listForScope(scope.tenantId, scope.environment)) {
      for (const number of await this.numbers.listForWaba(waba)) {
        if (number.phoneNumberId === from.trim() || digits(number.displayPhoneNumber) === wanted) {
          return {
            phoneNumberId: number.phoneNumberId,
            wabaId: waba.wabaId,
            displayPhoneNumber: number.displayPhoneNumber,
            testRecipients: number.testNumber ? number.testRecipients : null,
          };
        }
      }
    }
    return null;
  }
}
