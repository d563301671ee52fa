import { z } from 'zod';
import { GraphError } from '../graph/graph-error';
import { paramError } from '../graph/param-error.mapper';
import { templateCategories } from '../seed/simulator-seed.schema';
import type { TemplateComponent } from '../state/simulator-state';
import { placeholdersIn } from './template-params';

const createTemplateSchema = z.looseObject({
  name: z.string().min(1).max(512),
  language: z.string().min(2).max(10),
  category: z
    .string()
    .transform((value) => value.toUpperCase())
    .pipe(z.enum(templateCategories)),
  parameter_format: z
    .string()
    .transform((value) => value.toUpperCase())
    .pipe(z.enum(['POSITIONAL', 'NAMED']))
    .optional(),
  components: z
    .array(
      z.looseObject({
        type: z
          .string()
          .transform((value) => value.toUpperCase())
          .pipe(z.enum(['HEADER', 'BODY', 'FOOTER', 'BUTTONS'])),
      }),
    )
    .min(1),
});

export interface ValidTemplate {
  name: string;
  language: string;
  category: (typeof templateCategories)[number];
  parameterFormat: 'POSITIONAL' | 'NAMED';
  components: TemplateComponent[];
}

/** Creation errors carry Meta's 7-digit subcodes (reference §1.4, template management). */
function creationError(subcode: number, userTitle: string, userMessage: string): GraphError {
  return new GraphError(100, { subcode, userTitle, userMessage, details: `${userTitle}: ${userMessage}` });
}

function examplesFor(component: Record<string, unknown>, key: string): unknown[] {
  const example = component['example'];
  if (!example || typeof example !== 'object') return [];
  const value = (example as Record<string, unknown>)[key];
  if (!Array.isArray(value)) return [];
  // body_text is a list of example rows: [["John", "#4521"]].
  return Array.isArray(value[0]) ? (value[0] as unknown[]) : value;
}

function checkPlaceholders(
  where: 'HEADER' | 'BODY',
  component: Record<string, unknown>,
  text: string,
  format: 'POSITIONAL' | 'NAMED',
): void {
  const names = placeholdersIn(text);
  if (names.length === 0) return;
  const trimmed = text.trim();
  if (where === 'BODY' && (/^\{\{[^}]+\}\}/.test(trimmed) || /\{\{[^}]+\}\}[.!?]?$/.test(trimmed))) {
    throw creationError(2388299, 'Variables can\'t be at the start or end of the template', `${where} text starts or ends with a parameter.`);
  }
  if (/\}\}\s*\{\{/.test(text)) {
    throw creationError(2388299, 'Adjacent parameters', `${where} text has parameters next to each other without text between them.`);
  }
  if (format === 'POSITIONAL') {
    const expected = names.map((_, index) => String(index + 1));
    if (names.some((name, index) => name !== expected[index])) {
      throw creationError(2388043, 'Invalid parameter order', `${where} parameters must be {{1}}, {{2}}, ... in sequence; found ${names.map((name) => `{{${name}}}`).join(', ')}.`);
    }
    const examples = examplesFor(component, where === 'BODY' ? 'body_text' : 'header_text');
    if (examples.length !== names.length) {
      throw creationError(2388043, 'Missing examples', `${where} has ${names.length} parameters but ${examples.length} examples.`);
    }
  } else {
    if (names.some((name) => !/^[a-z][a-z0-9_]*$/.test(name))) {
      throw creationError(2388043, 'Invalid parameter name', `${where} named parameters must be lowercase letters, digits and underscores.`);
    }
    const examples = examplesFor(component, where === 'BODY' ? 'body_text_named_params' : 'header_text_named_params') as {
      param_name?: unknown;
    }[];
    const exampleNames = examples.map((example) => example.param_name);
    if (names.some((name) => !exampleNames.includes(name))) {
      throw creationError(2388043, 'Missing examples', `${where} needs an example for every named parameter.`);
    }
  }
  // Meta rejects templates that are mostly parameters (2388293).
  const words = text.replace(/\{\{[^}]+\}\}/g, ' ').split(/\s+/).filter(Boolean).length;
  if (where === 'BODY' && words < names.length * 2) {
    throw creationError(2388293, 'Too many variables for the message length', `${where} has ${names.length} parameters for ${words} words.`);
  }
}

function text(component: Record<string, unknown>): string {
  return typeof component['text'] === 'string' ? component['text'] : '';
}

