import { z } from 'zod';
import { WHATSAPP_LIMITS as L } from '../whatsapp-limits';
import { documentMediaSchema, mediaRefSchema } from './media.schema';
import { limitedText, refuseDuplicates } from './schema-helpers';

const textHeader = z.strictObject({ type: z.literal('text'), text: limitedText(L.headerText) });
const textOf = (max: number) => z.strictObject({ text: limitedText(max) });
const footer = textOf(L.footerText).optional();

const buttonHeader = z.discriminatedUnion(
  'type',
  [
    textHeader,
    z.strictObject({ type: z.literal('image'), image: mediaRefSchema }),
    z.strictObject({ type: z.literal('video'), video: mediaRefSchema }),
    z.strictObject({ type: z.literal('document'), document: documentMediaSchema }),
  ],
  { error: 'header type must be text, image, video or document' },
);

const replyButton = z.strictObject({
  type: z.literal('reply'),
  reply: z.strictObject({ id: limitedText(L.buttonId), title: limitedText(L.buttonTitle) }),
});

export const interactiveButtonSchema = z.strictObject({
  type: z.literal('button'),
  header: buttonHeader.optional(),
  body: textOf(L.buttonBody),
  footer,
  action: z
    .strictObject({
      buttons: z
        .array(replyButton)
        .min(1, 'at least 1 reply button')
        .max(L.buttons, `at most ${L.buttons} reply buttons (Meta's limit)`),
    })
    .superRefine((action, ctx) => {
      refuseDuplicates(ctx, action.buttons.map((b) => b.reply.title), (i) => ['buttons', i, 'reply', 'title'], 'button titles');
      refuseDuplicates(ctx, action.buttons.map((b) => b.reply.id), (i) => ['buttons', i, 'reply', 'id'], 'button ids');
    }),
});

const listRow = z.strictObject({
  id: limitedText(L.rowId),
  title: limitedText(L.rowTitle),
  description: limitedText(L.rowDescription).optional(),
});

export const interactiveListSchema = z.strictObject({
  type: z.literal('list'),
  header: textHeader.optional(),
  body: textOf(L.listBody),
  footer,
  action: z
    .strictObject({
      button: limitedText(L.listButton),
      sections: z
        .array(z.strictObject({ title: limitedText(L.sectionTitle).optional(), rows: z.array(listRow).min(1, 'at least 1 row') }))
        .min(1, 'at least 1 section')
        .max(L.listSections, `at most ${L.listSections} sections (Meta's limit)`),
    })
    .superRefine((action, ctx) => {
      const rows = action.sections.flatMap((section, s) => section.rows.map((row, r) => ({ row, path: ['sections', s, 'rows', r] })));
      if (rows.length > L.listRows) {
        ctx.addIssue({ code: 'custom', path: ['sections'], message: `at most ${L.listRows} rows in all sections together (Meta's limit); got ${rows.length}` });
      }
      refuseDuplicates(ctx, rows.map(({ row }) => row.id), (i) => [...(rows[i]?.path ?? []), 'id'], 'row ids');
      if (action.sections.length > 1) {
        action.sections.forEach((section, s) => {
          if (section.title === undefined) ctx.addIssue({ code: 'custom', path: ['sections', s, 'title'], message: 'required when the list has more than one section' });
        });
      }
    }),
});

export const interactiveSchema = z.discriminatedUnion('type', [interactiveButtonSchema, interactiveListSchema], {
  error: 'interactive.type must be button or list',
});
export type InteractiveMessageBody = z.infer<typeof interactiveSchema>;
