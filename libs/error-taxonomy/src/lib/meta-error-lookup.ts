import { META_ERROR_CATALOGUE, type MetaErrorEntry } from './meta-error-catalogue';

const exact = new Map<number, MetaErrorEntry>();
const ranges: MetaErrorEntry[] = [];
for (const entry of META_ERROR_CATALOGUE) {
  if (entry.metaCodeTo === undefined) exact.set(entry.metaCode, entry);
  else ranges.push(entry);
}

/**
 * The catalogue entry for a Meta code, or `undefined` when Meta's pages do not
 * list it. An exact entry wins over a range (200 has its own meaning inside
 * the 200-299 permission range).
 */
export function lookupMetaError(metaCode: number): MetaErrorEntry | undefined {
  return (
    exact.get(metaCode) ??
    ranges.find((r) => metaCode >= r.metaCode && metaCode <= (r.metaCodeTo ?? r.metaCode))
  );
}
