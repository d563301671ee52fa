import { distinctPlaceholders, scanPlaceholders } from './placeholder.scanner';

/** A template component as Graph stores it (`type` is upper case there, lower case is accepted too). */
export type StoredTemplateComponent = Readonly<Record<string, unknown>>;

export type ParameterFormat = 'POSITIONAL' | 'NAMED';

/** What a send fills into one button, and whether it must. */
export interface ButtonParameterSlot {
  /** Parameter type a send uses: `payload` (quick reply), `text` (URL suffix, OTP code), `coupon_code`, `action`. */
  readonly type: 'payload' | 'text' | 'coupon_code' | 'action';
  readonly required: boolean;
}

export interface ButtonSlot {
  /** 0-based position, as the send's `index`. */
  readonly index: number;
  /** Meta's button type (`QUICK_REPLY`, `URL`, `PHONE_NUMBER`, `COPY_CODE`, `OTP`, `FLOW`, ...). */
  readonly type: string;
  /** The send's `sub_type` for this button; null when a send never addresses it (phone number). */
  readonly subType: string | null;
  /** null: the send must not pass parameters to this button. */
  readonly parameter: ButtonParameterSlot | null;
  /** Variables of a URL button (`{{1}}` at the end of the URL). */
  readonly placeholders: readonly string[];
}

export interface HeaderSlot {
  /** `TEXT`, `IMAGE`, `VIDEO`, `DOCUMENT`, `LOCATION`, `GIF`, ... */
  readonly format: string;
  /** Placeholders of a TEXT header (at most one on Meta). */
  readonly placeholders: readonly string[];
}

/**
 * The derived parameter contract of a template: per component, what a send must
 * supply. Stored with the template (jsonb) so pre-send checks need no parsing.
 */
export interface PlaceholderMap {
  readonly format: ParameterFormat;
  readonly header: HeaderSlot | null;
  readonly body: { readonly placeholders: readonly string[] } | null;
  readonly buttons: readonly ButtonSlot[];
  /** Component or button kinds the registry does not check (carousel, limited-time offer, ...). */
  readonly unchecked: readonly string[];
}

const MEDIA_HEADERS = new Set(['IMAGE', 'VIDEO', 'DOCUMENT', 'GIF', 'LOCATION', 'PRODUCT']);

function upper(value: unknown): string {
  return typeof value === 'string' ? value.toUpperCase() : '';
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function placeholdersOf(value: unknown): string[] {
  return distinctPlaceholders(scanPlaceholders(text(value), { lenient: true }).placeholders);
}

export function componentOf(components: readonly StoredTemplateComponent[], type: string): StoredTemplateComponent | undefined {
  return components.find((component) => upper(component['type']) === type);
}

export function buttonsOf(component: StoredTemplateComponent | undefined): StoredTemplateComponent[] {
  const buttons = component?.['buttons'];
  return Array.isArray(buttons) ? buttons.filter((b): b is StoredTemplateComponent => typeof b === 'object' && b !== null) : [];
}

function buttonSlot(button: StoredTemplateComponent, index: number): ButtonSlot | undefined {
  const type = upper(button['type']);
  const urlPlaceholders = placeholdersOf(button['url']);
  switch (type) {
    case 'QUICK_REPLY':
      return { index, type, subType: 'quick_reply', parameter: { type: 'payload', required: false }, placeholders: [] };
    case 'URL':
      // Meta stores authentication OTP buttons as URL buttons with a {{1}} for the code.
      return {
        index,
        type,
        subType: 'url',
        parameter: urlPlaceholders.length > 0 ? { type: 'text', required: true } : null,
        placeholders: urlPlaceholders,
      };
    case 'OTP':
      return { index, type, subType: 'url', parameter: { type: 'text', required: true }, placeholders: [] };
    case 'COPY_CODE':
      return { index, type, subType: 'copy_code', parameter: { type: 'coupon_code', required: true }, placeholders: [] };
    case 'PHONE_NUMBER':
    case 'VOICE_CALL':
      return { index, type, subType: null, parameter: null, placeholders: [] };
    case 'FLOW':
      return { index, type, subType: 'flow', parameter: { type: 'action', required: false }, placeholders: [] };
    case 'CATALOG':
      return { index, type, subType: 'catalog', parameter: { type: 'action', required: false }, placeholders: [] };
    case 'MPM':
      return { index, type, subType: 'mpm', parameter: { type: 'action', required: true }, placeholders: [] };
    default:
      return undefined;
  }
}

/** Derives the placeholder map from Meta's components. Never throws on odd input. */
export function buildPlaceholderMap(components: readonly StoredTemplateComponent[], parameterFormat?: string): PlaceholderMap {
  const unchecked: string[] = [];
  const headerComponent = componentOf(components, 'HEADER');
  let header: HeaderSlot | null = null;
  if (headerComponent) {
    const format = upper(headerComponent['format']) || 'TEXT';
    header = { format, placeholders: MEDIA_HEADERS.has(format) ? [] : placeholdersOf(headerComponent['text']) };
  }
  const bodyComponent = componentOf(components, 'BODY');
  const body = bodyComponent ? { placeholders: placeholdersOf(bodyComponent['text']) } : null;

  const buttons: ButtonSlot[] = [];
  buttonsOf(componentOf(components, 'BUTTONS')).forEach((button, index) => {
    const slot = buttonSlot(button, index);
    if (slot) buttons.push(slot);
    else unchecked.push(`BUTTON:${upper(button['type']) || '?'}`);
  });
  for (const component of components) {
    const type = upper(component['type']);
    if (!['HEADER', 'BODY', 'FOOTER', 'BUTTONS'].includes(type)) unchecked.push(type || '?');
  }

  const declared = upper(parameterFormat);
  const named = [...(header?.placeholders ?? []), ...(body?.placeholders ?? [])].some((name) => !/^[0-9]+$/.test(name));
  const format: ParameterFormat = declared === 'NAMED' || declared === 'POSITIONAL' ? declared : named ? 'NAMED' : 'POSITIONAL';
  return { format, header, body, buttons, unchecked };
}

/**
 * Two templates with the same signature accept exactly the same send components,
 * which is what a backup template must satisfy.
 */
export function placeholderSignature(map: PlaceholderMap): string {
  const names = (list: readonly string[]) => (map.format === 'NAMED' ? [...list].sort() : list.length);
  return JSON.stringify({
    format: map.format,
    // A text header without a placeholder takes nothing, exactly like no header.
    header:
      map.header && (isMediaHeader(map.header.format) || map.header.placeholders.length > 0)
        ? { media: isMediaHeader(map.header.format) ? map.header.format : 'TEXT', names: names(map.header.placeholders) }
        : null,
    body: map.body ? names(map.body.placeholders) : 0,
    buttons: map.buttons.filter((b) => b.parameter !== null).map((b) => [b.index, b.subType, b.parameter?.type, b.parameter?.required]),
  });
}

export function isMediaHeader(format: string): boolean {
  return MEDIA_HEADERS.has(format);
}
