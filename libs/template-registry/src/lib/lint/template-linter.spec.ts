import { demoSeed } from '@switchboard/meta-simulator';
import { LINT_RULES, type LintRuleId } from './lint-rules';
import { lintTemplate } from './template-linter';

type T = Record<string, unknown>;

const body = (text: string, example?: unknown): T => ({ type: 'BODY', text, ...(example === undefined ? {} : { example }) });
const okBody = body('Hi {{1}}, your order {{2}} is on its way.', { body_text: [['John', '#4521']] });
const template = (components: T[], overrides: T = {}): T => ({ name: 'order_update', language: 'en_US', category: 'UTILITY', components, ...overrides });
const header = (text: string, example?: unknown): T => ({ type: 'HEADER', format: 'TEXT', text, ...(example === undefined ? {} : { example }) });
const footer = (text: string): T => ({ type: 'FOOTER', text });
const buttons = (...list: T[]): T => ({ type: 'BUTTONS', buttons: list });
const qr = (text = 'Stop'): T => ({ type: 'QUICK_REPLY', text });
const url = (address = 'https://example.com/orders', extra: T = {}): T => ({ type: 'URL', text: 'Track order', url: address, ...extra });
const phone = (number = '+15550100001'): T => ({ type: 'PHONE_NUMBER', text: 'Call us', phone_number: number });

/** [label, template, expected JSON path of the issue] */
type Bad = [string, T, string];
/** [label, template] */
type Good = [string, T];

/**
 * Each rule's failing and passing cases. The "bad" cases include every malformed
 * example issue 5 lists; the "good" ones are the nearest correct variants.
 */
