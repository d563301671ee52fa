import { buildPlaceholderMap, type StoredTemplateComponent } from '../placeholders/placeholder-map';
import { checkTemplateSend } from './template-send.checker';

const target = (components: StoredTemplateComponent[], format?: string) => ({ components, placeholders: buildPlaceholderMap(components, format) });

const orderUpdate = target([
  { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' },
  { type: 'BODY', text: 'Hi {{1}}, your order {{2}} costs {{3}} and ships on {{4}}.' },
  {
    type: 'BUTTONS',
    buttons: [
      { type: 'QUICK_REPLY', text: 'Stop' },
      { type: 'URL', text: 'Track', url: 'https://example.com/o/{{1}}' },
      { type: 'PHONE_NUMBER', text: 'Call', phone_number: '+15550100001' },
    ],
  },
]);

const text = (value: string) => ({ type: 'text', text: value });
const currency = { type: 'currency', currency: { fallback_value: '$12.50', code: 'USD', amount_1000: 12500 } };
const dateTime = { type: 'date_time', date_time: { fallback_value: 'June 1, 2026' } };
const good = (): Record<string, unknown>[] => [
  { type: 'header', parameters: [text('#4521')] },
  { type: 'body', parameters: [text('Jessica'), text('#4521'), currency, dateTime] },
  { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'STOP' }] },
  { type: 'button', sub_type: 'url', index: '1', parameters: [text('ORDER-123')] },
];

