import { hashTag } from '@switchboard/redis';

/**
 * Every Redis key of the send limits and the circuit, built in one place: a script call's
 * keys are all listed here, so a layout change is one edit. Every key of one call carries one
 * hash tag, so on a Redis Cluster the call's keys share a slot: the send's portfolio (its WABA
 * unless the caller names a portfolio) for the limits, and the same tag for the account's
 * circuit, which the send checks in the same call (a caller naming a portfolio gives its
 * circuits that tag too).
 */
export class RateLimitKeys {
  constructor(private readonly prefix: string) {}

  /** The number's next slot (GCRA tat), next turn, log of recent slots' release times, and margins reported by processes. */
  throughput(tag: string, phoneNumberId: string): [tat: string, turn: string, log: string, margins: string] {
    const base = `${this.base(tag)}:tp:${phoneNumberId}`;
    return [base, `${base}:next`, `${base}:log`, `${base}:margin`];
  }

  pair(tag: string, phoneNumberId: string, recipient: string): string {
    return `${this.base(tag)}:pair:${phoneNumberId}:${recipient}`;
  }

  /** The portfolio's recipients and its next turn. */
  portfolio(tag: string): [recipients: string, turn: string] {
    return [`${this.base(tag)}:pf`, `${this.base(tag)}:pf:next`];
  }

  /** The WABA's last Graph usage report and its usage pacing. */
  usage(tag: string, wabaId: string): [report: string, pacing: string] {
    return [`${this.base(tag)}:usage:${wabaId}`, `${this.base(tag)}:pace:${wabaId}`];
  }

  /** A circuit's failure count, open flag, tripped flag (half-open after the open period) and probe lock. */
  circuit(tag: string, circuitKey: string): [failures: string, open: string, tripped: string, probe: string] {
    const base = `${this.base(tag)}:circuit:${circuitKey}`;
    return [`${base}:failures`, `${base}:open`, `${base}:tripped`, `${base}:probe`];
  }

  /** A tenant environment's request quota counter (one key per call: no tag needed). */
  tenant(tenantId: string, environment: string): string {
    return `${this.prefix}:tenant:${tenantId}:${environment}`;
  }

  private base(tag: string): string {
    return `${this.prefix}:${hashTag(tag)}`;
  }
}
