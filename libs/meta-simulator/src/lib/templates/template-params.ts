import { GraphError } from '../graph/graph-error';
import type { TemplateComponent, TemplateRecord } from '../state/simulator-state';
import type { TemplateParameter, TemplateSendComponent } from '../messages/send-message.schema';

/** `{{1}}` or `{{first_name}}`, with the whitespace Meta tolerates inside the braces. */
const PLACEHOLDER = /\{\{\s*([a-zA-Z0-9_]+)\s*\}\}/g;

/** Distinct placeholder names in order of first appearance. */
export function placeholdersIn(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (!names.includes(match[1])) names.push(match[1]);
  }
  return names;
}

export type HeaderSpec =
  | { format: 'TEXT'; placeholders: string[] }
  | { format: 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION' }
  | undefined;

export interface ButtonSpec {
  index: number;
  type: string;
  needsParameter: boolean;
}

export interface TemplateParamSpec {
  header: HeaderSpec;
  body: { text: string; placeholders: string[] };
  buttons: ButtonSpec[];
}

function component(template: { components: TemplateComponent[] }, type: string): TemplateComponent | undefined {
  return template.components.find((candidate) => candidate.type.toUpperCase() === type);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** What a send of this template must supply, read from its components. */
export function templateParamSpec(template: { components: TemplateComponent[] }): TemplateParamSpec {
  const headerComponent = component(template, 'HEADER');
  let header: HeaderSpec;
  if (headerComponent) {
    const format = text(headerComponent['format']).toUpperCase() || 'TEXT';
    header =
      format === 'IMAGE' || format === 'VIDEO' || format === 'DOCUMENT' || format === 'LOCATION'
        ? { format }
        : { format: 'TEXT', placeholders: placeholdersIn(text(headerComponent['text'])) };
  }
  const bodyText = text(component(template, 'BODY')?.['text']);
  const buttonsComponent = component(template, 'BUTTONS');
  const rawButtons = Array.isArray(buttonsComponent?.['buttons']) ? (buttonsComponent['buttons'] as Record<string, unknown>[]) : [];
  const buttons = rawButtons.map((button, index) => {
    const type = text(button['type']).toUpperCase();
    // A URL button with a variable suffix, a copy-code button and an OTP button all take their value at send time.
    const needsParameter =
      (type === 'URL' && placeholdersIn(text(button['url'])).length > 0) || type === 'COPY_CODE' || type === 'OTP';
    return { index, type, needsParameter };
  });
  return { header, body: { text: bodyText, placeholders: placeholdersIn(bodyText) }, buttons };
}

function countMismatch(where: string, given: number, expected: number): GraphError {
  return new GraphError(132000, {
    details: `${where}: number of localizable_params (${given}) does not match the expected number of params (${expected})`,
  });
}

function checkNamed(where: string, parameters: TemplateParameter[], placeholders: string[]): GraphError | undefined {
  for (const parameter of parameters) {
    const name = 'parameter_name' in parameter ? parameter.parameter_name : undefined;
    if (typeof name !== 'string' || name === '') {
      return new GraphError(131008, { details: `${where}: parameter_name is required for templates with named parameters` });
    }
    if (!placeholders.includes(name)) {
      return new GraphError(132000, { details: `${where}: parameter name '${name}' does not exist in the template` });
    }
  }
  return undefined;
}

function parameterText(parameter: TemplateParameter): string {
  switch (parameter.type) {
    case 'text':
      return parameter.text;
    case 'currency':
      return parameter.currency.fallback_value;
    case 'date_time':
      return parameter.date_time.fallback_value;
    case 'image':
    case 'video':
    case 'document':
    case 'location':
    case 'payload':
    case 'coupon_code':
    case 'action':
      return '';
  }
}

/**
 * Checks a template send against the template as Meta does: 132000 when header
 * or body parameter counts differ from the placeholders, 132012 when a media
 * header is missing or of another kind, 131008 when a button that takes a
 * value gets none, 132005 when the body grows past 1,024 characters.
 */
export function checkTemplateParameters(template: TemplateRecord, components: TemplateSendComponent[]): GraphError | undefined {
  const spec = templateParamSpec(template);
  const named = template.parameterFormat === 'NAMED';
  const sentHeader = components.find((candidate) => candidate.type === 'header');
  const sentBody = components.find((candidate) => candidate.type === 'body');
  const headerParams = sentHeader?.parameters ?? [];
  const bodyParams = sentBody?.parameters ?? [];

  if (spec.header === undefined) {
    if (headerParams.length > 0) return countMismatch('header', headerParams.length, 0);
  } else if (spec.header.format === 'TEXT') {
    if (headerParams.length !== spec.header.placeholders.length) {
      return countMismatch('header', headerParams.length, spec.header.placeholders.length);
    }
    if (named) {
      const problem = checkNamed('header', headerParams, spec.header.placeholders);
      if (problem) return problem;
    }
  } else {
    const expected = spec.header.format;
    const received = headerParams[0]?.type.toUpperCase() ?? 'UNKNOWN';
    if (headerParams.length !== 1 || received !== expected) {
      return new GraphError(132012, { details: `header: Format mismatch, expected ${expected}, received ${received}` });
    }
  }

  if (bodyParams.length !== spec.body.placeholders.length) {
    return countMismatch('body', bodyParams.length, spec.body.placeholders.length);
  }
  if (named) {
    const problem = checkNamed('body', bodyParams, spec.body.placeholders);
    if (problem) return problem;
  }
  const placeholderChars = [...spec.body.text.matchAll(PLACEHOLDER)].reduce((total, match) => total + match[0].length, 0);
  const hydratedLength = spec.body.text.length - placeholderChars + bodyParams.reduce((total, p) => total + parameterText(p).length, 0);
  if (hydratedLength > 1024) {
    return new GraphError(132005, { details: `body: hydrated text is ${hydratedLength} characters, more than 1024` });
  }

  const sentButtons = components.filter((candidate) => candidate.type === 'button');
  for (const sent of sentButtons) {
    const index = Number(sent.index ?? -1);
    if (!spec.buttons.some((button) => button.index === index)) {
      return new GraphError(131009, { details: `buttons: the template has no button at index ${String(sent.index)}` });
    }
  }
  for (const button of spec.buttons) {
    if (!button.needsParameter) continue;
    const sent = sentButtons.find((candidate) => Number(candidate.index) === button.index);
    if (!sent || (sent.parameters ?? []).length === 0) {
      return new GraphError(131008, {
        details: `buttons: Button at index ${button.index} of type ${button.type} requires a parameter`,
      });
    }
  }
  return undefined;
}
