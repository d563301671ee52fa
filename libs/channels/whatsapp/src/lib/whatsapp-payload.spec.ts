import { whatsappMessageSchema } from './schemas/whatsapp-message.schema';
import { toWhatsAppPayload } from './whatsapp-payload';

const envelope = { from: '3000000000000001', to: '+1 415 555 1234', metadata: { orderId: '1' } };
const payloadOf = (body: Record<string, unknown>) => toWhatsAppPayload(whatsappMessageSchema.parse({ ...envelope, ...body }));

describe('toWhatsAppPayload', () => {
  it("is Meta's message object: no from, to, metadata or messaging_product; context and recipient_type kept", () => {
    expect(payloadOf({ type: 'text', text: { body: 'Hi' }, context: { message_id: 'wamid.A' }, recipient_type: 'individual' })).toEqual({
      type: 'text',
      text: { body: 'Hi' },
      context: { message_id: 'wamid.A' },
      recipient_type: 'individual',
    });
  });

  it.each([
    { type: 'image', image: { link: 'https://cdn.example.com/a.png', caption: 'A' } },
    { type: 'document', document: { id: '12', filename: 'a.pdf' } },
    { type: 'audio', audio: { id: '12', voice: true } },
    { type: 'video', video: { id: '12' } },
    { type: 'sticker', sticker: { id: '12' } },
    { type: 'location', location: { latitude: 1.5, longitude: -2, name: 'HQ' } },
    { type: 'contacts', contacts: [{ name: { formatted_name: 'Ana' } }] },
    { type: 'reaction', reaction: { message_id: 'wamid.A', emoji: '' } },
    { type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } },
    { type: 'interactive', interactive: { type: 'button', body: { text: 'Pick' }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'A' } }] } } },
  ])('passes $type through unchanged', (body) => {
    expect(payloadOf(body)).toEqual(body);
  });

  it('expands choice into interactive buttons or a list', () => {
    expect(payloadOf({ type: 'choice', choice: { body: 'Pick', options: [{ id: 'a', title: 'A' }] }, context: { message_id: 'wamid.A' } })).toEqual({
      type: 'interactive',
      interactive: { type: 'button', body: { text: 'Pick' }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'A' } }] } },
      context: { message_id: 'wamid.A' },
    });
    const options = Array.from({ length: 4 }, (_, i) => ({ id: `o${i}`, title: `O${i}` }));
    expect(payloadOf({ type: 'choice', choice: { body: 'Pick', options, button: 'See' } })).toEqual({
      type: 'interactive',
      interactive: { type: 'list', body: { text: 'Pick' }, action: { button: 'See', sections: [{ rows: options }] } },
    });
  });
});
