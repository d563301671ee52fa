import { z } from 'zod';
import { lintResultSchema, templateRefSchema } from '../http/templates.schemas';

/** What a create stores for the worker: the body as it goes to Graph, the backup and the request's lint verdict. */
export const createOperationInputSchema = z.object({
  submission: z.looseObject({
    name: z.string(),
    language: z.string(),
    category: z.enum(['MARKETING', 'UTILITY', 'AUTHENTICATION']),
    parameter_format: z.enum(['positional', 'named']).optional(),
    components: z.array(z.record(z.string(), z.unknown())),
  }),
  backup: templateRefSchema.nullable(),
  lint: lintResultSchema,
});

/** What a delete stores: Meta's id of the one language to delete, or null for every language of the name. */
export const deleteOperationInputSchema = z.object({ hsmId: z.string().nullable() });

export type CreateOperationInput = z.infer<typeof createOperationInputSchema>;
export type DeleteOperationInput = z.infer<typeof deleteOperationInputSchema>;
