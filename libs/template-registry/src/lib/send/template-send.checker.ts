import {
  buttonsOf,
  componentOf,
  isMediaHeader,
  type ButtonSlot,
  type PlaceholderMap,
  type StoredTemplateComponent,
} from '../placeholders/placeholder-map';
import { scanPlaceholders } from '../placeholders/placeholder.scanner';

/**
 * `count`: parameters missing, extra or addressed to nothing (Meta 132000);
 * `format`: a parameter of the wrong type or shape (132012);
 * `value`: a value Meta would refuse or a half-rendered one (validation);
 * `length`: the rendered text is longer than Meta allows (132005).
 */
export type SendIssueKind = 'count' | 'format' | 'value' | 'length';

export interface SendIssue {
  readonly path: string;
  readonly issue: string;
  readonly kind: SendIssueKind;
}

export interface TemplateSendTarget {
  readonly components: readonly StoredTemplateComponent[];
  readonly placeholders: PlaceholderMap;
}

export interface SendCheckResult {
  readonly issues: readonly SendIssue[];
  /** The texts as the user will see them, once every count matched. */
  readonly rendered: { readonly header: string | null; readonly body: string | null };
}

type Json = Record<string, unknown>;

export const HEADER_TEXT_LIMIT = 60;
export const BODY_TEXT_LIMIT = 1024;
const COUPON_CODE_LIMIT = 15;

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const lower = (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : '');
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const describe = (names: readonly string[]) => names.map((name) => `{{${name}}}`).join(', ');

class SendChecker {
  readonly issues: SendIssue[] = [];

  constructor(private readonly prefix: string) {}

  add(kind: SendIssueKind, path: string, issue: string): void {
    this.issues.push({ kind, path: `${this.prefix}${path}`, issue });
  }

  /** Text values Meta refuses, and values still holding a placeholder (contract §7: never send half-rendered text). */
  checkText(value: unknown, path: string, where: 'header' | 'body' | 'button'): string | undefined {
    if (typeof value !== 'string' || value.trim() === '') {
      this.add('format', path, 'must be a non-empty string');
      return undefined;
    }
    if (/\{\{|\}\}/.test(value)) this.add('value', path, 'still holds an un-substituted placeholder ({{...}})');
    if (where !== 'button' && (/[\n\t]/.test(value) || / {5,}/.test(value))) {
      this.add('value', path, 'cannot contain new lines, tabs or more than 4 consecutive spaces (Meta refuses it)');
    }
    return value;
  }

  /** One body/header parameter's displayed text; undefined when it is not usable. */
  parameterText(parameter: unknown, path: string, where: 'header' | 'body'): string | undefined {
    if (!isRecord(parameter)) {
      this.add('format', path, 'must be an object');
      return undefined;
    }
    const type = lower(parameter['type']);
    const allowed = where === 'body' ? ['text', 'currency', 'date_time'] : ['text'];
    if (!allowed.includes(type)) {
      this.add('format', `${path}.type`, `must be ${allowed.join(', ')}; got ${JSON.stringify(parameter['type'] ?? null)}`);
      return undefined;
    }
    if (type === 'currency') {
      const currency = parameter['currency'];
      if (!isRecord(currency)) {
        this.add('format', `${path}.currency`, 'must be {fallback_value, code, amount_1000}');
        return undefined;
      }
      const fallback = currency['fallback_value'];
      if (typeof fallback !== 'string' || fallback.trim() === '') this.add('format', `${path}.currency.fallback_value`, 'must be a non-empty string');
      if (typeof currency['code'] !== 'string' || !/^[A-Z]{3}$/.test(currency['code'])) {
        this.add('format', `${path}.currency.code`, 'must be an ISO 4217 code such as USD');
      }
      if (typeof currency['amount_1000'] !== 'number' || !Number.isSafeInteger(currency['amount_1000'])) {
        this.add('format', `${path}.currency.amount_1000`, 'must be an integer: the amount times 1000 (12.50 -> 12500)');
      }
      return typeof fallback === 'string' ? fallback : undefined;
    }
    if (type === 'date_time') {
      const dateTime = parameter['date_time'];
      const fallback = isRecord(dateTime) ? dateTime['fallback_value'] : undefined;
      if (typeof fallback !== 'string' || fallback.trim() === '') {
        this.add('format', `${path}.date_time.fallback_value`, 'must be a non-empty string (Cloud API always shows the fallback)');
        return undefined;
      }
      return fallback;
    }
    return this.checkText(parameter['text'], `${path}.text`, where);
  }

