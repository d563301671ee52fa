import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintRulesTable } from './lint-rules.readme';

describe('README rules table', () => {
  it('lists exactly the rules of LINT_RULES', () => {
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    const table = /<!-- rules:start -->\n([\s\S]*?)\n<!-- rules:end -->/.exec(readme)?.[1];
    // Regenerate with: node -r @swc-node/register -e "console.log(require('./libs/template-registry/src/lib/lint/lint-rules.readme').lintRulesTable())"
    expect(table).toBe(lintRulesTable());
  });
});
