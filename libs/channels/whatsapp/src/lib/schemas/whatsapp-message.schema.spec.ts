import { whatsappMessageSchema } from './whatsapp-message.schema';

const envelope = { from: '3000000000000001', to: '+1 415 555 1234' };
const x = (n: number) => 'x'.repeat(n);

/** The paths and messages zod reports, for assertions that name both. */
function problems(body: unknown): Array<{ path: string; message: string }> {
  const result = whatsappMessageSchema.safeParse(body);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}
const accepts = (body: unknown) => expect(problems(body)).toEqual([]);
const refuses = (body: unknown, path: string, message?: RegExp) =>
  expect(problems(body)).toContainEqual({ path, message: message ? expect.stringMatching(message) : expect.any(String) });

const buttons = (n: number, title = (i: number) => `B${i}`) => Array.from({ length: n }, (_, i) => ({ type: 'reply', reply: { id: `b${i}`, title: title(i) } }));
const rows = (n: number, prefix = 'r') => Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, title: `Row ${i}` }));
const buttonMessage = (interactive: Record<string, unknown>) => ({
  ...envelope,
  type: 'interactive',
  interactive: { type: 'button', body: { text: 'Pick one' }, action: { buttons: buttons(2) }, ...interactive },
});
const listMessage = (interactive: Record<string, unknown>, action: Record<string, unknown> = {}) => ({
  ...envelope,
  type: 'interactive',
  interactive: { type: 'list', body: { text: 'Pick one' }, action: { button: 'Options', sections: [{ rows: rows(3) }], ...action }, ...interactive },
});