const CASES: Record<LintRuleId, { bad: Bad[]; good: Good[] }> = {
  'name-format': {
    bad: [
      ['upper case and dash', template([okBody], { name: 'Order-Update' }), 'name'],
      ['empty', template([okBody], { name: '' }), 'name'],
      ['over 512 characters', template([okBody], { name: 'a'.repeat(513) }), 'name'],
      ['missing', { language: 'en_US', category: 'UTILITY', components: [okBody] }, 'name'],
    ],
    good: [
      ['lowercase, digits, underscores', template([okBody], { name: 'order_update_2' })],
      ['512 characters', template([okBody], { name: 'a'.repeat(512) })],
    ],
  },
  'language-unknown': {
    bad: [
      ['dash instead of underscore', template([okBody], { language: 'en-US' }), 'language'],
      ['wrong case', template([okBody], { language: 'en_us' }), 'language'],
      ['made up', template([okBody], { language: 'xx_YY' }), 'language'],
    ],
    good: [
      ['en_US', template([okBody], { language: 'en_US' })],
      ['pt_BR', template([okBody], { language: 'pt_BR' })],
      ['plain es', template([okBody], { language: 'es' })],
    ],
  },
  'category-unknown': {
    bad: [
      ['retired TRANSACTIONAL', template([okBody], { category: 'TRANSACTIONAL' }), 'category'],
      ['missing', template([okBody], { category: undefined }), 'category'],
    ],
    good: [
      ['UTILITY', template([okBody], { category: 'UTILITY' })],
      ['lower-case marketing (Meta accepts it)', template([okBody], { category: 'marketing' })],
    ],
  },
  'parameter-format-unknown': {
    bad: [['unknown value', template([okBody], { parameter_format: 'numbered' }), 'parameter_format']],
    good: [
      ['positional', template([okBody], { parameter_format: 'positional' })],
      ['absent', template([okBody])],
    ],
  },
  'components-structure': {
    bad: [
      ['no components', template([]), 'components'],
      ['no BODY', template([header('Hello')]), 'components'],
      ['two BODY components', template([okBody, okBody]), 'components[1]'],
      ['unknown component type', template([okBody, { type: 'SIDEBAR' }]), 'components[1].type'],
      ['BODY without text', template([{ type: 'BODY' }]), 'components[0].text'],
    ],
    good: [
      ['BODY only', template([okBody])],
      ['all four kinds once', template([header('Update'), okBody, footer('Thanks'), buttons(qr())])],
      ['authentication BODY without text', template([{ type: 'BODY', add_security_recommendation: true }], { category: 'AUTHENTICATION' })],
    ],
  },
  'body-length': {
    bad: [['1025 characters', template([body(`Hello there ${'x'.repeat(1013)}`)]), 'components[0].text']],
    good: [['1024 characters', template([body(`Hello there ${'x'.repeat(1012)}`)])]],
  },
  'header-format': {
    bad: [
      ['unknown format', template([{ type: 'HEADER', format: 'AUDIO' }, okBody]), 'components[0].format'],
      ['TEXT without text', template([{ type: 'HEADER', format: 'TEXT' }, okBody]), 'components[0].text'],
    ],
    good: [
      ['TEXT', template([header('Your order'), okBody])],
      ['LOCATION', template([{ type: 'HEADER', format: 'LOCATION' }, okBody])],
    ],
  },
  'header-length': {
    bad: [['61 characters', template([header('h'.repeat(61)), okBody]), 'components[0].text']],
    good: [['60 characters', template([header('h'.repeat(60)), okBody])]],
  },
  'header-placeholders': {
    bad: [['two placeholders', template([header('{{1}} and {{2}}', { header_text: ['a', 'b'] }), okBody]), 'components[0].text']],
    good: [['one placeholder', template([header('Order {{1}}', { header_text: ['#4521'] }), okBody])]],
  },
  'footer-length': {
    bad: [
      ['61 characters', template([okBody, footer('f'.repeat(61))]), 'components[1].text'],
      ['empty', template([okBody, footer('')]), 'components[1].text'],
    ],
    good: [['60 characters', template([okBody, footer('f'.repeat(60))])]],
  },
  'footer-placeholders': {
    bad: [['a placeholder', template([okBody, footer('Reply {{1}} to stop')]), 'components[1].text']],
    good: [['plain text', template([okBody, footer('Reply STOP to stop')])]],
  },
  'buttons-count': {
    bad: [
      ['eleven buttons', template([okBody, buttons(...Array.from({ length: 11 }, (_, i) => qr(`Option ${i}`)))]), 'components[1].buttons'],
      ['three URL buttons', template([okBody, buttons(url(), url(), url())]), 'components[1].buttons'],
      ['two phone buttons', template([okBody, buttons(phone(), phone())]), 'components[1].buttons'],
      ['no buttons', template([okBody, buttons()]), 'components[1].buttons'],
    ],
    good: [
      ['ten quick replies', template([okBody, buttons(...Array.from({ length: 10 }, (_, i) => qr(`Option ${i}`)))])],
      ['two URL buttons and a phone', template([okBody, buttons(url(), url(), phone())])],
    ],
  },
  'buttons-kind': {
    bad: [
      ['unknown type', template([okBody, buttons({ type: 'SUBMIT', text: 'Go' })]), 'components[1].buttons[0].type'],
      ['OTP in a UTILITY template', template([okBody, buttons({ type: 'OTP', otp_type: 'COPY_CODE' })]), 'components[1].buttons[0].type'],
      [
        'URL in an AUTHENTICATION template',
        template([{ type: 'BODY', add_security_recommendation: true }, buttons(url())], { category: 'AUTHENTICATION' }),
        'components[1].buttons[0].type',
      ],
    ],
    good: [
      ['quick reply and URL', template([okBody, buttons(qr(), url())])],
      ['OTP in AUTHENTICATION', template([{ type: 'BODY', add_security_recommendation: true }, buttons({ type: 'OTP', otp_type: 'COPY_CODE' })], { category: 'AUTHENTICATION' })],
    ],
  },
  'buttons-order': {
    bad: [['QR, URL, QR', template([okBody, buttons(qr('A'), url(), qr('B'))]), 'components[1].buttons']],
    good: [
      ['QR, QR, URL', template([okBody, buttons(qr('A'), qr('B'), url())])],
      ['URL, QR, QR', template([okBody, buttons(url(), qr('A'), qr('B'))])],
    ],
  },
  'button-text': {
    bad: [
      ['26-character label', template([okBody, buttons(qr('x'.repeat(26)))]), 'components[1].buttons[0].text'],
      ['missing label', template([okBody, buttons({ type: 'QUICK_REPLY' })]), 'components[1].buttons[0].text'],
    ],
    good: [
      ['25-character label', template([okBody, buttons(qr('x'.repeat(25)))])],
      ['OTP without label', template([{ type: 'BODY', add_security_recommendation: true }, buttons({ type: 'OTP', otp_type: 'COPY_CODE' })], { category: 'AUTHENTICATION' })],
    ],
  },
  'button-url': {
    bad: [
      ['variable in the middle', template([okBody, buttons(url('https://example.com/{{1}}/track', { example: ['a'] }))]), 'components[1].buttons[0].url'],
      ['two variables', template([okBody, buttons(url('https://example.com/{{1}}?x={{1}}', { example: ['a'] }))]), 'components[1].buttons[0].url'],
      ['named variable', template([okBody, buttons(url('https://example.com/{{order}}', { example: ['a'] }))]), 'components[1].buttons[0].url'],
      ['not http', template([okBody, buttons(url('ftp://example.com/file'))]), 'components[1].buttons[0].url'],
      ['too long', template([okBody, buttons(url(`https://example.com/${'p'.repeat(2000)}`))]), 'components[1].buttons[0].url'],
    ],
    good: [
      ['static URL', template([okBody, buttons(url())])],
      ['variable at the end', template([okBody, buttons(url('https://example.com/orders/{{1}}', { example: ['https://example.com/orders/4521'] }))])],
    ],
  },
  'button-phone': {
    bad: [
      ['missing number', template([okBody, buttons({ type: 'PHONE_NUMBER', text: 'Call' })]), 'components[1].buttons[0].phone_number'],
      ['21 characters', template([okBody, buttons(phone('+1555010000100000000'.padEnd(21, '0')))]), 'components[1].buttons[0].phone_number'],
    ],
    good: [['E.164 number', template([okBody, buttons(phone('+15550100001'))])]],
  },
  'placeholder-malformed': {
    bad: [
      ['{{1}', template([body('Hi {{1}, your order is on its way.')]), 'components[0].text'],
      ['{1}}', template([body('Hi {1}}, your order is on its way.')]), 'components[0].text'],
      ['{{ 1 }}', template([body('Hi {{ 1 }}, your order is on its way.', { body_text: [['a']] })]), 'components[0].text'],
      ['{{}}', template([body('Hi {{}}, your order is on its way.')]), 'components[0].text'],
      ['unclosed {{name', template([body('Hi {{name, your order is on its way.')], { parameter_format: 'named' }), 'components[0].text'],
      ['in a header', template([header('Order {{1}'), okBody]), 'components[0].text'],
      ['in a URL', template([okBody, buttons(url('https://example.com/{{1}'))]), 'components[1].buttons[0].url'],
    ],
    good: [
      ['{{1}}', template([okBody])],
      ['{{first_name}}', template([body('Hi {{first_name}}, your order is on its way.', { body_text_named_params: [{ param_name: 'first_name', example: 'Ana' }] })], { parameter_format: 'named' })],
    ],
  },
  'placeholder-mixed': {
    bad: [
      ['positional and named', template([body('Hi {{1}}, your order {{order_id}} is on its way.', { body_text: [['a', 'b']] })]), 'components[0].text'],
      ['named without parameter_format', template([body('Hi {{first_name}}, your order is on its way.', { body_text_named_params: [{ param_name: 'first_name', example: 'Ana' }] })]), 'components[0].text'],
      ['positional in a named template', template([okBody], { parameter_format: 'named' }), 'components[0].text'],
    ],
    good: [
      ['all positional', template([header('Order {{1}}', { header_text: ['#1'] }), okBody])],
      ['named with a URL {{1}}', template([body('Hi {{first_name}}, your order is on its way.', { body_text_named_params: [{ param_name: 'first_name', example: 'Ana' }] }), buttons(url('https://example.com/o/{{1}}', { example: ['x'] }))], { parameter_format: 'named' })],
    ],
  },
  'placeholder-sequence': {
    bad: [
      ['gap: {{1}} then {{3}}', template([body('Hi {{1}}, your order {{3}} is on its way.', { body_text: [['a', 'b']] })]), 'components[0].text'],
      ['starts at {{2}}', template([body('Hi {{2}}, your order is on its way.', { body_text: [['a']] })]), 'components[0].text'],
      ['out of order', template([body('Hi {{2}}, your order {{1}} is on its way.', { body_text: [['a', 'b']] })]), 'components[0].text'],
      ['{{0}}', template([body('Hi {{0}}, your order is on its way.', { body_text: [['a']] })]), 'components[0].text'],
      ['header {{2}}', template([header('Order {{2}}', { header_text: ['x'] }), okBody]), 'components[0].text'],
    ],
    good: [
      ['{{1}}, {{2}}', template([okBody])],
      ['repeated {{1}}', template([body('Hi {{1}}, your order {{2}} is on its way, {{1}}!', { body_text: [['a', 'b']] })])],
    ],
  },
  'placeholder-position': {
    bad: [
      ['at the very start', template([body('{{1}}, your order is on its way now.', { body_text: [['a']] })]), 'components[0].text'],
      ['at the very end', template([body('Your order is on its way, {{1}}', { body_text: [['a']] })]), 'components[0].text'],
      ['at the end after spaces', template([body('Your order is on its way, {{1}}  ', { body_text: [['a']] })]), 'components[0].text'],
    ],
    good: [
      ['text on both sides', template([okBody])],
      ['followed by punctuation (Meta documents this)', template([body('Thank you for your order, {{1}}.', { body_text: [['Ana']] })])],
    ],
  },
  'placeholder-density': {
    bad: [
      ['three placeholders, two words', template([body('Dear {{1}}, {{2}} and {{3}}.', { body_text: [['a', 'b', 'c']] })]), 'components[0].text'],
      ['one word per placeholder', template([body('Hi {{1}} at {{2}} now.', { body_text: [['a', 'b']] })]), 'components[0].text'],
    ],
    good: [
      ['two words per placeholder', template([body('Hi {{1}}, your order {{2}} shipped.', { body_text: [['a', 'b']] })])],
      ['plenty of text', template([okBody])],
    ],
  },
  'example-missing': {
    bad: [
      ['body without examples', template([body('Hi {{1}}, your order {{2}} is on its way.')]), 'components[0].example.body_text'],
      ['one example short', template([body('Hi {{1}}, your order {{2}} is on its way.', { body_text: [['John']] })]), 'components[0].example.body_text'],
      ['header without example', template([header('Order {{1}}'), okBody]), 'components[0].example.header_text'],
      [
        'named body without its example',
        template([body('Hi {{first_name}}, your {{order_id}} is on its way.', { body_text_named_params: [{ param_name: 'first_name', example: 'Ana' }] })], { parameter_format: 'named' }),
        'components[0].example.body_text_named_params',
      ],
      ['URL variable without example', template([okBody, buttons(url('https://example.com/{{1}}'))]), 'components[1].buttons[0].example'],
      ['image header without handle', template([{ type: 'HEADER', format: 'IMAGE' }, okBody]), 'components[0].example.header_handle'],
      ['copy code without example', template([okBody, buttons({ type: 'COPY_CODE' })], { category: 'MARKETING' }), 'components[1].buttons[0].example'],
    ],
    good: [
      ['every placeholder has one', template([header('Order {{1}}', { header_text: ['#4521'] }), okBody, buttons(url('https://example.com/{{1}}', { example: ['https://example.com/4521'] }))])],
      ['image header with handle', template([{ type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2U='] } }, okBody])],
    ],
  },
  'url-shortener': {
    bad: [
      ['bit.ly in the body', template([body('Track your order at bit.ly/abc123 today please.')]), 'components[0].text'],
      ['tinyurl in a button', template([okBody, buttons(url('https://tinyurl.com/abc'))]), 'components[1].buttons[0].url'],
      ['t.co in the footer', template([okBody, footer('More: https://t.co/xyz')]), 'components[1].text'],
    ],
    good: [
      ['own domain', template([body('Track your order at https://example.com/orders today.'), buttons(url())])],
      ['similar but not a shortener (at.com)', template([body('Track your order at https://at.co/ today please.')])],
    ],
  },
  'placeholder-adjacent': {
    bad: [['separated by a space', template([body('Hello {{1}} {{2}}, welcome back to our store today.', { body_text: [['a', 'b']] })]), 'components[0].text']],
    good: [['separated by words', template([okBody])]],
  },
  'header-symbols': {
    bad: [
      ['emoji', template([header('Your order 📦'), okBody]), 'components[0].text'],
      ['markdown', template([header('*Your order*'), okBody]), 'components[0].text'],
    ],
    good: [['plain words and punctuation', template([header('Our sale is on!'), okBody])]],
  },
  'utility-promotional': {
    bad: [
      ['discount in UTILITY', template([body('Your order {{1}} shipped. Get 20% off your next purchase, {{2}}!', { body_text: [['a', 'b']] })]), 'components[0].text'],
      ['urgency in UTILITY', template([body('Hurry, your cart {{1}} expires soon for you.', { body_text: [['a']] })]), 'components[0].text'],
    ],
    good: [
      ['transactional UTILITY', template([okBody])],
      ['the same wording in MARKETING', template([body('Your order {{1}} shipped. Get 20% off your next purchase, {{2}}!', { body_text: [['a', 'b']] })], { category: 'MARKETING' })],
    ],
  },
  'sensitive-data-request': {
    bad: [
      ['card number', template([body('Please reply with your card number to confirm order {{1}} today.', { body_text: [['a']] })]), 'components[0].text'],
      ['password', template([body('Send us your password so we can fix account {{1}} today.', { body_text: [['a']] })]), 'components[0].text'],
    ],
    good: [
      ['warning not to share', template([body('Never share your PIN with anyone, {{1}}, not even us.', { body_text: [['a']] })])],
      ['authentication preset', template([{ type: 'BODY', add_security_recommendation: true }], { category: 'AUTHENTICATION' })],
    ],
  },
};

const rulesOf = (input: unknown) => lintTemplate(input).issues;

describe('lintTemplate rules', () => {
  it('has failing and passing cases for every rule', () => {
    for (const rule of Object.keys(LINT_RULES) as LintRuleId[]) {
      expect({ rule, bad: CASES[rule].bad.length > 0, good: CASES[rule].good.length > 0 }).toEqual({ rule, bad: true, good: true });
    }
  });

  describe.each(Object.keys(CASES) as LintRuleId[])('%s', (rule) => {
    it.each(CASES[rule].bad)('reports %s', (_label, input, path) => {
      const issue = rulesOf(input).find((candidate) => candidate.rule === rule);
      expect(issue).toEqual({ rule, severity: LINT_RULES[rule].severity, message: expect.any(String), path });
      if (LINT_RULES[rule].severity === 'error') expect(lintTemplate(input).valid).toBe(false);
    });

    it.each(CASES[rule].good)('accepts %s', (_label, input) => {
      expect(rulesOf(input).filter((issue) => issue.rule === rule)).toEqual([]);
    });
  });
});

describe("lintTemplate on Meta's documented examples", () => {
  // From Meta's "Templates" page (parameter formats) and the copy-code authentication page.
  const metaExamples: [string, T][] = [
    [
      'named order_confirmation',
      {
        name: 'order_confirmation',
        language: 'en_US',
        category: 'utility',
        parameter_format: 'named',
        components: [
          {
            type: 'body',
            text: 'Thank you, {{first_name}}! Your order number is {{order_number}}.',
            example: {
              body_text_named_params: [
                { param_name: 'first_name', example: 'Pablo' },
                { param_name: 'order_number', example: '860198-230332' },
              ],
            },
          },
        ],
      },
    ],
    [
      'positional order_confirmation',
      {
        name: 'order_confirmation',
        language: 'en_US',
        category: 'utility',
        parameter_format: 'positional',
        components: [{ type: 'body', text: 'Hi {{1}}! Your order number is {{2}}. Thank you.', example: { body_text: [['Pablo', '860198-230332']] } }],
      },
    ],
    [
      'authentication_code_copy_code_button',
      {
        name: 'authentication_code_copy_code_button',
        language: 'en_US',
        category: 'authentication',
        message_send_ttl_seconds: 60,
        components: [
          { type: 'body', add_security_recommendation: true },
          { type: 'footer', code_expiration_minutes: 5 },
          { type: 'buttons', buttons: [{ type: 'otp', otp_type: 'copy_code', text: 'Copy Code' }] },
        ],
      },
    ],
    [
      'seasonal_promotion',
      {
        name: 'seasonal_promotion',
        language: 'en_US',
        category: 'MARKETING',
        components: [
          { type: 'HEADER', format: 'TEXT', text: 'Our {{1}} is on!', example: { header_text: ['Summer Sale'] } },
          {
            type: 'BODY',
            text: 'Shop now through {{1}} and use code {{2}} to get {{3}} off of all merchandise.',
            example: { body_text: [['the end of August', '25OFF', '25%']] },
          },
          { type: 'FOOTER', text: 'Use the buttons below to manage your marketing subscriptions' },
          { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Unsubscribe from Promos' }, { type: 'QUICK_REPLY', text: 'Unsubscribe from All' }] },
        ],
      },
    ],
  ];

  it.each(metaExamples)('accepts %s without errors or warnings', (_label, input) => {
    expect(lintTemplate(input)).toEqual({ valid: true, errors: 0, warnings: 0, issues: [] });
  });

  it("accepts every template of the simulator's demo seed (Meta's sample shapes)", () => {
    for (const seeded of demoSeed().templates ?? []) {
      const result = lintTemplate({
        name: seeded.name,
        language: seeded.language,
        category: seeded.category,
        ...(seeded.parameterFormat ? { parameter_format: seeded.parameterFormat } : {}),
        components: seeded.components,
      });
      expect({ name: seeded.name, issues: result.issues.filter((issue) => issue.severity === 'error') }).toEqual({ name: seeded.name, issues: [] });
    }
  });

  it('never throws on junk and reports the shape problem', () => {
    for (const junk of [null, 'text', 42, [], { components: 'x' }]) {
      const result = lintTemplate(junk);
      expect(result.valid).toBe(false);
      expect(result.issues.some((issue) => issue.rule === 'components-structure' || issue.rule === 'name-format')).toBe(true);
    }
  });
});