/**
 * Checks a create-template request the way Meta's review does up front: name
 * rules, category, one BODY, component limits, parameter sequence, examples,
 * and parameter placement.
 */
export function validateTemplateCreate(body: unknown): ValidTemplate {
  const parsed = createTemplateSchema.safeParse(body);
  if (!parsed.success) throw paramError(parsed.error.issues, body);
  const { name, language, category, components } = parsed.data;
  if (!/^[a-z0-9_]+$/.test(name)) {
    throw new GraphError(100, { details: 'Param name must contain only lowercase letters, digits and underscores' });
  }
  if (!/^[a-z]{2,3}(_[A-Z]{2,3})?$/.test(language)) {
    throw new GraphError(100, { details: `Param language must be a supported language code such as en_US; received ${language}` });
  }
  const format = parsed.data.parameter_format ?? 'POSITIONAL';
  const ofType = (type: string) => components.filter((component) => component.type === type);
  if (ofType('BODY').length !== 1) throw new GraphError(100, { details: 'Param components must contain exactly one BODY component' });
  for (const type of ['HEADER', 'FOOTER', 'BUTTONS']) {
    if (ofType(type).length > 1) throw new GraphError(100, { details: `Param components may contain at most one ${type} component` });
  }

  const body0 = ofType('BODY')[0];
  const bodyText = text(body0);
  if (bodyText.length === 0) throw new GraphError(131008, { details: 'The parameter components[BODY][text] is required.' });
  if (bodyText.length > 1024) throw creationError(2388040, 'Character limit exceeded', 'BODY text is longer than 1024 characters.');
  checkPlaceholders('BODY', body0, bodyText, format);

  const header = ofType('HEADER')[0];
  if (header) {
    const headerFormat = String(header['format'] ?? '').toUpperCase();
    if (!['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'].includes(headerFormat)) {
      throw creationError(2388047, 'Invalid header format', 'HEADER format must be TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION.');
    }
    if (headerFormat === 'TEXT') {
      const headerText = text(header);
      if (headerText.length === 0 || headerText.length > 60) {
        throw creationError(2388047, 'Invalid header', 'HEADER text must be 1-60 characters.');
      }
      if (placeholdersIn(headerText).length > 1) throw creationError(2388047, 'Invalid header', 'HEADER text may have at most one parameter.');
      checkPlaceholders('HEADER', header, headerText, format);
    }
  }

  const footer = ofType('FOOTER')[0];
  if (footer) {
    const footerText = text(footer);
    if (footerText.length === 0 || footerText.length > 60 || placeholdersIn(footerText).length > 0) {
      throw creationError(2388072, 'Invalid footer', 'FOOTER text must be 1-60 characters without parameters.');
    }
  }

  const buttonsComponent = ofType('BUTTONS')[0];
  if (buttonsComponent) {
    const buttons = Array.isArray(buttonsComponent['buttons']) ? (buttonsComponent['buttons'] as Record<string, unknown>[]) : [];
    if (buttons.length === 0 || buttons.length > 10) {
      throw creationError(2388073, 'Invalid buttons', 'BUTTONS must have 1 to 10 buttons.');
    }
    const types = buttons.map((button) => String(button['type'] ?? '').toUpperCase());
    const count = (type: string) => types.filter((candidate) => candidate === type).length;
    if (count('URL') > 2 || count('PHONE_NUMBER') > 1 || count('COPY_CODE') > 1) {
      throw creationError(2388073, 'Invalid buttons', 'At most 2 URL buttons, 1 phone number button and 1 copy code button.');
    }
    // Quick replies must be grouped: QR, QR, URL is fine; QR, URL, QR is not.
    const firstQr = types.indexOf('QUICK_REPLY');
    const lastQr = types.lastIndexOf('QUICK_REPLY');
    if (firstQr !== -1 && types.slice(firstQr, lastQr + 1).some((type) => type !== 'QUICK_REPLY')) {
      throw creationError(2388073, 'Invalid buttons', 'Quick reply buttons must be grouped together.');
    }
    for (const button of buttons) {
      const label = typeof button['text'] === 'string' ? button['text'] : '';
      if (String(button['type']).toUpperCase() !== 'OTP' && (label.length === 0 || label.length > 25)) {
        throw creationError(2388073, 'Invalid buttons', 'Button labels must be 1-25 characters.');
      }
    }
  }

  return {
    name,
    language,
    category,
    parameterFormat: format,
    components: components.map((component) => ({ ...component }) as TemplateComponent),
  };
}
