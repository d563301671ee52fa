import type { GraphApiClient } from '@switchboard/graph-api-client';
import { z } from 'zod';

/**
 * What send() needs per call: the WABA's access token (decrypted by the host) and the Graph
 * client of the environment's origin (the host keeps one pool per origin for every tenant).
 */
export const whatsappConfigSchema = z.object({
  accessToken: z.string(),
  // Duck-typed: instanceof fails when two copies of the client lib share a process (webpack + jest).
  graph: z.custom<GraphApiClient>((value) => typeof (value as { sendMessage?: unknown } | null)?.sendMessage === 'function', 'a GraphApiClient'),
});
export type WhatsAppConfig = z.infer<typeof whatsappConfigSchema>;
