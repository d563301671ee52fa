import { z } from 'zod';

/** Every tenant has exactly these two worlds; nothing crosses between them. */
export const ENVIRONMENTS = ['live', 'test'] as const;
export const environmentSchema = z.enum(ENVIRONMENTS);
export type Environment = z.infer<typeof environmentSchema>;
