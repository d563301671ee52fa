import { z } from 'zod';

/** What starts a fallback to the next channel. */
export const FALLBACK_TRIGGERS = ['undeliverable', 'failed', 'not_delivered'] as const;
export type FallbackTrigger = (typeof FALLBACK_TRIGGERS)[number];

/** Bounds of a "not delivered within" wait. */
export const FALLBACK_WITHIN_MIN_S = 10;
export const FALLBACK_WITHIN_MAX_S = 72 * 3600;

/**
 * One step of a message's route: the channel it falls back to, when, and what it sends there.
 * `when` lists the triggers: `undeliverable` (the channel refused the recipient: not on
 * WhatsApp, window closed and no template, marketing stopped), `failed` (a terminal failed
 * status) and `not_delivered` (no `delivered`/`read` within `withinSeconds`).
 */
export const fallbackStepSchema = z
  .strictObject({
    channel: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'a channel id such as sms'),
    when: z.array(z.enum(FALLBACK_TRIGGERS)).min(1).default(['undeliverable', 'failed']),
    withinSeconds: z
      .number()
      .int()
      .min(FALLBACK_WITHIN_MIN_S)
      .max(FALLBACK_WITHIN_MAX_S)
      .optional()
      .describe('for `not_delivered`: seconds to wait for `delivered`/`read` (10 s to 72 h)'),
    from: z.string().min(1).max(64).optional().describe("the fallback channel's sender; default its connection's first"),
    text: z.string().min(1).max(1600).describe('what the fallback channel sends'),
  })
  .refine((step) => !step.when.includes('not_delivered') || step.withinSeconds !== undefined, {
    message: '`not_delivered` needs withinSeconds (10 s to 72 h)',
    path: ['withinSeconds'],
  });
export type FallbackStep = z.infer<typeof fallbackStepSchema>;

/**
 * A fallback step as accept resolved it: the channel's sender, recipient and payload are
 * checked and stored with the message, so starting the fallback later needs no lookup and
 * cannot fail on a request that was accepted.
 */
export interface RouteStep {
  readonly channel: string;
  readonly when: readonly FallbackTrigger[];
  readonly withinSeconds?: number;
  readonly sender: string;
  readonly accountId: string;
  readonly to: string;
  readonly type: string;
  readonly payload: Record<string, unknown>;
}

/** Whether a step starts on this trigger: a step taken on `failed` also takes the recipient-class failures. */
export function startsOn(step: RouteStep, trigger: FallbackTrigger): boolean {
  return step.when.includes(trigger) || (trigger === 'undeliverable' && step.when.includes('failed'));
}
