import { z } from 'zod';
import { routeKinds, type RouteKind } from './route-kind';

export const faultKinds = ['error', 'latency', 'hang', 'empty-5xx', 'drop'] as const;
export type FaultKind = (typeof faultKinds)[number];

export const faultSpecSchema = z
  .object({
    /**
     * error: answer Graph error `code`; latency: answer normally after `latencyMs`;
     * hang: never answer (until the simulator closes), i.e. the client's timeout fires;
     * empty-5xx: `httpStatus` (default 503) with no body; drop: destroy the socket.
     */
    kind: z.enum(faultKinds),
    /** How many matching calls the fault applies to. */
    count: z.number().int().min(1).default(1),
    match: z
      .object({
        route: z.enum(routeKinds).optional(),
        phoneNumberId: z.string().optional(),
        method: z
          .string()
          .transform((value) => value.toUpperCase())
          .optional(),
      })
      .default({}),
    code: z.number().int().min(0).optional(),
    httpStatus: z.number().int().min(100).max(599).optional(),
    details: z.string().optional(),
    /** Added before the outcome; for `latency` it is the whole effect. */
    latencyMs: z.number().int().min(0).max(600_000).optional(),
  })
  .refine((spec) => spec.kind !== 'error' || spec.code !== undefined, {
    message: 'an error fault needs a code',
    path: ['code'],
  });

export type FaultSpec = z.input<typeof faultSpecSchema>;
export type ParsedFaultSpec = z.output<typeof faultSpecSchema>;

export interface Fault extends ParsedFaultSpec {
  id: string;
  remaining: number;
  createdAt: string;
}

export interface FaultTarget {
  route: RouteKind;
  method: string;
  phoneNumberId: string | undefined;
}

/**
 * Queue of armed faults. Each Graph request takes the first armed fault that
 * matches it, which lets a test script "the next two sends on number X time
 * out, then succeed".
 */
export class FaultInjector {
  private faults: Fault[] = [];
  private nextId = 1;

  add(spec: FaultSpec): Fault {
    const parsed = faultSpecSchema.parse(spec);
    const fault: Fault = { ...parsed, id: `fault-${this.nextId++}`, remaining: parsed.count, createdAt: new Date().toISOString() };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
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
  take(target: FaultTarget): Fault | undefined {
    const fault = this.faults.find((candidate) => matches(candidate, target));
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((candidate) => candidate !== fault);
    return { ...fault };
  }
}

function matches(fault: Fault, target: FaultTarget): boolean {
  const { route, phoneNumberId, method } = fault.match;
  if (route !== undefined && route !== target.route) return false;
  if (phoneNumberId !== undefined && phoneNumberId !== target.phoneNumberId) return false;
  if (method !== undefined && method !== target.method) return false;
  return true;
}
