import { META_ERROR_CATALOGUE, type MetaErrorEntry } from './meta-error-catalogue';
import { describeRetryPolicy } from './retry-policy';
import { httpStatusOf } from './taxonomy-code';
import { TRANSPORT_CATALOGUE, TRANSPORT_VARIANTS } from './transport-failure';
import { TWILIO_ERROR_CATALOGUE } from './twilio-error-catalogue';

// Not exported from index.ts: only the README spec and the rewrite script use it.

export const CODES_START = '<!-- codes:start -->';
export const CODES_END = '<!-- codes:end -->';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function metaCodeLabel(entry: MetaErrorEntry): string {
  return entry.metaCodeTo === undefined ? String(entry.metaCode) : `${entry.metaCode}–${entry.metaCodeTo}`;
}

type Row = Pick<MetaErrorEntry, 'category' | 'code' | 'retry' | 'alert' | 'action'>;

function row(label: string, meaning: string, e: Row): string {
  return `| ${label} | ${cell(meaning)} | ${e.category} | \`${e.code}\` | ${httpStatusOf(e.code)} | ${cell(
    describeRetryPolicy(e.retry),
  )} | ${e.alert ? 'yes' : 'no'} | ${cell(e.action)} |`;
}

/** The generated README section: the Meta catalogue, the Twilio catalogue, then transport failures. */
export function renderCodesSection(): string {
  const lines: string[] = [
    '<!-- Generated from src/lib/meta-error-catalogue.ts, twilio-error-catalogue.ts and transport-failure.ts; do not edit by hand. -->',
    '',
    '| Meta code | Title | Category | Gateway code | HTTP | Retry | Alert | Operator action |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const sorted = [...META_ERROR_CATALOGUE].sort((a, b) => a.metaCode - b.metaCode);
  for (const e of sorted) {
    lines.push(row(metaCodeLabel(e), e.titleSource === 'meta' ? e.title : `${e.title} *`, e));
  }
  lines.push(
    '',
    '`*` Meta publishes no title for this code; the title is ours.',
    '',
    '| Twilio code (SMS) | Title | Category | Gateway code | HTTP | Retry | Alert | Operator action |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const e of [...TWILIO_ERROR_CATALOGUE].sort((a, b) => a.twilioCode - b.twilioCode)) {
    lines.push(row(String(e.twilioCode), e.title, e));
  }
  lines.push(
    '',
    '| Transport failure | Meaning | Category | Gateway code | HTTP | Retry | Alert | Operator action |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const variant of TRANSPORT_VARIANTS) {
    const t = TRANSPORT_CATALOGUE[variant];
    lines.push(row(variant, t.summary, t));
  }
  return lines.join('\n');
}

/** Replaces what lies between the markers; throws when the markers are missing. */
export function replaceCodesSection(readme: string, section: string): string {
  const start = readme.indexOf(CODES_START);
  const end = readme.indexOf(CODES_END);
  if (start < 0 || end < start) {
    throw new Error(`README lacks the ${CODES_START} / ${CODES_END} markers`);
  }
  return `${readme.slice(0, start + CODES_START.length)}\n${section}\n${readme.slice(end)}`;
}

export function extractCodesSection(readme: string): string | undefined {
  const start = readme.indexOf(CODES_START);
  const end = readme.indexOf(CODES_END);
  if (start < 0 || end < start) return undefined;
  return readme.slice(start + CODES_START.length, end).trim();
}
