import { z } from 'zod';

export const failuresQuerySchema = z.strictObject({
  since: z.iso.datetime({ offset: true }).optional().describe('only failures last changed at or after this instant (RFC 3339)'),
});

export const failureGroupSchema = z.object({
  code: z.string().describe('taxonomy code'),
  category: z.string().nullable(),
  action: z.string().nullable().describe('what to do about it, from the newest failure of the group'),
  failed: z.number().int(),
  dead: z.number().int(),
  metaCodes: z.array(z.number().int()).describe("Meta's error numbers seen under this code"),
  lastAt: z.iso.datetime(),
});

export const failureGroupsSchema = z.object({ data: z.array(failureGroupSchema) });

export const EXAMPLE_FAILURE_GROUPS: z.input<typeof failureGroupsSchema> = {
  data: [
    {
      code: 'template_not_approved',
      category: 'template',
      action: 'Use an approved template, or wait for Meta to approve this one',
      failed: 3,
      dead: 0,
      metaCodes: [132001],
      lastAt: '2025-01-15T10:04:00.000Z',
    },
  ],
};
