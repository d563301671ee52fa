/**
 * Every Redis key of the send limits and the circuit, built in one place: a script call's
 * keys are all listed here, so a layout change (say, hash tags for a cluster) is one edit.
 * A number's keys share the base `<prefix>:tp:<phoneNumberId>`.
 */
export class RateLimitKeys {
  constructor(private readonly prefix: string) {}

  /** The number's next slot (GCRA tat), next turn, log of recent slots' release times, and margins reported by processes. */
  throughput(phoneNumberId: string): [tat: string, turn: string, log: string, margins: string] {
    const base = `${this.prefix}:tp:${phoneNumberId}`;
    return [base, `${base}:next`, `${base}:log`, `${base}:margin`];
  }

  pair(phoneNumberId: string, recipient: string): string {
    return `${this.prefix}:pair:${phoneNumberId}:${recipient}`;
  }

  /** The portfolio's recipients and its next turn. */
  portfolio(portfolioKey: string): [recipients: string, turn: string] {
    return [`${this.prefix}:pf:${portfolioKey}`, `${this.prefix}:pf:${portfolioKey}:next`];
  }

  /** The WABA's last Graph usage report and its usage pacing. */
  usage(wabaId: string): [report: string, pacing: string] {
    return [`${this.prefix}:usage:${wabaId}`, `${this.prefix}:pace:${wabaId}`];
  }

  /** A circuit's failure count, open flag, tripped flag (half-open after the open period) and probe lock. */
  circuit(circuitKey: string): [failures: string, open: string, tripped: string, probe: string] {
    const base = `${this.prefix}:circuit:${circuitKey}`;
    return [`${base}:failures`, `${base}:open`, `${base}:tripped`, `${base}:probe`];
  }

  /** A tenant environment's request quota counter. */
  tenant(tenantId: string, environment: string): string {
    return `${this.prefix}:tenant:${tenantId}:${environment}`;
  }
}
