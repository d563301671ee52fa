import { z } from 'zod';

// Meta documents no length limits for these; the bounds only keep requests sane.
export const locationSchema = z.strictObject({
  latitude: z.number().min(-90, 'between -90 and 90').max(90, 'between -90 and 90'),
  longitude: z.number().min(-180, 'between -180 and 180').max(180, 'between -180 and 180'),
  name: z.string().min(1).max(1000).optional(),
  address: z.string().min(1).max(1000).optional(),
});
