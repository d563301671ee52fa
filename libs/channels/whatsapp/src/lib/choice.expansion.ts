import type { InteractiveBody } from '@switchboard/graph-api-client';
import type { Choice } from './schemas/choice.schema';
import { WHATSAPP_LIMITS } from './whatsapp-limits';

export const DEFAULT_CHOICE_BUTTON = 'Choose';

/** A `choice` as Meta's interactive message: reply buttons for 1-3 options, a one-section list for 4-10. */
export function expandChoice(choice: Choice): InteractiveBody {
  const body = { text: choice.body };
  if (choice.options.length <= WHATSAPP_LIMITS.buttons) {
    return { type: 'button', body, action: { buttons: choice.options.map(({ id, title }) => ({ type: 'reply', reply: { id, title } })) } };
  }
  return {
    type: 'list',
    body,
    action: { button: choice.button ?? DEFAULT_CHOICE_BUTTON, sections: [{ rows: choice.options.map(({ id, title }) => ({ id, title })) }] },
  };
}
