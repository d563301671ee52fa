import { META_ERROR_CATALOGUE, type MetaErrorEntry } from './meta-error-catalogue';
import { describeRetryPolicy } from './retry-policy';
import { httpStatusOf } from './taxonomy-code';
import { TRANSPORT_CATALOGUE, TRANSPORT_VARIANTS } from './transport-failure';

// Not exported from index.ts: only the README spec and the rewrite script use it.

export const CODES_START = '<!-- codes:start -->';
export const CODES_END = '<!-- codes:end -->';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function metaCodeLabel(entry: MetaErrorEntry): string {
  return entry.metaCodeTo === undefined ? String(entry.metaCode) : `${entry.metaCode}–${entry.metaCodeTo}`;
}

/** The generated README section: the Meta catalogue, then transport failures. */
export function renderCodesSection(): string {
  const lines: string[] = [
    '<!-- Generated from src/lib/meta-error-catalogue.ts and transport-failure.ts; do not edit by hand. -->',
    '',
    '| Meta code | Title | Category | Gateway code | HTTP | Retry | Alert | Operator action |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const sorted = [...META_ERROR_CATALOGUE].sort((a, b) => a.metaCode - b.metaCode);
  for (const e of sorted) {
    const title = e.titleSource === 'meta' ? e.title : `${e.title} *`;
    lines.push(
      `| ${metaCodeLabel(e)} | ${cell(title)} | ${e.category} | \`${e.code}\` | ${httpStatusOf(e.code)} | ${cell(
        describeRetryPolicy(e.retry),
      )} | ${e.alert ? 'yes' : 'no'} | ${cell(e.action)} |`,
    );
  }
  lines.push(
    '',
    '`*` Meta publishes no title for this code; the title is ours.',
    '',
    '| Transport failure | Meaning | Category | Gateway code | HTTP | Retry | Alert | Operator action |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const variant of TRANSPORT_VARIANTS) {
    const t = TRANSPORT_CATALOGUE[variant];
    lines.push(
      `| ${variant} | ${cell(t.summary)} | ${t.category} | \`${t.code}\` | ${httpStatusOf(t.code)} | ${cell(
        describeRetryPolicy(t.retry),
      )} | ${t.alert ? 'yes' : 'no'} | ${cell(t.action)} |`,
    );
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
