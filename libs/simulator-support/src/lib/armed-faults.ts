/** A fault a test armed: its spec, an id, how many more calls it applies to, and when it was armed. */
export type ArmedFault<Spec> = Spec & { id: string; remaining: number; createdAt: string };

/**
 * Queue of armed faults for a vendor simulator. Each call takes the first armed fault that
 * matches it and uses it up after `count` calls, which lets a test script "the next two sends
 * to X time out, then succeed". The simulator gives the spec's parser and the match rule.
 */
export class ArmedFaults<Spec extends { count: number }, Target> {
  private faults: ArmedFault<Spec>[] = [];
  private nextId = 1;

  constructor(
    private readonly idPrefix: string,
    private readonly parse: (spec: unknown) => Spec,
    private readonly matches: (fault: Spec, target: Target) => boolean,
  ) {}

  add(spec: unknown): ArmedFault<Spec> {
    const parsed = this.parse(spec);
    const fault: ArmedFault<Spec> = { ...parsed, id: `${this.idPrefix}-${this.nextId++}`, remaining: parsed.count, createdAt: new Date().toISOString() };
    this.faults.push(fault);
    return { ...fault };
  }

  list(): ArmedFault<Spec>[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((fault) => fault.id !== id);
    return this.faults.length !== before;
  }

  clear(): void {
    this.faults = [];
  }

  /** Consumes one use of the first matching fault. */
  take(target: Target): ArmedFault<Spec> | undefined {
    const fault = this.faults.find((candidate) => this.matches(candidate, target));
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((candidate) => candidate !== fault);
    return { ...fault };
  }
}
