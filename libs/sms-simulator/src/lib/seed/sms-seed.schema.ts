import { z } from 'zod';

/** E.164: a plus, a non-zero country digit, at most 15 digits in all. */
export const E164 = /^\+[1-9]\d{1,14}$/;
const e164 = z.string().regex(E164, 'must be an E.164 number (+ and up to 15 digits)');
const httpUrl = z.url({ protocol: /^https?$/ });

/** Statuses an outbound message moves through after it is created. */
export const callbackStatuses = ['queued', 'sent', 'delivered', 'undelivered', 'failed'] as const;
export type CallbackStatus = (typeof callbackStatuses)[number];

const deliveryCode = z.number().int().min(30000).max(39999);

/**
 * What the network does with a message to one recipient. `rejected` answers
 * the create call with that REST error (21211, 21614, 21408...); `failed` and
 * `undelivered` end the message with a delivery error code; `sent` never gets
 * a delivery receipt (the message stays `sent`, as with carriers that send none).
 */
export const recipientOutcomeSchema = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('rejected'), errorCode: z.number().int().min(20000).max(29999) }),
  z.object({ outcome: z.literal('failed'), errorCode: deliveryCode }),
  z.object({ outcome: z.literal('undelivered'), errorCode: deliveryCode }),
  z.object({ outcome: z.literal('sent') }),
]);
export type RecipientOutcome = z.infer<typeof recipientOutcomeSchema>;

const statusDelays = z.object({
  /** After creation, through a Messaging Service only (`accepted` -> `queued`). */
  queued: z.number().int().min(0).default(2),
  /** After `queued`: `sent`, or `failed` for a message that fails before the carrier. */
  sent: z.number().int().min(0).default(5),
  /** After `sent`: `delivered` or `undelivered`. */
  delivered: z.number().int().min(0).default(10),
});

export const smsSettingsSchema = z.object({
  /** Where inbound messages are posted (the number's messaging URL); null: nowhere. */
  inboundUrl: httpUrl.nullable().default(null),
  statusDelaysMs: statusDelays.default(statusDelays.parse({})),
  /**
   * Extra wait before a status's callback is posted, the message's state
   * changing on time regardless: `{sent: 100}` makes `delivered` arrive before
   * `sent` (reordered), a large value makes a callback late.
   */
  callbackLagMs: z.partialRecord(z.enum(callbackStatuses), z.number().int().min(0).max(3_600_000)).default({}),
  /** Extra copies of every callback (Twilio may post one more than once). */
  duplicateCallbacks: z.number().int().min(0).max(10).default(0),
  /** Statuses whose callbacks are never posted (lost callbacks; reconcile with GET). */
  dropCallbacks: z.array(z.enum(callbackStatuses)).default([]),
  /**
   * Per-sender throughput, off by default. `reject` answers 20429 above `mps`;
   * `queue` holds messages like Twilio's sender queue: the wait delays `sent`,
   * a message that would wait past its ValidityPeriod fails with 30036, and a
   * backlog longer than `queueLimitMs` fails new messages with 30001.
   */
  senderRate: z
    .object({
      mps: z.number().positive().max(10_000),
      mode: z.enum(['reject', 'queue']).default('reject'),
      queueLimitMs: z.number().int().min(1).default(4 * 3_600_000),
    })
    .nullable()
    .default(null),
  callbackTimeoutMs: z.number().int().min(1).max(60_000).default(5000),
  /** Requests and callback attempts kept for inspection; 0 disables recording. */
  recordLimit: z.number().int().min(0).default(5000),
  /** Mixed into generated sids so two simulators' ids differ while each run repeats. */
  randomSeed: z.number().int().default(1),
});
export type SmsSettings = z.output<typeof smsSettingsSchema>;
export type SmsSettingsInput = z.input<typeof smsSettingsSchema>;

export const smsAccountSchema = z.object({
  accountSid: z.string().regex(/^AC[0-9a-f]{32}$/, 'must be AC and 32 lowercase hex digits'),
  authToken: z.string().min(8),
  friendlyName: z.string().min(1).default('Simulated account'),
  /** The account's message-capable numbers, E.164. */
  numbers: z.array(e164).min(1),
  messagingServices: z
    .array(
      z.object({
        sid: z.string().regex(/^MG[0-9a-f]{32}$/, 'must be MG and 32 lowercase hex digits'),
        /** Sender pool; each must be one of the account's numbers. The first sends. */
        numbers: z.array(e164).min(1),
      }),
    )
    .default([]),
});
export type SmsAccount = z.output<typeof smsAccountSchema>;

export const smsSeedSchema = z
  .object({
    accounts: z.array(smsAccountSchema).min(1),
    /** Per-recipient network behaviour; any other recipient is delivered. */
    recipients: z.record(z.string().regex(E164), recipientOutcomeSchema).default({}),
    simulation: smsSettingsSchema.partial().default({}),
  })
  .superRefine((seed, ctx) => {
    const owners = new Map<string, string>();
    seed.accounts.forEach((account, index) => {
      for (const number of account.numbers) {
        const owner = owners.get(number);
        if (owner !== undefined) ctx.addIssue({ code: 'custom', path: ['accounts', index, 'numbers'], message: `${number} already belongs to ${owner}` });
        owners.set(number, account.accountSid);
      }
      account.messagingServices.forEach((service, serviceIndex) => {
        const foreign = service.numbers.find((number) => !account.numbers.includes(number));
        if (foreign) {
          ctx.addIssue({ code: 'custom', path: ['accounts', index, 'messagingServices', serviceIndex, 'numbers'], message: `${foreign} is not a number of the account` });
        }
      });
    });
  });
export type SmsSeed = z.input<typeof smsSeedSchema>;
export type ParsedSmsSeed = z.output<typeof smsSeedSchema>;
