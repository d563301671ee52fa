import { z } from 'zod';
import { privateHostIssue } from '@switchboard/net-guard';
import { TENANT_EVENT_TYPES } from './tenant-events.constants';

const endpointUrl = z.url({ protocol: /^https?$/ }).max(2000);

export const createEndpointSchema = z.strictObject({
  url: endpointUrl,
  events: z.array(z.enum(TENANT_EVENT_TYPES)).min(1).max(TENANT_EVENT_TYPES.length),
  description: z.string().max(200).optional(),
});
export type CreateEndpoint = z.infer<typeof createEndpointSchema>;

/**
 * The same body when private targets are refused (production): a private host or a plain http URL
 * (events carry inbound message content) is a wrong `url`, reported with the other fields' problems.
 */
export const createPublicEndpointSchema = createEndpointSchema.extend({
  url: endpointUrl.superRefine((url, ctx) => {
    const issue = privateHostIssue(url);
    if (issue !== null) ctx.addIssue({ code: 'custom', message: `${issue}; events go to public hosts only` });
    else if (new URL(url).protocol !== 'https:') ctx.addIssue({ code: 'custom', message: 'https only: events carry message content' });
  }),
});

export const endpointViewSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  events: z.array(z.enum(TENANT_EVENT_TYPES)),
  description: z.string().nullable(),
  createdAt: z.iso.datetime(),
});
export type EndpointView = z.infer<typeof endpointViewSchema>;

/** The answer to a creation: the only time the signing secret is shown. */
export const createdEndpointSchema = endpointViewSchema.extend({ secret: z.string() });

export const replayResultSchema = z.object({ replayed: z.number().int() });
