import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractCodesSection, renderCodesSection, replaceCodesSection } from './readme-codes-table';
import { META_ERROR_CATALOGUE } from './meta-error-catalogue';
import { TWILIO_ERROR_CATALOGUE } from './twilio-error-catalogue';

describe('README code table', () => {
  it('is up to date with the catalogue (rewrite: npx nx run error-taxonomy:readme)', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    expect(extractCodesSection(readme)).toBe(renderCodesSection().trim());
  });

  it('has one row per catalogue entry (Meta and Twilio)', () => {
    const rows = renderCodesSection()
      .split('\n')
      .filter((l) => /^\| \d/.test(l));
    expect(rows).toHaveLength(META_ERROR_CATALOGUE.length + TWILIO_ERROR_CATALOGUE.length);
  });

  it('replaces only the marked section', () => {
    const out = replaceCodesSection('a\n<!-- codes:start -->\nold\n<!-- codes:end -->\nb', 'new');
    expect(out).toBe('a\n<!-- codes:start -->\nnew\n<!-- codes:end -->\nb');
    expect(() => replaceCodesSection('no markers', 'x')).toThrow(/markers/);
  });
});