describe('checkTemplateSend', () => {
  it('accepts a complete send and renders header and body', () => {
    expect(checkTemplateSend(orderUpdate, good())).toEqual({
      issues: [],
      rendered: { header: 'Order #4521', body: 'Hi Jessica, your order #4521 costs $12.50 and ships on June 1, 2026.' },
    });
  });

  it('names the component when the body has too few or too many parameters', () => {
    const fewer = good();
    fewer[1] = { type: 'body', parameters: [text('Jessica')] };
    expect(checkTemplateSend(orderUpdate, fewer).issues).toEqual([
      { kind: 'count', path: 'template.components[body].parameters', issue: 'expects 4 parameters ({{1}}, {{2}}, {{3}}, {{4}}); got 1' },
    ]);
    const more = good();
    more[1] = { type: 'body', parameters: [text('a'), text('b'), text('c'), text('d'), text('e')] };
    expect(checkTemplateSend(orderUpdate, more).issues).toEqual([
      { kind: 'count', path: 'template.components[body].parameters', issue: 'expects 4 parameters ({{1}}, {{2}}, {{3}}, {{4}}); got 5' },
    ]);
  });

  it('requires the header parameter and refuses header parameters where none exist', () => {
    expect(checkTemplateSend(orderUpdate, good().slice(1)).issues).toEqual([
      { kind: 'count', path: 'template.components[header].parameters', issue: 'expects 1 parameter ({{1}}); got 0' },
    ]);
    const plain = target([{ type: 'BODY', text: 'Hello there, welcome.' }]);
    expect(checkTemplateSend(plain, [{ type: 'header', parameters: [text('x')] }]).issues[0]).toMatchObject({
      kind: 'count',
      path: 'template.components[header].parameters',
    });
  });

  it('checks button index, sub_type and the parameter each button needs', () => {
    const wrongIndex = good();
    wrongIndex[3] = { type: 'button', sub_type: 'url', index: '5', parameters: [text('x')] };
    expect(checkTemplateSend(orderUpdate, wrongIndex).issues).toEqual([
      { kind: 'count', path: 'template.components[button:5].index', issue: 'the template has no button at index 5 (it has 3 buttons)' },
      { kind: 'count', path: 'template.components[button:1]', issue: 'the URL button at index 1 needs one text parameter (sub_type "url")' },
    ]);

    const wrongSubType = good();
    wrongSubType[3] = { type: 'button', sub_type: 'quick_reply', index: '1', parameters: [text('x')] };
    expect(checkTemplateSend(orderUpdate, wrongSubType).issues).toEqual([
      { kind: 'format', path: 'template.components[button:1].sub_type', issue: 'must be "url" for the URL button at index 1; got "quick_reply"' },
    ]);

    const phone = [...good(), { type: 'button', sub_type: 'voice_call', index: '2', parameters: [] }];
    expect(checkTemplateSend(orderUpdate, phone).issues[0]).toMatchObject({ kind: 'count', path: 'template.components[button:2]' });

    const badIndex = good();
    badIndex[3] = { type: 'button', sub_type: 'url', index: 'first', parameters: [text('x')] };
    expect(checkTemplateSend(orderUpdate, badIndex).issues[0]).toMatchObject({ kind: 'format', path: 'template.components[3].index' });
  });

  it('checks currency and date_time shapes', () => {
    const bad = good();
    bad[1] = {
      type: 'body',
      parameters: [
        text('Jessica'),
        { type: 'image', image: { id: '1' } },
        { type: 'currency', currency: { fallback_value: '$1', code: 'usd', amount_1000: 1.5 } },
        { type: 'date_time', date_time: {} },
      ],
    };
    expect(checkTemplateSend(orderUpdate, bad).issues).toEqual([
      { kind: 'format', path: 'template.components[body].parameters[1].type', issue: 'must be text, currency, date_time; got "image"' },
      { kind: 'format', path: 'template.components[body].parameters[2].currency.code', issue: 'must be an ISO 4217 code such as USD' },
      { kind: 'format', path: 'template.components[body].parameters[2].currency.amount_1000', issue: 'must be an integer: the amount times 1000 (12.50 -> 12500)' },
      { kind: 'format', path: 'template.components[body].parameters[3].date_time.fallback_value', issue: 'must be a non-empty string (Cloud API always shows the fallback)' },
    ]);
  });

  it('refuses half-rendered values and Meta-refused whitespace', () => {
    const bad = good();
    bad[1] = { type: 'body', parameters: [text('{{name'), text('line\nbreak'), currency, dateTime] };
    expect(checkTemplateSend(orderUpdate, bad).issues).toEqual([
      { kind: 'value', path: 'template.components[body].parameters[0].text', issue: 'still holds an un-substituted placeholder ({{...}})' },
      { kind: 'value', path: 'template.components[body].parameters[1].text', issue: 'cannot contain new lines, tabs or more than 4 consecutive spaces (Meta refuses it)' },
    ]);
  });

  it('reports the rendered body over 1024 characters (Meta 132005) and header over 60', () => {
    const long = good();
    long[0] = { type: 'header', parameters: [text('h'.repeat(60))] };
    long[1] = { type: 'body', parameters: [text('x'.repeat(1000)), text('#1'), currency, dateTime] };
    expect(checkTemplateSend(orderUpdate, long).issues).toEqual([
      { kind: 'length', path: 'template.components[header]', issue: 'the rendered header is 66 characters; Meta allows 60' },
      { kind: 'length', path: 'template.components[body]', issue: expect.stringMatching(/^the rendered body is 10\d\d characters; Meta allows 1024$/) },
    ]);
  });

  it('checks named parameters by name, in any order', () => {
    const named = target(
      [
        { type: 'HEADER', format: 'TEXT', text: 'Reminder for {{first_name}}' },
        { type: 'BODY', text: 'Your appointment with {{doctor_name}} is on {{appointment_date}}.' },
      ],
      'NAMED',
    );
    const send = [
      { type: 'header', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'Jessica' }] },
      {
        type: 'body',
        parameters: [
          { type: 'text', parameter_name: 'appointment_date', text: 'June 1' },
          { type: 'text', parameter_name: 'doctor_name', text: 'Dr. Smith' },
        ],
      },
    ];
    expect(checkTemplateSend(named, send)).toEqual({
      issues: [],
      rendered: { header: 'Reminder for Jessica', body: 'Your appointment with Dr. Smith is on June 1.' },
    });
    const wrongName = structuredClone(send);
    (wrongName[1]?.parameters[0] as { parameter_name: string }).parameter_name = 'date';
    expect(checkTemplateSend(named, wrongName).issues).toEqual([
      { kind: 'count', path: 'template.components[body].parameters[0].parameter_name', issue: 'must name one of {{doctor_name}}, {{appointment_date}}; got "date"' },
    ]);
  });

  it('checks media headers and required copy-code and OTP buttons', () => {
    const media = target([
      { type: 'HEADER', format: 'IMAGE' },
      { type: 'BODY', text: 'Your receipt is attached, thanks.' },
      { type: 'BUTTONS', buttons: [{ type: 'COPY_CODE', example: 'SAVE10' }] },
    ]);
    expect(checkTemplateSend(media, []).issues).toEqual([
      { kind: 'count', path: 'template.components[header].parameters', issue: 'the template header is IMAGE: send exactly one image parameter; got 0' },
      { kind: 'count', path: 'template.components[button:0]', issue: 'the COPY_CODE button at index 0 needs one coupon_code parameter (sub_type "copy_code")' },
    ]);
    expect(
      checkTemplateSend(media, [
        { type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/r.png' } }] },
        { type: 'button', sub_type: 'copy_code', index: 0, parameters: [{ type: 'coupon_code', coupon_code: 'SAVE10' }] },
      ]).issues,
    ).toEqual([]);
    expect(checkTemplateSend(media, [{ type: 'header', parameters: [{ type: 'video', video: { id: '1' } }] }]).issues[0]).toMatchObject({
      kind: 'format',
      path: 'template.components[header].parameters[0].type',
    });
  });
});
