import { isTaxonomyCode, type TaxonomyCode } from '@switchboard/error-taxonomy';
import { z } from 'zod';

// The recorded fixture files a plugin keeps under src/fixtures/, checked when the kit loads them
// so a malformed recording fails as one clear message instead of as a puzzling test.

const taxonomyCode = z.string().refine(isTaxonomyCode, 'a taxonomy code').transform((code) => code as TaxonomyCode);
const jsonRecord = z.record(z.string(), z.unknown());
const outcomeError = z.strictObject({ code: taxonomyCode, retryable: z.boolean() });

const acceptedBody = z.strictObject({
  name: z.string().min(1),
  body: z.unknown(),
  /** What validate() must find, exactly (empty: the message may go). */
  issues: z.array(z.strictObject({ code: taxonomyCode, path: z.string() })).default([]),
});
const refusedBody = z.strictObject({ name: z.string().min(1), body: z.unknown() });

/** Request bodies messageSchema must accept (with validate()'s issues) and refuse. */
export const bodiesFixtureSchema = z.strictObject({
  accepted: z.array(acceptedBody).min(1),
  refused: z.array(refusedBody).min(1),
});

/** The request send() must make: only what is listed is compared (fields as a subset). */
export const recordedRequestSchema = z.strictObject({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  path: z.string().startsWith('/'),
  query: z.record(z.string(), z.string()).optional(),
  /** Media type of the body (`application/json`, `application/x-www-form-urlencoded`). */
  contentType: z.string().optional(),
  /** The Authorization scheme the request must carry (`Bearer`, `Basic`); the credential itself is never recorded. */
  authorization: z.string().min(1).optional(),
  json: z.unknown().optional(),
  form: z.record(z.string(), z.string()).optional(),
});

const recordedResponseSchema = z.strictObject({
  status: z.number().int().min(100).max(599),
  headers: z.record(z.string(), z.string()).default({}),
  /** A JSON value (served as application/json unless headers say otherwise) or raw text. */
  body: z.unknown().optional(),
});

/** One recorded vendor exchange of send(): the message, the request, the answer, the outcome. */
export const exchangeFixtureSchema = z.strictObject({
  name: z.string().min(1),
  message: z.strictObject({ id: z.string().min(1), from: z.string().min(1), to: z.string().min(1), body: z.unknown() }),
  statusCallbackUrl: z.url().optional(),
  request: recordedRequestSchema,
  response: recordedResponseSchema,
  expect: z.union([z.strictObject({ providerMessageId: z.string().min(1) }), z.strictObject({ error: outcomeError })]),
});

export const exchangesFixtureSchema = z
  .array(exchangeFixtureSchema)
  .refine((exchanges) => exchanges.some((e) => 'providerMessageId' in e.expect), 'at least one exchange the vendor accepts')
  .refine((exchanges) => exchanges.some((e) => 'error' in e.expect), 'at least one exchange the vendor refuses');

const expectedEvent = z.union([
  z.strictObject({
    kind: z.literal('status'),
    dedupeKey: z.string(),
    occurredAt: z.iso.datetime(),
    providerMessageId: z.string(),
    messageId: z.string().optional(),
    status: z.enum(['sent', 'delivered', 'read', 'failed']),
    /** The classified failure, compared by code and retryable flag. */
    error: outcomeError.optional(),
    payload: jsonRecord,
  }),
  z.strictObject({
    kind: z.literal('message'),
    dedupeKey: z.string(),
    occurredAt: z.iso.datetime(),
    providerMessageId: z.string(),
    from: z.string(),
    to: z.string(),
    text: z.string().optional(),
    consent: z.enum(['opt_out', 'opt_in']).optional(),
    payload: jsonRecord,
  }),
]);

/** One recorded vendor callback: whether verify() accepts it and the events parse() must return. */
export const inboundFixtureSchema = z
  .strictObject({
    name: z.string().min(1),
    request: z.strictObject({ url: z.url(), headers: z.record(z.string(), z.string()), rawBody: z.string() }),
    verified: z.boolean(),
    events: z.array(expectedEvent).optional(),
  })
  .refine((c) => c.verified === (c.events !== undefined), 'events are listed exactly for a verified request');

export const inboundFixturesSchema = z
  .array(inboundFixtureSchema)
  .refine((cases) => cases.some((c) => c.verified), 'at least one request verify() accepts')
  .refine((cases) => cases.some((c) => !c.verified), 'at least one request verify() refuses');

/** The error-class table: a vendor's error input and the taxonomy's decision for it. */
export const errorsFixtureSchema = z
  .array(z.strictObject({ name: z.string().min(1), input: z.unknown(), code: taxonomyCode, retryable: z.boolean() }))
  .min(1);

export const recipientsFixtureSchema = z.strictObject({
  accepted: z.array(z.strictObject({ input: z.string(), normalised: z.string() })).min(1),
  refused: z.array(z.string()).min(1),
});

export type BodiesFixture = z.output<typeof bodiesFixtureSchema>;
export type RecordedRequest = z.output<typeof recordedRequestSchema>;
export type ExchangeFixture = z.output<typeof exchangeFixtureSchema>;
export type InboundFixture = z.output<typeof inboundFixtureSchema>;
export type ExpectedEvent = z.output<typeof expectedEvent>;
export type ErrorFixture = z.output<typeof errorsFixtureSchema>[number];
export type RecipientsFixture = z.output<typeof recipientsFixtureSchema>;
