import type { ParsedSmsSeed, RecipientOutcome, SmsAccount } from '../seed/sms-seed.schema';
import type { SmsMessageRecord } from '../messages/message.record';

/** Accounts, numbers, messages and opt-outs; everything is in memory and `reset()` returns to the seed. */
export class SmsState {
  readonly accounts = new Map<string, SmsAccount>();
  /** Number -> owning account sid. */
  readonly numberOwners = new Map<string, string>();
  /** Messaging Service sid -> its account and sender pool. */
  readonly services = new Map<string, { accountSid: string; numbers: string[] }>();
  readonly recipients = new Map<string, RecipientOutcome>();
  readonly messages = new Map<string, SmsMessageRecord>();
  /** `${ourNumber} ${user}` pairs where the user replied an opt-out keyword. */
  private readonly optOuts = new Set<string>();
  private sidCounter = 0;

  constructor(private readonly seed: ParsedSmsSeed) {
    this.reset();
  }

  reset(): void {
    this.accounts.clear();
    this.numberOwners.clear();
    this.services.clear();
    this.recipients.clear();
    this.messages.clear();
    this.optOuts.clear();
    this.sidCounter = 0;
    for (const account of this.seed.accounts) {
      this.accounts.set(account.accountSid, structuredClone(account));
      for (const number of account.numbers) this.numberOwners.set(number, account.accountSid);
      for (const service of account.messagingServices) this.services.set(service.sid, { accountSid: account.accountSid, numbers: [...service.numbers] });
    }
    for (const [number, outcome] of Object.entries(this.seed.recipients)) this.recipients.set(number, outcome);
  }

  nextCounter(): number {
    this.sidCounter += 1;
    return this.sidCounter;
  }

  optOut(ourNumber: string, user: string): void {
    this.optOuts.add(`${ourNumber} ${user}`);
  }

  optIn(ourNumber: string, user: string): void {
    this.optOuts.delete(`${ourNumber} ${user}`);
  }

  isOptedOut(ourNumber: string, user: string): boolean {
    return this.optOuts.has(`${ourNumber} ${user}`);
  }

  listOptOuts(): { number: string; recipient: string }[] {
    return [...this.optOuts].map((pair) => {
      const [number, recipient] = pair.split(' ');
      return { number, recipient };
    });
  }
}
