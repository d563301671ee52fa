import { z } from 'zod';
import { ENDPOINT_TEST_EVENT_TYPE, TENANT_EVENT_TYPES } from './tenant-events.constants';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Newest first; the cursor is opaque (creation time in microseconds and id of the last row of a page). */
export const listDeliveriesQuerySchema = z.strictObject({
  status: z.enum(DELIVERY_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z
    .string()
    .regex(/^[0-9]{1,20}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'nextCursor of the previous page')
    .optional(),
});
export type ListDeliveriesQuery = z.infer<typeof listDeliveriesQuerySchema>;

export const deliveryViewSchema = z.object({
  id: z.uuid(),
  endpointId: z.uuid(),
  /** The `webhook-id` of every attempt of this event. */
  eventId: z.uuid(),
  type: z.enum([...TENANT_EVENT_TYPES, ENDPOINT_TEST_EVENT_TYPE]),
  status: z.enum(DELIVERY_STATUSES),
  /** Attempts since the delivery was created or last replayed. */
  attempts: z.number().int(),
  replays: z.number().int(),
  /** When the next attempt is due; null once delivered or dead. */
  nextAttemptAt: z.iso.datetime().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.iso.datetime(),
  deliveredAt: z.iso.datetime().nullable(),
});
export type DeliveryView = z.infer<typeof deliveryViewSchema>;

export const deliveryListSchema = z.object({
  data: z.array(deliveryViewSchema),
  nextCursor: z.string().nullable(),
});
