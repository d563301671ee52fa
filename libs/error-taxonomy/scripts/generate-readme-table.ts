// Rewrites the generated code table in the lib's README from the catalogue.
// Run: npx nx run error-taxonomy:readme   (or: node -r @swc-node/register libs/error-taxonomy/scripts/generate-readme-table.ts)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderCodesSection, replaceCodesSection } from '../src/lib/readme-codes-table';

const readmePath = join(__dirname, '..', 'README.md');
const before = readFileSync(readmePath, 'utf8');
const after = replaceCodesSection(before, renderCodesSection());
if (after === before) {
  console.log(`${readmePath}: code table already up to date`);
} else {
  writeFileSync(readmePath, after);
  console.log(`${readmePath}: code table rewritten`);
}
