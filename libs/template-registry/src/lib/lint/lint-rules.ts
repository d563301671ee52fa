export type LintSeverity = 'error' | 'warning';

export interface LintRuleInfo {
  readonly severity: LintSeverity;
  /** What the rule checks, for the README and the validate endpoint. */
  readonly description: string;
  /** The Meta creation error or review outcome the rule anticipates. */
  readonly meta: string;
}

/**
 * Every lint rule. Errors are what Meta rejects on submission (a template that
 * fails one never reaches Graph); warnings are what review often rejects or
 * recategorises.
 */
export const LINT_RULES = {
  'name-format': { severity: 'error', description: 'Name matches ^[a-z0-9_]{1,512}$.', meta: '100 invalid parameter' },
  'language-unknown': { severity: 'error', description: 'Language is a code Meta supports, exactly (en_US, not en-US or en_us).', meta: '100 invalid parameter' },
  'category-unknown': { severity: 'error', description: 'Category is MARKETING, UTILITY or AUTHENTICATION.', meta: '100 invalid parameter' },
  'parameter-format-unknown': { severity: 'error', description: 'parameter_format, when given, is positional or named.', meta: '100 invalid parameter' },
  'components-structure': { severity: 'error', description: 'components is a list with exactly one BODY (with text, except AUTHENTICATION) and at most one HEADER, FOOTER and BUTTONS.', meta: '100 invalid parameter' },
  'body-length': { severity: 'error', description: 'Body text is at most 1024 characters.', meta: '2388040 character limit' },
  'header-format': { severity: 'error', description: 'Header format is TEXT (with text), IMAGE, VIDEO, DOCUMENT, LOCATION or GIF.', meta: '2388047 header format' },
  'header-length': { severity: 'error', description: 'Header text is at most 60 characters.', meta: '2388040 character limit' },
  'header-placeholders': { severity: 'error', description: 'Header text has at most one placeholder.', meta: '2388047 header format' },
  'footer-length': { severity: 'error', description: 'Footer text is 1-60 characters.', meta: '2388040 character limit' },
  'footer-placeholders': { severity: 'error', description: 'Footer text has no placeholder.', meta: '2388073 footer format' },
  'buttons-count': { severity: 'error', description: '1-10 buttons; at most 2 URL, 1 PHONE_NUMBER, 1 COPY_CODE, 1 OTP.', meta: '100 invalid parameter' },
  'buttons-kind': { severity: 'error', description: 'Button types are known; OTP only (and only) in AUTHENTICATION templates.', meta: '100 invalid parameter' },
  'buttons-order': { severity: 'error', description: 'Quick replies are grouped together (QR, QR, URL is fine; QR, URL, QR is not).', meta: '100 invalid parameter' },
  'button-text': { severity: 'error', description: 'Button labels are 1-25 characters (optional on OTP buttons).', meta: '2388040 character limit' },
  'button-url': { severity: 'error', description: 'URL buttons have an http(s) URL of at most 2000 characters with at most one variable, {{1}}, at its very end.', meta: '100 invalid parameter' },
  'button-phone': { severity: 'error', description: 'Phone number buttons have a phone number of at most 20 characters.', meta: '100 invalid parameter' },
  'placeholder-malformed': { severity: 'error', description: 'Every brace pair is a well-formed placeholder: no {{1}, {1}}, {{ 1 }}, {{}}, unclosed {{name.', meta: '2388072 body format' },
  'placeholder-mixed': { severity: 'error', description: 'Positional ({{1}}) and named ({{first_name}}) placeholders are not mixed, and named ones come with parameter_format "named".', meta: '2388072 body format' },
  'placeholder-sequence': { severity: 'error', description: 'Positional placeholders of a component run {{1}}, {{2}}, ... from 1 without gaps, in order.', meta: '2388072 body format' },
  'placeholder-position': { severity: 'error', description: 'The body neither starts nor ends with a placeholder.', meta: '2388299 leading or trailing parameter' },
  'placeholder-density': { severity: 'error', description: 'At least two words of fixed text per body placeholder.', meta: '2388293 parameter-to-words ratio' },
  'example-missing': { severity: 'error', description: 'Every placeholder (header, body, URL button) has an example value; media headers have an example handle; copy-code buttons an example code.', meta: '2388072 body format' },
  'url-shortener': { severity: 'error', description: 'No URL shortener (bit.ly, tinyurl.com, ...) in texts or button URLs.', meta: 'rejected at review' },
  'placeholder-adjacent': { severity: 'warning', description: 'Placeholders are separated by text, not only by spaces.', meta: 'INVALID_FORMAT rejection' },
  'header-symbols': { severity: 'warning', description: 'Header text has no emoji, formatting characters (*, _, ~, backtick) or line breaks.', meta: 'INVALID_FORMAT rejection' },
  'utility-promotional': { severity: 'warning', description: 'A UTILITY template has no urgent or promotional wording (sale, % off, hurry, ...).', meta: 'recategorised as MARKETING (131064 on repeat)' },
  'sensitive-data-request': { severity: 'warning', description: 'The template does not ask for passwords, PINs, card numbers, national ids or similar.', meta: 'ABUSIVE_CONTENT / SCAM rejection' },
} as const satisfies Record<string, LintRuleInfo>;

export type LintRuleId = keyof typeof LINT_RULES;

export interface LintIssue {
  readonly rule: LintRuleId;
  readonly severity: LintSeverity;
  readonly message: string;
  /** JSON path into the submitted template, e.g. `components[1].buttons[0].url`. */
  readonly path: string;
}

export interface LintResult {
  /** No errors (warnings allowed). */
  readonly valid: boolean;
  readonly errors: number;
  readonly warnings: number;
  readonly issues: readonly LintIssue[];
}