  /**
   * Checks the parameters of a header or body against its placeholders; returns the
   * value for each placeholder name when the counts match.
   */
  checkTextParameters(
    where: 'header' | 'body',
    placeholders: readonly string[],
    parameters: unknown[],
    named: boolean,
  ): Map<string, string> | undefined {
    const path = `[${where}].parameters`;
    if (parameters.length !== placeholders.length) {
      this.add(
        'count',
        path,
        placeholders.length === 0
          ? `the template ${where} takes no parameters; got ${parameters.length}`
          : `expects ${plural(placeholders.length, 'parameter')} (${describe(placeholders)}); got ${parameters.length}`,
      );
      return undefined;
    }
    const values = new Map<string, string>();
    parameters.forEach((parameter, index) => {
      const at = `${path}[${index}]`;
      const value = this.parameterText(parameter, at, where);
      let name = placeholders[index];
      if (named) {
        const given = isRecord(parameter) ? parameter['parameter_name'] : undefined;
        if (typeof given !== 'string' || !placeholders.includes(given)) {
          this.add('count', `${at}.parameter_name`, `must name one of ${describe(placeholders)}; got ${JSON.stringify(given ?? null)}`);
          return;
        }
        if (values.has(given)) {
          this.add('count', `${at}.parameter_name`, `{{${given}}} is given twice`);
          return;
        }
        name = given;
      }
      if (name !== undefined && value !== undefined) values.set(name, value);
    });
    return values.size === placeholders.length ? values : undefined;
  }

  checkMediaHeader(format: string, parameters: unknown[]): void {
    const path = '[header].parameters';
    const expected = format === 'GIF' ? 'video' : format.toLowerCase();
    if (parameters.length !== 1) {
      this.add('count', path, `the template header is ${format}: send exactly one ${expected} parameter; got ${parameters.length}`);
      return;
    }
    const parameter = parameters[0];
    const type = isRecord(parameter) ? lower(parameter['type']) : '';
    if (!isRecord(parameter) || type !== expected) {
      this.add('format', `${path}[0].type`, `must be ${expected} (the template header is ${format}); got ${JSON.stringify(isRecord(parameter) ? (parameter['type'] ?? null) : null)}`);
      return;
    }
    const media = parameter[expected];
    if (expected === 'location') {
      if (!isRecord(media) || typeof media['latitude'] !== 'number' || typeof media['longitude'] !== 'number') {
        this.add('format', `${path}[0].location`, 'must have numeric latitude and longitude');
      }
      return;
    }
    const id = isRecord(media) ? media['id'] : undefined;
    const link = isRecord(media) ? media['link'] : undefined;
    if (!(typeof id === 'string' && id !== '') && !(typeof link === 'string' && /^https:\/\//i.test(link))) {
      this.add('format', `${path}[0].${expected}`, 'needs an uploaded media id or an https link');
    }
  }

  checkButton(slot: ButtonSlot | undefined, sent: Json, index: number, buttonCount: number): void {
    const path = `[button:${index}]`;
    if (!slot) {
      this.add('count', `${path}.index`, `the template has no button at index ${index} (it has ${plural(buttonCount, 'button')})`);
      return;
    }
    if (slot.subType === null) {
      this.add('count', path, `button ${index} is a ${slot.type} button and takes no parameters; do not send it`);
      return;
    }
    const subType = sent['sub_type'];
    if (lower(subType) !== slot.subType) {
      this.add('format', `${path}.sub_type`, `must be "${slot.subType}" for the ${slot.type} button at index ${index}; got ${JSON.stringify(subType ?? null)}`);
    }
    const parameters = list(sent['parameters']);
    if (slot.parameter === null) {
      if (parameters.length > 0) this.add('count', `${path}.parameters`, `the ${slot.type} button at index ${index} takes no parameters; got ${parameters.length}`);
      return;
    }
    const { type, required } = slot.parameter;
    if (parameters.length > 1 || (required && parameters.length === 0)) {
      this.add('count', `${path}.parameters`, `expects ${required ? 'exactly one' : 'at most one'} ${type} parameter; got ${parameters.length}`);
      return;
    }
    const parameter = parameters[0];
    if (parameter === undefined) return;
    if (!isRecord(parameter) || lower(parameter['type']) !== type) {
      this.add('format', `${path}.parameters[0].type`, `must be ${type}; got ${JSON.stringify(isRecord(parameter) ? (parameter['type'] ?? null) : null)}`);
      return;
    }
    if (type === 'text') this.checkText(parameter['text'], `${path}.parameters[0].text`, 'button');
    if (type === 'payload' && (typeof parameter['payload'] !== 'string' || parameter['payload'] === '')) {
      this.add('format', `${path}.parameters[0].payload`, 'must be a non-empty string');
    }
    if (type === 'coupon_code') {
      const code = parameter['coupon_code'];
      if (typeof code !== 'string' || code === '' || code.length > COUPON_CODE_LIMIT) {
        this.add('format', `${path}.parameters[0].coupon_code`, `must be 1-${COUPON_CODE_LIMIT} characters`);
      }
    }
    if (type === 'action' && !isRecord(parameter['action'])) this.add('format', `${path}.parameters[0].action`, 'must be an object');
  }
}

function render(text: string, values: ReadonlyMap<string, string>): string {
  let out = '';
  let at = 0;
  for (const token of scanPlaceholders(text, { lenient: true }).placeholders) {
    out += text.slice(at, token.start) + (values.get(token.name) ?? token.raw);
    at = token.end;
  }
  return out + text.slice(at);
}

function buttonIndex(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^[0-9]$/.test(value)) return Number(value);
  return undefined;
}