describe('whatsappMessageSchema', () => {
  it('names every accepted type when the type is unknown', () => {
    refuses({ ...envelope, type: 'poll' }, 'type', /^type must be one of text, template, image, document, audio, video, sticker, interactive, location, contacts, reaction, choice$/);
  });

  it('keeps the envelope: from, to, metadata, recipient_type individual only, context on replies', () => {
    accepts({ ...envelope, type: 'text', text: { body: 'hi' }, recipient_type: 'individual', metadata: { orderId: '1' }, context: { message_id: 'wamid.A' } });
    refuses({ ...envelope, type: 'text', text: { body: 'hi' }, recipient_type: 'group' }, 'recipient_type', /group messages are not supported/);
    refuses({ ...envelope, type: 'text', text: { body: 'hi' }, metadata: { big: x(5000) } }, 'metadata', /4 KB/);
    refuses({ ...envelope, type: 'text', text: { body: 'hi' }, messaging_product: 'whatsapp' }, '', /messaging_product/);
    refuses({ to: envelope.to, type: 'text', text: { body: 'hi' } }, 'from');
  });

  describe('text', () => {
    it('body 1-4096 characters', () => {
      accepts({ ...envelope, type: 'text', text: { body: x(4096), preview_url: true } });
      refuses({ ...envelope, type: 'text', text: { body: x(4097) } }, 'text.body', /at most 4096 characters/);
      refuses({ ...envelope, type: 'text', text: { body: '' } }, 'text.body', /must not be empty/);
    });
  });

  describe('media', () => {
    it.each(['image', 'video'])('%s: id or link, caption <= 1024', (type) => {
      accepts({ ...envelope, type, [type]: { link: 'https://cdn.example.com/a', caption: x(1024) } });
      accepts({ ...envelope, type, [type]: { id: '1234567890' } });
      refuses({ ...envelope, type, [type]: { link: 'https://cdn.example.com/a', caption: x(1025) } }, `${type}.caption`, /at most 1024 characters/);
      refuses({ ...envelope, type, [type]: { id: '1', link: 'https://cdn.example.com/a' } }, type, /exactly one of id .* or link/);
      refuses({ ...envelope, type, [type]: {} }, type, /exactly one of id .* or link/);
    });

    it('document: caption <= 1024 and a filename', () => {
      accepts({ ...envelope, type: 'document', document: { link: 'https://cdn.example.com/a.pdf', caption: x(1024), filename: 'invoice.pdf' } });
      refuses({ ...envelope, type: 'document', document: { link: 'https://cdn.example.com/a.pdf', caption: x(1025) } }, 'document.caption', /1024/);
      refuses({ ...envelope, type: 'document', document: { link: 'https://cdn.example.com/a.pdf', filename: x(241) } }, 'document.filename', /240/);
    });

    it('audio and sticker take no caption (Meta refuses one)', () => {
      accepts({ ...envelope, type: 'audio', audio: { link: 'https://cdn.example.com/a.ogg', voice: true } });
      accepts({ ...envelope, type: 'sticker', sticker: { id: '99' } });
      refuses({ ...envelope, type: 'audio', audio: { link: 'https://cdn.example.com/a.ogg', caption: 'no' } }, 'audio', /caption/);
      refuses({ ...envelope, type: 'sticker', sticker: { id: '99', caption: 'no' } }, 'sticker', /caption/);
    });
  });

  describe('interactive button', () => {
    it('1-3 reply buttons with unique titles of at most 20 characters', () => {
      accepts(buttonMessage({ action: { buttons: buttons(1) } }));
      accepts(buttonMessage({ action: { buttons: buttons(3, (i) => `${x(19)}${i}`) } }));
      refuses(buttonMessage({ action: { buttons: buttons(4) } }), 'interactive.action.buttons', /at most 3 reply buttons/);
      refuses(buttonMessage({ action: { buttons: [] } }), 'interactive.action.buttons', /at least 1/);
      refuses(buttonMessage({ action: { buttons: buttons(2, () => x(21)) } }), 'interactive.action.buttons.0.reply.title', /at most 20 characters/);
      refuses(buttonMessage({ action: { buttons: buttons(2, () => 'Same') } }), 'interactive.action.buttons.1.reply.title', /unique/);
    });

    it('body <= 1024, footer <= 60, text header <= 60 or a media header', () => {
      accepts(buttonMessage({ body: { text: x(1024) }, footer: { text: x(60) }, header: { type: 'text', text: x(60) } }));
      accepts(buttonMessage({ header: { type: 'image', image: { link: 'https://cdn.example.com/a.png' } } }));
      refuses(buttonMessage({ body: { text: x(1025) } }), 'interactive.body.text', /at most 1024/);
      refuses(buttonMessage({ footer: { text: x(61) } }), 'interactive.footer.text', /at most 60/);
      refuses(buttonMessage({ header: { type: 'text', text: x(61) } }), 'interactive.header.text', /at most 60/);
    });
  });

  describe('interactive list', () => {
    it('1-10 rows in all sections together, row titles <= 24, descriptions <= 72', () => {
      accepts(listMessage({}, { sections: [{ title: 'A', rows: rows(5) }, { title: 'B', rows: rows(5, 's') }] }));
      accepts(listMessage({}, { sections: [{ rows: [{ id: 'a', title: x(24), description: x(72) }] }] }));
      refuses(listMessage({}, { sections: [{ title: 'A', rows: rows(6) }, { title: 'B', rows: rows(5, 's') }] }), 'interactive.action.sections', /at most 10 rows .* got 11/);
      refuses(listMessage({}, { sections: [{ rows: [{ id: 'a', title: x(25) }] }] }), 'interactive.action.sections.0.rows.0.title', /at most 24/);
      refuses(listMessage({}, { sections: [{ rows: [{ id: 'a', title: 'A', description: x(73) }] }] }), 'interactive.action.sections.0.rows.0.description', /at most 72/);
      refuses(listMessage({}, { sections: [{ rows: [] }] }), 'interactive.action.sections.0.rows', /at least 1 row/);
    });

    it('button <= 20, body <= 4096, section titles <= 24 and required with several sections, unique row ids', () => {
      accepts(listMessage({ body: { text: x(4096) } }, { button: x(20) }));
      refuses(listMessage({}, { button: x(21) }), 'interactive.action.button', /at most 20/);
      refuses(listMessage({ body: { text: x(4097) } }), 'interactive.body.text', /at most 4096/);
      refuses(listMessage({}, { sections: [{ title: x(25), rows: rows(1) }] }), 'interactive.action.sections.0.title', /at most 24/);
      refuses(listMessage({}, { sections: [{ rows: rows(1) }, { title: 'B', rows: rows(1, 's') }] }), 'interactive.action.sections.0.title', /more than one section/);
      refuses(listMessage({}, { sections: [{ title: 'A', rows: rows(1) }, { title: 'B', rows: rows(1) }] }), 'interactive.action.sections.1.rows.0.id', /unique/);
      refuses(listMessage({ header: { type: 'image', image: { id: '1' } } }), 'interactive.header.type');
    });
  });

  describe('location, contacts, reaction', () => {
    it('location with coordinates in range', () => {
      accepts({ ...envelope, type: 'location', location: { latitude: 90, longitude: -180, name: 'HQ', address: '1 Main St' } });
      refuses({ ...envelope, type: 'location', location: { latitude: 90.1, longitude: 0 } }, 'location.latitude', /-90 and 90/);
      refuses({ ...envelope, type: 'location', location: { latitude: 0, longitude: 181 } }, 'location.longitude', /-180 and 180/);
    });

    it('contacts: 1-257 cards, each with a formatted name', () => {
      const card = { name: { formatted_name: 'Ana Lima' }, phones: [{ phone: '+55 11 5555 0000', type: 'CELL' }] };
      accepts({ ...envelope, type: 'contacts', contacts: Array.from({ length: 257 }, () => card) });
      refuses({ ...envelope, type: 'contacts', contacts: Array.from({ length: 258 }, () => card) }, 'contacts', /at most 257/);
      refuses({ ...envelope, type: 'contacts', contacts: [] }, 'contacts', /at least 1/);
      refuses({ ...envelope, type: 'contacts', contacts: [{ name: {} }] }, 'contacts.0.name.formatted_name');
    });

    it('reaction: message_id and an emoji, empty removes it; no context', () => {
      accepts({ ...envelope, type: 'reaction', reaction: { message_id: 'wamid.A', emoji: '👍' } });
      accepts({ ...envelope, type: 'reaction', reaction: { message_id: 'wamid.A', emoji: '' } });
      refuses({ ...envelope, type: 'reaction', reaction: { emoji: '👍' } }, 'reaction.message_id');
      refuses({ ...envelope, type: 'reaction', reaction: { message_id: 'wamid.A', emoji: x(33) } }, 'reaction.emoji', /one emoji/);
      for (const emoji of ['❤️', '🇧🇷', '1️⃣', '👨‍👩‍👧', '👍🏽']) accepts({ ...envelope, type: 'reaction', reaction: { message_id: 'wamid.A', emoji } });
      for (const emoji of ['ok', ':)', '1', '#']) refuses({ ...envelope, type: 'reaction', reaction: { message_id: 'wamid.A', emoji } }, 'reaction.emoji', /^an emoji, or empty/);
      refuses({ ...envelope, type: 'reaction', reaction: { message_id: 'wamid.A', emoji: '👍' }, context: { message_id: 'wamid.B' } }, '', /context/);
    });
  });

  describe('template', () => {
    it("takes Meta's component and parameter shapes", () => {
      accepts({
        ...envelope,
        type: 'template',
        template: {
          name: 'order_update',
          language: { code: 'en_US' },
          components: [
            { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example.com/a.png' } }] },
            { type: 'body', parameters: [{ type: 'text', text: 'John', parameter_name: 'first_name' }, { type: 'currency', currency: { fallback_value: '$1', code: 'USD', amount_1000: 1000 } }] },
            { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '4521' }] },
          ],
        },
      });
      refuses({ ...envelope, type: 'template', template: { name: 'x' } }, 'template.language');
      refuses({ ...envelope, type: 'template', template: { name: 'x', language: { code: 'en' }, components: [{ type: 'body', parameters: [{ type: 'emoji' }] }] } }, 'template.components.0.parameters.0.type');
      refuses({ ...envelope, type: 'template', template: { name: 'x', language: { code: 'en' }, components: [{ type: 'button', index: '10' }] } }, 'template.components.0.index');
    });
  });

  describe('choice', () => {
    const choice = (options: number, title = (i: number) => `Option ${i}`, extra: Record<string, unknown> = {}) => ({
      ...envelope,
      type: 'choice',
      choice: { body: 'Which one?', options: Array.from({ length: options }, (_, i) => ({ id: `o${i}`, title: title(i) })), ...extra },
    });

    it('1-10 options; more is refused', () => {
      for (const n of [1, 3, 4, 10]) accepts(choice(n));
      refuses(choice(11), 'choice.options', /at most 10 options/);
      refuses(choice(0), 'choice.options', /at least 1 option/);
    });

    it('titles within the limit of the form it becomes: 20 as buttons (1-3), 24 as a list (4-10)', () => {
      accepts(choice(3, (i) => `${x(19)}${i}`));
      refuses(choice(3, (i) => `${x(20)}${i}`), 'choice.options.0.title', /at most 20 characters with 1-3 options/);
      accepts(choice(4, (i) => `${x(23)}${i}`));
      refuses(choice(4, (i) => `${x(24)}${i}`), 'choice.options.0.title', /at most 24 characters/);
      refuses({ ...choice(2), choice: { body: x(1025), options: [{ id: 'a', title: 'A' }] } }, 'choice.body', /at most 1024 characters with 1-3 options/);
      refuses(choice(4, undefined, { button: x(21) }), 'choice.button', /at most 20/);
      refuses(choice(2, () => 'Same'), 'choice.options.1.title', /unique/);
    });
  });
});
