import { LINT_RULES } from './lint-rules';

/** The README's rules table, generated from LINT_RULES (a spec keeps the README in step). */
export function lintRulesTable(): string {
  const rows = Object.entries(LINT_RULES).map(
    ([id, rule]) => `| \`${id}\` | ${rule.severity} | ${rule.description.replace(/\|/g, '\\|')} | ${rule.meta} |`,
  );
  return ['| Rule | Severity | Checks | Meta outcome it anticipates |', '|---|---|---|---|', ...rows].join('\n');
}
