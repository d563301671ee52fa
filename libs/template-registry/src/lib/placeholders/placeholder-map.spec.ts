import { buildPlaceholderMap, placeholderSignature } from './placeholder-map';

describe('buildPlaceholderMap', () => {
  it('maps header, body and each button of a positional template', () => {
    const map = buildPlaceholderMap([
      { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' },
      { type: 'BODY', text: 'Hi {{1}}, your order {{2}} is on its way, {{1}}.' },
      { type: 'FOOTER', text: 'Thanks' },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'QUICK_REPLY', text: 'Stop' },
          { type: 'URL', text: 'Track', url: 'https://example.com/o/{{1}}' },
          { type: 'URL', text: 'Help', url: 'https://example.com/help' },
          { type: 'PHONE_NUMBER', text: 'Call', phone_number: '+15550100001' },
          { type: 'COPY_CODE', example: 'SAVE10' },
        ],
      },
    ]);
    expect(map).toEqual({
      format: 'POSITIONAL',
      header: { format: 'TEXT', placeholders: ['1'] },
      body: { placeholders: ['1', '2'] },
      buttons: [
        { index: 0, type: 'QUICK_REPLY', subType: 'quick_reply', parameter: { type: 'payload', required: false }, placeholders: [] },
        { index: 1, type: 'URL', subType: 'url', parameter: { type: 'text', required: true }, placeholders: ['1'] },
        { index: 2, type: 'URL', subType: 'url', parameter: null, placeholders: [] },
        { index: 3, type: 'PHONE_NUMBER', subType: null, parameter: null, placeholders: [] },
        { index: 4, type: 'COPY_CODE', subType: 'copy_code', parameter: { type: 'coupon_code', required: true }, placeholders: [] },
      ],
      unchecked: [],
    });
  });

  it('reads named templates, media headers, OTP buttons and unmodelled components', () => {
    const map = buildPlaceholderMap(
      [
        { type: 'header', format: 'IMAGE', example: { header_handle: ['h'] } },
        { type: 'body', text: 'Hi {{first_name}}, see {{order_id}}.' },
        { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE' }, { type: 'SOMETHING_NEW' }] },
        { type: 'CAROUSEL', cards: [] },
      ],
      'named',
    );
    expect(map.format).toBe('NAMED');
    expect(map.header).toEqual({ format: 'IMAGE', placeholders: [] });
    expect(map.body).toEqual({ placeholders: ['first_name', 'order_id'] });
    expect(map.buttons).toEqual([{ index: 0, type: 'OTP', subType: 'url', parameter: { type: 'text', required: true }, placeholders: [] }]);
    expect(map.unchecked).toEqual(['BUTTON:SOMETHING_NEW', 'CAROUSEL']);
  });

  it('infers the format when Graph does not say', () => {
    expect(buildPlaceholderMap([{ type: 'BODY', text: 'Hi {{name}}, welcome.' }]).format).toBe('NAMED');
    expect(buildPlaceholderMap([{ type: 'BODY', text: 'Hi {{1}}, welcome.' }]).format).toBe('POSITIONAL');
  });
});

describe('placeholderSignature', () => {
  const signature = (components: Record<string, unknown>[], format?: string) => placeholderSignature(buildPlaceholderMap(components, format));

  it('is equal for templates that take the same parameters, whatever their text', () => {
    expect(signature([{ type: 'BODY', text: 'Hi {{1}}, order {{2}} shipped.' }])).toBe(
      signature([{ type: 'HEADER', format: 'TEXT', text: 'Update' }, { type: 'BODY', text: 'Hello {{1}}! Your order {{2}} is on its way.' }]),
    );
    expect(signature([{ type: 'BODY', text: 'Hi {{a}} and {{b}}.' }], 'NAMED')).toBe(signature([{ type: 'BODY', text: 'Yo {{b}} or {{a}}.' }], 'NAMED'));
  });

  it('differs when counts, names, media or buttons differ', () => {
    const base = signature([{ type: 'BODY', text: 'Hi {{1}}, order {{2}} shipped.' }]);
    expect(signature([{ type: 'BODY', text: 'Hi {{1}}, your order shipped.' }])).not.toBe(base);
    expect(signature([{ type: 'HEADER', format: 'IMAGE' }, { type: 'BODY', text: 'Hi {{1}}, order {{2}} shipped.' }])).not.toBe(base);
    expect(
      signature([
        { type: 'BODY', text: 'Hi {{1}}, order {{2}} shipped.' },
        { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Track', url: 'https://example.com/{{1}}' }] },
      ]),
    ).not.toBe(base);
    expect(signature([{ type: 'BODY', text: 'Hi {{a}} and {{b}}.' }], 'NAMED')).not.toBe(signature([{ type: 'BODY', text: 'Hi {{a}} and {{c}}.' }], 'NAMED'));
  });
});
