import { z } from 'zod';
import { WHATSAPP_LIMITS as L } from '../whatsapp-limits';
import { limitedText, refuseDuplicates } from './schema-helpers';

/**
 * Our own type: a question with options, sent as reply buttons for 1-3 options and as a
 * list for 4-10. The limits follow the form it becomes, so the caller learns them here.
 */
export const choiceSchema = z
  .strictObject({
    body: limitedText(L.listBody),
    options: z
      .array(z.strictObject({ id: limitedText(L.rowId), title: limitedText(L.rowTitle) }))
      .min(1, 'at least 1 option')
      .max(L.choiceOptions, `at most ${L.choiceOptions} options (a WhatsApp list holds ${L.listRows} rows)`),
    button: limitedText(L.listButton).optional().describe('the list button text (4-10 options); default "Choose"'),
  })
  .superRefine((choice, ctx) => {
    if (choice.options.length <= L.buttons) {
      if (choice.body.length > L.buttonBody) {
        ctx.addIssue({ code: 'custom', path: ['body'], message: `at most ${L.buttonBody} characters with 1-${L.buttons} options (sent as reply buttons)` });
      }
      choice.options.forEach((option, i) => {
        if (option.title.length > L.buttonTitle) {
          ctx.addIssue({ code: 'custom', path: ['options', i, 'title'], message: `at most ${L.buttonTitle} characters with 1-${L.buttons} options (sent as reply buttons)` });
        }
      });
      refuseDuplicates(ctx, choice.options.map((o) => o.title), (i) => ['options', i, 'title'], 'option titles');
    }
    refuseDuplicates(ctx, choice.options.map((o) => o.id), (i) => ['options', i, 'id'], 'option ids');
  });
export type Choice = z.infer<typeof choiceSchema>;
