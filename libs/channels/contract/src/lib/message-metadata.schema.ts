import { z } from 'zod';

/**
 * The caller's own data on POST /v1/messages, returned with the message and its events:
 * the host's rule for every channel, so each plugin's message schema uses this one.
 */
export const messageMetadataSchema = z
  .record(z.string().max(64), z.unknown())
  .refine((value) => JSON.stringify(value).length <= 4096, 'metadata is at most 4 KB of JSON')
  .describe('Your own data, returned with the message and its events');
