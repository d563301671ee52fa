import { ArmedFaults, type ArmedFault } from '@switchboard/simulator-support';
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

export type Fault = ArmedFault<ParsedFaultSpec>;

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
export class FaultInjector extends ArmedFaults<ParsedFaultSpec, FaultTarget> {
  constructor() {
    super('fault', (spec) => faultSpecSchema.parse(spec), matches);
  }
}

function matches(fault: ParsedFaultSpec, target: FaultTarget): boolean {
  const { route, phoneNumberId, method } = fault.match;
  if (route !== undefined && route !== target.route) return false;
  if (phoneNumberId !== undefined && phoneNumberId !== target.phoneNumberId) return false;
  if (method !== undefined && method !== target.method) return false;
  return true;
}