/**
 * Checks a send's `template.components` against the template's placeholder map as
 * Meta would, but before anything is queued: parameter counts per component,
 * named parameter names, button index and sub_type, parameter types and the
 * currency and date_time shapes, and the rendered lengths. Pure: no I/O.
 */
export function checkTemplateSend(target: TemplateSendTarget, sentComponents: unknown, prefix = 'template.components'): SendCheckResult {
  const checker = new SendChecker(prefix);
  const map = target.placeholders;
  const named = map.format === 'NAMED';
  if (sentComponents !== undefined && !Array.isArray(sentComponents)) {
    checker.add('value', '', 'must be a list of components');
    return { issues: checker.issues, rendered: { header: null, body: null } };
  }
  const sent = list(sentComponents);

  const byType = new Map<string, Json>();
  const buttons = new Map<number, Json>();
  sent.forEach((component, position) => {
    if (!isRecord(component)) {
      checker.add('value', `[${position}]`, 'must be an object');
      return;
    }
    const type = lower(component['type']);
    if (type === 'button') {
      const index = buttonIndex(component['index']);
      if (index === undefined) {
        checker.add('format', `[${position}].index`, `must be the button's 0-based position as a string "0"-"9"; got ${JSON.stringify(component['index'] ?? null)}`);
      } else if (buttons.has(index)) {
        checker.add('count', `[button:${index}]`, `button ${index} is sent twice`);
      } else {
        buttons.set(index, component);
      }
      return;
    }
    if (type === 'header' || type === 'body') {
      if (byType.has(type)) checker.add('count', `[${type}]`, `the ${type} component is sent twice`);
      else byType.set(type, component);
      return;
    }
    if (!map.unchecked.includes(type.toUpperCase())) {
      checker.add('count', `[${position}].type`, `the template has no ${JSON.stringify(component['type'] ?? null)} component to fill`);
    }
  });

  let headerValues: Map<string, string> | undefined;
  const headerParameters = list(byType.get('header')?.['parameters']);
  if (map.header && isMediaHeader(map.header.format)) {
    checker.checkMediaHeader(map.header.format, headerParameters);
  } else {
    headerValues = checker.checkTextParameters('header', map.header?.placeholders ?? [], headerParameters, named);
  }
  const bodyValues = checker.checkTextParameters('body', map.body?.placeholders ?? [], list(byType.get('body')?.['parameters']), named);

  const buttonCount = buttonsOf(componentOf(target.components, 'BUTTONS')).length;
  for (const [index, component] of buttons) {
    const slot = map.buttons.find((candidate) => candidate.index === index);
    // A button kind the registry does not model: Meta checks it.
    if (!slot && index < buttonCount) continue;
    checker.checkButton(slot, component, index, buttonCount);
  }
  for (const slot of map.buttons) {
    if (slot.parameter?.required && !buttons.has(slot.index)) {
      checker.add('count', `[button:${slot.index}]`, `the ${slot.type} button at index ${slot.index} needs one ${slot.parameter.type} parameter (sub_type "${slot.subType}")`);
    }
  }

  const headerText = componentOf(target.components, 'HEADER')?.['text'];
  const bodyText = componentOf(target.components, 'BODY')?.['text'];
  const header =
    typeof headerText === 'string' && map.header && !isMediaHeader(map.header.format) && headerValues ? render(headerText, headerValues) : null;
  const body = typeof bodyText === 'string' && bodyValues ? render(bodyText, bodyValues) : null;
  if (header !== null && header.length > HEADER_TEXT_LIMIT) {
    checker.add('length', '[header]', `the rendered header is ${header.length} characters; Meta allows ${HEADER_TEXT_LIMIT}`);
  }
  if (body !== null && body.length > BODY_TEXT_LIMIT) {
    checker.add('length', '[body]', `the rendered body is ${body.length} characters; Meta allows ${BODY_TEXT_LIMIT}`);
  }
  return { issues: checker.issues, rendered: { header, body } };
}
