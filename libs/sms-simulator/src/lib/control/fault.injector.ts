import { ArmedFaults, type ArmedFault } from '@switchboard/simulator-support';
import { z } from 'zod';
import { callbackStatuses } from '../seed/sms-seed.schema';

export const faultKinds = ['error', 'latency', 'timeout', 'reset', 'http5xx', 'callbacks'] as const;
export type FaultKind = (typeof faultKinds)[number];

/** The two Twilio calls a fault can aim at. */
export const smsRoutes = ['send', 'fetch'] as const;
export type SmsRoute = (typeof smsRoutes)[number];

export const faultSpecSchema = z
  .object({
    /**
     * error: a REST error `code` (2xxxx, e.g. 20429 answers 429) or, for a delivery
     * code (3xxxx, e.g. 30001), an accepted send that then ends with that code;
     * latency: answer normally after `latencyMs`; timeout: never answer (until
     * close), so the client's timeout fires; reset: destroy the connection;
     * http5xx: `status` (default 500) with Twilio's 20500 body; callbacks: the
     * send is accepted and its callbacks are duplicated, dropped or lagged.
     */
    kind: z.enum(faultKinds),
    /** How many matching calls the fault applies to. */
    count: z.number().int().min(1).default(1),
    match: z
      .object({
        route: z.enum(smsRoutes).optional(),
        accountSid: z.string().optional(),
        to: z.string().optional(),
        from: z.string().optional(),
      })
      .default({}),
    code: z.number().int().min(20000).max(39999).optional(),
    /** HTTP status for `error` (default: Twilio's for the code) and `http5xx` (default 500). */
    status: z.number().int().min(400).max(599).optional(),
    /** Added before the outcome; for `latency` it is the whole effect. */
    latencyMs: z.number().int().min(0).max(600_000).optional(),
    duplicateCallbacks: z.number().int().min(0).max(10).optional(),
    dropCallbacks: z.array(z.enum(callbackStatuses)).optional(),
    callbackLagMs: z.partialRecord(z.enum(callbackStatuses), z.number().int().min(0).max(3_600_000)).optional(),
  })
  .refine((spec) => spec.kind !== 'error' || spec.code !== undefined, { message: 'an error fault needs a code', path: ['code'] });

export type FaultSpec = z.input<typeof faultSpecSchema>;
export type ParsedFaultSpec = z.output<typeof faultSpecSchema>;

export type Fault = ArmedFault<ParsedFaultSpec>;

export interface FaultTarget {
  route: SmsRoute;
  accountSid: string;
  to?: string;
  from?: string;
}

/** Armed faults; each matching call takes one use of the first that matches. */
export class FaultInjector extends ArmedFaults<ParsedFaultSpec, FaultTarget> {
  constructor() {
    super('sms-fault', (spec) => faultSpecSchema.parse(spec), matches);
  }
}

function matches(fault: ParsedFaultSpec, target: FaultTarget): boolean {
  const { route, accountSid, to, from } = fault.match;
  // Callback and delivery faults only make sense on a send.
  const sendOnly = fault.kind === 'callbacks' || (fault.kind === 'error' && (fault.code ?? 0) >= 30000);
  if (sendOnly && target.route !== 'send') return false;
  return (
    (route === undefined || route === target.route) &&
    (accountSid === undefined || accountSid === target.accountSid) &&
    (to === undefined || to === target.to) &&
    (from === undefined || from === target.from)
  );
}
