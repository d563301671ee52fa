import { whatsappMessageSchema, type WhatsAppMessage } from './schemas/whatsapp-message.schema';
import { validateWhatsAppMessage } from './whatsapp-message.validator';
import { DEFAULT_URL_SHORTENERS } from './whatsapp-limits';

const envelope = { from: '3000000000000001', to: '14155551234' };
const parse = (body: Record<string, unknown>): WhatsAppMessage => whatsappMessageSchema.parse({ ...envelope, ...body });
const issues = (body: Record<string, unknown>) => validateWhatsAppMessage(parse(body), DEFAULT_URL_SHORTENERS);
const placeholderAt = (path: string) => ({ code: 'validation_failed', path, issue: expect.stringMatching(/placeholder/) });

describe('validateWhatsAppMessage', () => {
  it('passes clean messages of every type', () => {
    expect(issues({ type: 'text', text: { body: 'Hello Ana' } })).toEqual([]);
    expect(issues({ type: 'image', image: { link: 'https://cdn.example.com/a.png', caption: 'Receipt' } })).toEqual([]);
    expect(issues({ type: 'location', location: { latitude: 1, longitude: 2 } })).toEqual([]);
    expect(issues({ type: 'reaction', reaction: { message_id: 'wamid.A', emoji: '👍' } })).toEqual([]);
    expect(issues({ type: 'contacts', contacts: [{ name: { formatted_name: '{{x}} is fine here' } }] })).toEqual([]);
  });

  it('finds un-substituted placeholders, closed or not, naming the path', () => {
    expect(issues({ type: 'text', text: { body: 'Hi {{first_name}}' } })).toEqual([placeholderAt('text.body')]);
    expect(issues({ type: 'text', text: { body: 'Hi {{first_name' } })).toEqual([placeholderAt('text.body')]);
    expect(issues({ type: 'video', video: { id: '1', caption: 'For {{name}}' } })).toEqual([placeholderAt('video.caption')]);
    expect(issues({ type: 'document', document: { id: '1', caption: '{{1}}' } })).toEqual([placeholderAt('document.caption')]);
    expect(
      issues({
        type: 'interactive',
        interactive: {
          type: 'list',
          header: { type: 'text', text: '{{h}}' },
          body: { text: '{{b}}' },
          footer: { text: '{{f}}' },
          action: { button: '{{btn}}', sections: [{ title: '{{s}}', rows: [{ id: 'a', title: '{{t}}', description: '{{d}}' }] }] },
        },
      }).map((issue) => issue.path),
    ).toEqual([
      'interactive.body.text',
      'interactive.footer.text',
      'interactive.header.text',
      'interactive.action.button',
      'interactive.action.sections.0.title',
      'interactive.action.sections.0.rows.0.title',
      'interactive.action.sections.0.rows.0.description',
    ]);
    expect(
      issues({ type: 'interactive', interactive: { type: 'button', body: { text: 'Pick' }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: '{{x}}' } }] } } }),
    ).toEqual([placeholderAt('interactive.action.buttons.0.reply.title')]);
    expect(issues({ type: 'choice', choice: { body: 'Pick {{x}}', options: [{ id: 'a', title: 'A {{y' }] } }).map((i) => i.path)).toEqual(['choice.body', 'choice.options.0.title']);
    expect(
      issues({
        type: 'template',
        template: { name: 't', language: { code: 'en' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'ok' }, { type: 'text', text: '{{2}}' }] }] },
      }),
    ).toEqual([placeholderAt('template.components.0.parameters.1.text')]);
  });

  it('checks every media link Meta will fetch, as media_invalid with its path', () => {
    const media = (path: string) => ({ code: 'media_invalid', path, issue: expect.any(String) });
    expect(issues({ type: 'image', image: { link: 'http://cdn.example.com/a.png' } })).toEqual([media('image.link')]);
    expect(issues({ type: 'audio', audio: { link: 'https://bit.ly/a' } })).toEqual([media('audio.link')]);
    expect(issues({ type: 'sticker', sticker: { link: 'https://cdn.example.com/a.png' } })).toEqual([media('sticker.link')]);
    expect(issues({ type: 'video', video: { link: 'https://cdn.example.com/a.mov' } })).toEqual([media('video.link')]);
    expect(issues({ type: 'document', document: { link: 'https://cdn.example.com/a.exe' } })).toEqual([media('document.link')]);
    expect(
      issues({ type: 'interactive', interactive: { type: 'button', header: { type: 'image', image: { link: 'https://cdn.example.com/a.gif' } }, body: { text: 'Pick' }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'A' } }] } } }),
    ).toEqual([media('interactive.header.image.link')]);
    expect(
      issues({ type: 'template', template: { name: 't', language: { code: 'en' }, components: [{ type: 'header', parameters: [{ type: 'document', document: { link: 'http://x.example.com/a.pdf' } }] }] } }),
    ).toEqual([media('template.components.0.parameters.0.document.link')]);
    expect(issues({ type: 'image', image: { id: '123' } })).toEqual([]);
  });
});
