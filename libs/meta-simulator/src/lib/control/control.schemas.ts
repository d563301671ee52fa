import { z } from 'zod';
import {
  messagingLimitTiers,
  qualityRatings,
  templateStatuses,
  throughputLevels,
  tokenSeedSchema,
} from '../seed/simulator-seed.schema';

export const inboundMessageSchema = z.object({
  phoneNumberId: z.string().min(1),
  /** The user's wa_id (digits; "+", spaces and dashes are stripped). */
  from: z.string().min(1).transform((value) => value.replace(/\D/g, '')),
  /** Profile name in `contacts[].profile.name`. */
  name: z.string().min(1).default('Simulated User'),
  /** Unix seconds; defaults to now. A past value lets a test open a window that is already closed. */
  timestamp: z.number().int().min(0).optional(),
  /** Shortcut for a text message body. */
  text: z.string().optional(),
  /** Any fields of Meta's inbound message object (type, interactive, button, image, context, ...). */
  message: z.record(z.string(), z.unknown()).optional(),
  /** Override the generated wamid. */
  id: z.string().min(1).optional(),
});

export type InboundMessageInput = z.input<typeof inboundMessageSchema>;

export const templateStatusChangeSchema = z.object({
  status: z.enum(templateStatuses),
  /** Webhook `event`; defaults to the status (REINSTATED, FLAGGED, ... may be given explicitly). */
  event: z.string().min(1).optional(),
  /** Webhook `reason`, e.g. INVALID_FORMAT; defaults to NONE. */
  reason: z.string().min(1).nullable().optional(),
});

export type TemplateStatusChange = z.input<typeof templateStatusChangeSchema>;

export const phoneNumberPatchSchema = z.object({
  qualityRating: z.enum(qualityRatings).optional(),
  throughputLevel: z.enum(throughputLevels).optional(),
  mps: z.number().int().positive().optional(),
  messagingLimit: z.enum(messagingLimitTiers).optional(),
  status: z.string().min(1).optional(),
  registered: z.boolean().optional(),
  /** Force the `phone_number_quality_update` event name; otherwise derived from the change. */
  event: z.string().min(1).optional(),
});

export type PhoneNumberPatch = z.input<typeof phoneNumberPatchSchema>;

export const addTokenSchema = tokenSeedSchema.extend({
  /** Generated (`sim-token-...`) when omitted. */
  token: z.string().min(8).optional(),
});

export type AddTokenInput = z.input<typeof addTokenSchema>;
