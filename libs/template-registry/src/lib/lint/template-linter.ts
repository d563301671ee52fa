import { isMediaHeader } from '../placeholders/placeholder-map';
import { distinctPlaceholders, scanPlaceholders, type PlaceholderToken } from '../placeholders/placeholder.scanner';
import { LINT_RULES, type LintIssue, type LintResult, type LintRuleId } from './lint-rules';
import { suggestLanguage, TEMPLATE_CATEGORIES, TEMPLATE_LANGUAGES } from './template-languages';
import { findHeaderSymbols, findPromotionalWording, findSensitiveDataRequest, findUrlShortener } from './template-wording';

type Json = Record<string, unknown>;

const NAME = /^[a-z0-9_]{1,512}$/;
const COMPONENT_TYPES = ['HEADER', 'BODY', 'FOOTER', 'BUTTONS'];
// Meta has more component kinds than the registry lints; they pass through untouched.
const PASS_THROUGH_COMPONENTS = ['CAROUSEL', 'LIMITED_TIME_OFFER'];
const HEADER_FORMATS = ['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION', 'GIF'];
const BUTTON_TYPES = ['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'COPY_CODE', 'OTP', 'FLOW', 'CATALOG', 'MPM', 'VOICE_CALL'];
const BUTTON_LIMITS: Record<string, number> = { URL: 2, PHONE_NUMBER: 1, COPY_CODE: 1, OTP: 1, FLOW: 1, CATALOG: 1, MPM: 1, VOICE_CALL: 1 };

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const upper = (value: unknown): string => (typeof value === 'string' ? value.toUpperCase() : '');
const quote = (value: string, max = 40) => `"${value.length > max ? `${value.slice(0, max - 3)}...` : value}"`;

/** Words of fixed text: tokens with a letter or digit once the placeholders are taken out. */
function fixedWords(text: string, tokens: readonly PlaceholderToken[]): number {
  let rest = text;
  for (const token of [...tokens].reverse()) rest = `${rest.slice(0, token.start)} ${rest.slice(token.end)}`;
  return rest.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
}

class Linter {
  readonly issues: LintIssue[] = [];
  private readonly styles = new Map<'positional' | 'named', string>();

  report(rule: LintRuleId, path: string, message: string): void {
    this.issues.push({ rule, severity: LINT_RULES[rule].severity, message, path });
  }

  /**
   * Scans one text field: malformed braces, and which placeholder styles the template
   * uses. URL variables are always {{1}}, also in named templates, so they do not count.
   */
  scan(text: string, path: string, countsForStyle = true): PlaceholderToken[] {
    const { placeholders, malformed } = scanPlaceholders(text);
    for (const bad of malformed) this.report('placeholder-malformed', path, `${bad.problem} (at character ${bad.start + 1})`);
    if (countsForStyle) for (const token of placeholders) if (!this.styles.has(token.style)) this.styles.set(token.style, path);
    return [...placeholders];
  }

  checkStyles(declared: string | undefined): void {
    const positional = this.styles.get('positional');
    const named = this.styles.get('named');
    if (positional !== undefined && named !== undefined) {
      this.report('placeholder-mixed', named, 'Positional ({{1}}) and named ({{first_name}}) placeholders are mixed; use one kind throughout the template');
    } else if (named !== undefined && declared !== 'NAMED') {
      this.report('placeholder-mixed', named, 'Named placeholders need "parameter_format": "named" (Meta assumes positional otherwise)');
    } else if (positional !== undefined && declared === 'NAMED') {
      this.report('placeholder-mixed', positional, 'The template declares named parameters but uses positional placeholders');
    }
  }

  checkSequence(tokens: readonly PlaceholderToken[], path: string): void {
    const positional = tokens.filter((token) => token.style === 'positional');
    if (positional.length === 0) return;
    const leadingZero = positional.find((token) => token.name.length > 1 && token.name.startsWith('0'));
    if (leadingZero) {
      this.report('placeholder-sequence', path, `${quote(leadingZero.raw)} has a leading zero; write {{${Number(leadingZero.name)}}}`);
      return;
    }
    const numbers = distinctPlaceholders(positional).map(Number);
    const missing: number[] = [];
    const highest = Math.max(...numbers);
    for (let n = 1; n <= highest; n += 1) if (!numbers.includes(n)) missing.push(n);
    if (numbers.includes(0)) {
      this.report('placeholder-sequence', path, 'Positional placeholders start at {{1}}, not {{0}}');
    } else if (missing.length > 0) {
      this.report('placeholder-sequence', path, `Placeholders must run from {{1}} without gaps; missing ${missing.map((n) => `{{${n}}}`).join(', ')}`);
    } else {
      const firstSeen: number[] = [];
      for (const token of positional) if (!firstSeen.includes(Number(token.name))) firstSeen.push(Number(token.name));
      if (firstSeen.some((n, index) => n !== index + 1)) {
        this.report('placeholder-sequence', path, `Placeholders must appear in order {{1}}, {{2}}, ...; found ${firstSeen.map((n) => `{{${n}}}`).join(', ')}`);
      }
    }
  }

  checkAdjacent(text: string, tokens: readonly PlaceholderToken[], path: string): void {
    for (let i = 1; i < tokens.length; i += 1) {
      const previous = tokens[i - 1];
      const current = tokens[i];
      if (previous && current && text.slice(previous.end, current.start).trim() === '') {
        this.report('placeholder-adjacent', path, `${previous.raw} and ${current.raw} have no text between them; review often rejects adjacent parameters`);
        return;
      }
    }
  }

  /** Positional examples are `example[key][0]` (body) or `example[key]` (header); named ones a list of {param_name, example}. */
  checkExamples(component: Json, tokens: readonly PlaceholderToken[], path: string, kind: 'body' | 'header'): void {
    if (tokens.length === 0) return;
    const example = isRecord(component['example']) ? component['example'] : {};
    const names = distinctPlaceholders(tokens);
    if (tokens.every((token) => token.style === 'named')) {
      const key = `${kind}_text_named_params`;
      const list = Array.isArray(example[key]) ? (example[key] as unknown[]) : [];
      const given = new Map(list.filter(isRecord).map((entry) => [entry['param_name'], entry['example']]));
      for (const name of names) {
        const value = given.get(name);
        if (typeof value !== 'string' || value.trim() === '') {
          this.report('example-missing', `${path}.example.${key}`, `No example value for {{${name}}}`);
        }
      }
      return;
    }
    const key = `${kind}_text`;
    const raw = example[key];
    const values: unknown[] = Array.isArray(raw) ? (kind === 'body' ? (Array.isArray(raw[0]) ? (raw[0] as unknown[]) : []) : raw) : [];
    names.forEach((name, index) => {
      const value = values[index];
      if (!((typeof value === 'string' && value.trim() !== '') || typeof value === 'number')) {
        this.report('example-missing', `${path}.example.${key}`, `No example value for {{${name}}}`);
      }
    });
  }

  checkWording(text: string, path: string, category: string): void {
    const shortener = findUrlShortener(text);
    if (shortener) this.report('url-shortener', path, `URL shortener ${shortener} is not allowed; use the full link on your own domain`);
    if (category === 'UTILITY') {
      const promotional = findPromotionalWording(text);
      if (promotional) {
        this.report('utility-promotional', path, `${quote(promotional)} reads as urgent or promotional; Meta may recategorise this UTILITY template as MARKETING`);
      }
    }
    const sensitive = findSensitiveDataRequest(text);
    if (sensitive) this.report('sensitive-data-request', path, `The text asks for ${quote(sensitive)}; templates requesting sensitive data are often rejected`);
  }
}

function lintBody(linter: Linter, component: Json, path: string, category: string): void {
  const text = str(component['text']);
  if (text === undefined || text.trim() === '') {
    // Authentication bodies are Meta's preset text; only the security recommendation flag is sent.
    if (category !== 'AUTHENTICATION') linter.report('components-structure', `${path}.text`, 'BODY needs a text');
    return;
  }
  if (text.length > 1024) linter.report('body-length', `${path}.text`, `Body text is ${text.length} characters; Meta allows 1024`);
  const tokens = linter.scan(text, `${path}.text`);
  linter.checkSequence(tokens, `${path}.text`);
  linter.checkAdjacent(text, tokens, `${path}.text`);
  linter.checkExamples(component, tokens, path, 'body');
  if (tokens.length > 0) {
    const trimmed = text.trim();
    const offset = text.indexOf(trimmed);
    const first = tokens[0];
    const last = tokens[tokens.length - 1];
    if (first && first.start === offset) {
      linter.report('placeholder-position', `${path}.text`, `The body starts with ${first.raw}; put fixed text before the first placeholder`);
    }
    if (last && last.end === offset + trimmed.length) {
      linter.report('placeholder-position', `${path}.text`, `The body ends with ${last.raw}; put fixed text after the last placeholder`);
    }
    const words = fixedWords(text, tokens);
    if (words < tokens.length * 2) {
      linter.report(
        'placeholder-density',
        `${path}.text`,
        `${tokens.length} placeholder(s) for ${words} word(s) of fixed text; Meta rejects templates that are mostly parameters (use at least two words per placeholder)`,
      );
    }
  }
  linter.checkWording(text, `${path}.text`, category);
}

function lintHeader(linter: Linter, component: Json, path: string, category: string): void {
  const format = upper(component['format']);
  if (!HEADER_FORMATS.includes(format)) {
    linter.report('header-format', `${path}.format`, `Header format ${quote(String(component['format'] ?? ''))} is not one of ${HEADER_FORMATS.join(', ')}`);
    return;
  }
  if (isMediaHeader(format)) {
    if (format === 'LOCATION') return;
    const example = isRecord(component['example']) ? component['example'] : {};
    const handles = example['header_handle'];
    if (!Array.isArray(handles) || handles.length === 0 || typeof handles[0] !== 'string') {
      linter.report('example-missing', `${path}.example.header_handle`, `A ${format} header needs an example media handle (Resumable Upload API)`);
    }
    return;
  }
  const text = str(component['text']);
  if (text === undefined || text.trim() === '') {
    linter.report('header-format', `${path}.text`, 'A TEXT header needs a text');
    return;
  }
  if (text.length > 60) linter.report('header-length', `${path}.text`, `Header text is ${text.length} characters; Meta allows 60`);
  const tokens = linter.scan(text, `${path}.text`);
  const names = distinctPlaceholders(tokens);
  if (names.length > 1) linter.report('header-placeholders', `${path}.text`, `Header text has ${names.length} placeholders; Meta allows one`);
  linter.checkSequence(tokens, `${path}.text`);
  linter.checkExamples(component, tokens, path, 'header');
  const symbols = findHeaderSymbols(text);
  if (symbols) linter.report('header-symbols', `${path}.text`, `Header text contains ${symbols}; Meta often rejects these in headers`);
  linter.checkWording(text, `${path}.text`, category);
}

function lintFooter(linter: Linter, component: Json, path: string, category: string): void {
  const text = str(component['text']);
  if (text === undefined && category === 'AUTHENTICATION') return; // code_expiration_minutes only
  if (text === undefined || text.trim() === '' || text.length > 60) {
    linter.report('footer-length', `${path}.text`, `Footer text must be 1-60 characters; it is ${text?.length ?? 0}`);
  }
  if (text !== undefined && /\{\{|\}\}/.test(text)) {
    linter.report('footer-placeholders', `${path}.text`, 'Footer text cannot have placeholders');
  }
  if (text) linter.checkWording(text, `${path}.text`, category);
}

function lintUrlButton(linter: Linter, button: Json, path: string): void {
  const url = str(button['url']);
  if (url === undefined || !/^https?:\/\/[^\s/]+/i.test(url)) {
    linter.report('button-url', `${path}.url`, 'URL buttons need an http(s) URL');
    return;
  }
  if (url.length > 2000) linter.report('button-url', `${path}.url`, `The URL is ${url.length} characters; Meta allows 2000`);
  const tokens = linter.scan(url, `${path}.url`, false);
  if (tokens.length > 1) linter.report('button-url', `${path}.url`, 'A URL button has at most one variable');
  const variable = tokens[0];
  if (variable) {
    if (variable.raw !== '{{1}}') linter.report('button-url', `${path}.url`, `The URL variable must be {{1}}, not ${variable.raw}`);
    if (variable.end !== url.length) linter.report('button-url', `${path}.url`, 'The URL variable must be at the very end of the URL');
    const example = button['example'];
    const first: unknown = Array.isArray(example) ? example[0] : example;
    if (typeof first !== 'string' || first.trim() === '') {
      linter.report('example-missing', `${path}.example`, 'A URL with a variable needs an example value');
    }
  }
  const shortener = findUrlShortener(url);
  if (shortener) linter.report('url-shortener', `${path}.url`, `URL shortener ${shortener} is not allowed in buttons; link to your own domain`);
}

function lintButtons(linter: Linter, component: Json, path: string, category: string): void {
  const raw = component['buttons'];
  const buttons = Array.isArray(raw) ? raw : [];
  if (buttons.length === 0 || buttons.length > 10) {
    linter.report('buttons-count', `${path}.buttons`, `A BUTTONS component has 1-10 buttons; this one has ${buttons.length}`);
  }
  const types = buttons.map((button) => (isRecord(button) ? upper(button['type']) : ''));
  for (const [type, limit] of Object.entries(BUTTON_LIMITS)) {
    const count = types.filter((candidate) => candidate === type).length;
    if (count > limit) linter.report('buttons-count', `${path}.buttons`, `At most ${limit} ${type} button(s); found ${count}`);
  }
  const firstQuickReply = types.indexOf('QUICK_REPLY');
  const lastQuickReply = types.lastIndexOf('QUICK_REPLY');
  if (firstQuickReply !== -1 && types.slice(firstQuickReply, lastQuickReply + 1).some((type) => type !== 'QUICK_REPLY')) {
    linter.report('buttons-order', `${path}.buttons`, 'Quick reply buttons must be grouped together, before or after the other buttons');
  }

  buttons.forEach((button, index) => {
    const at = `${path}.buttons[${index}]`;
    if (!isRecord(button)) {
      linter.report('buttons-kind', at, 'A button must be an object');
      return;
    }
    const type = upper(button['type']);
    if (!BUTTON_TYPES.includes(type)) {
      linter.report('buttons-kind', `${at}.type`, `Unknown button type ${quote(String(button['type'] ?? ''))}`);
      return;
    }
    if (category === 'AUTHENTICATION' && type !== 'OTP') {
      linter.report('buttons-kind', `${at}.type`, `Authentication templates only take an OTP button, not ${type}`);
    }
    if (category !== 'AUTHENTICATION' && type === 'OTP') {
      linter.report('buttons-kind', `${at}.type`, 'OTP buttons are only for AUTHENTICATION templates');
    }
    const label = str(button['text']);
    if (type === 'OTP' ? label !== undefined && (label.trim() === '' || label.length > 25) : label === undefined || label.trim() === '' || label.length > 25) {
      linter.report('button-text', `${at}.text`, `Button labels must be 1-25 characters; this one is ${label?.length ?? 0}`);
    }
    if (type === 'URL') lintUrlButton(linter, button, at);
    if (type === 'PHONE_NUMBER') {
      const phone = str(button['phone_number']);
      if (phone === undefined || !/^\+?[0-9 ()-]{3,20}$/.test(phone) || phone.length > 20) {
        linter.report('button-phone', `${at}.phone_number`, 'Phone number buttons need a phone number of at most 20 characters');
      }
    }
    if (type === 'COPY_CODE') {
      const example = button['example'];
      const first: unknown = Array.isArray(example) ? example[0] : example;
      if (typeof first !== 'string' || first.trim() === '') {
        linter.report('example-missing', `${at}.example`, 'A copy-code button needs an example code');
      }
    }
  });
}

function summarise(issues: readonly LintIssue[]): LintResult {
  const errors = issues.filter((issue) => issue.severity === 'error').length;
  return { valid: errors === 0, errors, warnings: issues.length - errors, issues };
}

/**
 * Checks a template submission (Meta's creation shape: name, language, category,
 * parameter_format?, components) without calling Meta. Never throws: every
 * problem, including a wrong shape, is a lint issue with its rule id and path.
 */
export function lintTemplate(input: unknown): LintResult {
  const linter = new Linter();
  if (!isRecord(input)) {
    linter.report('components-structure', '', 'A template is a JSON object');
    return summarise(linter.issues);
  }

  const name = str(input['name']);
  if (name === undefined || !NAME.test(name)) {
    linter.report('name-format', 'name', `Name ${quote(String(input['name'] ?? ''))} must be 1-512 lowercase letters, digits and underscores`);
  }

  const language = str(input['language']);
  if (language === undefined || !TEMPLATE_LANGUAGES.has(language)) {
    const suggestion = language ? suggestLanguage(language) : undefined;
    linter.report(
      'language-unknown',
      'language',
      `Unknown language code ${quote(String(input['language'] ?? ''))}${suggestion ? `; did you mean ${suggestion}?` : ''}`,
    );
  }

  const category = upper(input['category']);
  if (!(TEMPLATE_CATEGORIES as readonly string[]).includes(category)) {
    linter.report('category-unknown', 'category', `Category ${quote(String(input['category'] ?? ''))} must be one of ${TEMPLATE_CATEGORIES.join(', ')}`);
  }

  const declaredFormat = input['parameter_format'] === undefined ? undefined : upper(input['parameter_format']);
  if (declaredFormat !== undefined && declaredFormat !== 'POSITIONAL' && declaredFormat !== 'NAMED') {
    linter.report('parameter-format-unknown', 'parameter_format', 'parameter_format must be "positional" or "named"');
  }

  const components = input['components'];
  if (!Array.isArray(components) || components.length === 0) {
    linter.report('components-structure', 'components', 'components must be a non-empty list with one BODY');
    return summarise(linter.issues);
  }

  const seen = new Map<string, number>();
  components.forEach((component, index) => {
    const path = `components[${index}]`;
    if (!isRecord(component)) {
      linter.report('components-structure', path, 'A component must be an object');
      return;
    }
    const type = upper(component['type']);
    if (PASS_THROUGH_COMPONENTS.includes(type)) return;
    if (!COMPONENT_TYPES.includes(type)) {
      linter.report('components-structure', `${path}.type`, `Unknown component type ${quote(String(component['type'] ?? ''))}`);
      return;
    }
    if (seen.has(type)) {
      linter.report('components-structure', path, `Only one ${type} component is allowed (also at components[${seen.get(type)}])`);
      return;
    }
    seen.set(type, index);
    switch (type) {
      case 'HEADER':
        lintHeader(linter, component, path, category);
        break;
      case 'BODY':
        lintBody(linter, component, path, category);
        break;
      case 'FOOTER':
        lintFooter(linter, component, path, category);
        break;
      case 'BUTTONS':
        lintButtons(linter, component, path, category);
        break;
    }
  });
  if (!seen.has('BODY')) linter.report('components-structure', 'components', 'A template needs exactly one BODY component');
  linter.checkStyles(declaredFormat);
  return summarise(linter.issues);
}
