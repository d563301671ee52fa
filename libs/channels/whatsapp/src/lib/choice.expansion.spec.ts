import { DEFAULT_CHOICE_BUTTON, expandChoice } from './choice.expansion';
import { whatsappMessageSchema } from './schemas/whatsapp-message.schema';

const options = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `o${i}`, title: `Option ${i}` }));

describe('expandChoice', () => {
  it.each([1, 3])('%i option(s) become as many reply buttons', (n) => {
    expect(expandChoice({ body: 'Which one?', options: options(n) })).toEqual({
      type: 'button',
      body: { text: 'Which one?' },
      action: { buttons: options(n).map(({ id, title }) => ({ type: 'reply', reply: { id, title } })) },
    });
  });

  it.each([4, 10])('%i options become a one-section list with the default or given button', (n) => {
    expect(expandChoice({ body: 'Which one?', options: options(n) })).toEqual({
      type: 'list',
      body: { text: 'Which one?' },
      action: { button: DEFAULT_CHOICE_BUTTON, sections: [{ rows: options(n) }] },
    });
    expect(expandChoice({ body: 'Which one?', options: options(n), button: 'Pick' })).toMatchObject({ action: { button: 'Pick' } });
  });

  it('11 options never get this far: the schema refuses them', () => {
    const parsed = whatsappMessageSchema.safeParse({ from: '1', to: '2', type: 'choice', choice: { body: 'Which one?', options: options(11) } });
    expect(parsed.success).toBe(false);
  });

  it('expands into a message Meta accepts: the result passes the interactive schema', () => {
    for (const n of [1, 3, 4, 10]) {
      const interactive = expandChoice({ body: 'Which one?', options: options(n) });
      expect(whatsappMessageSchema.safeParse({ from: '1', to: '2', type: 'interactive', interactive }).success).toBe(true);
    }
  });
});
