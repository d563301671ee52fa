/** PromQL words that look like identifiers but name no metric. */
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);
/** The series Prometheus text has for a metric of each kind besides the name itself. */
const SERIES_SUFFIXES: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['_sum', '_count'] };

/** Metric name -> kind (counter, gauge, histogram, summary, untyped). */
export type MetricKinds = ReadonlyMap<string, string>;

/**
 * The metric names a PromQL expression reads. Enough of PromQL for dashboards and alert rules:
 * string literals, comments, label matchers, ranges and grouping clauses are dropped first, then every
 * identifier that is not a function call, a keyword or a number is a metric name.
 */
export function promqlMetricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/#[^\n]*/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/(?<![\w.$])([a-zA-Z_:][\w:]*)(?![\w:]|\s*\()/g)) {
    const name = match[1] as string;
    if (!KEYWORDS.has(name.toLowerCase())) names.add(name);
  }
  return [...names];
}

/**
 * Names read by the expressions that no target exports: a histogram's `_bucket`, `_sum` and
 * `_count` series (a summary's `_sum` and `_count`) belong to its base name.
 */
export function unexportedMetrics(used: Iterable<string>, exported: MetricKinds): string[] {
  const exists = (name: string) =>
    exported.has(name) ||
    [...exported].some(([base, kind]) => (SERIES_SUFFIXES[kind] ?? []).some((suffix) => name === `${base}${suffix}`));
  return [...new Set(used)].filter((name) => !exists(name)).sort();
}

/** Metrics declared in Prometheus text (`# TYPE name kind`), whether or not a series exists yet. */
export function declaredMetrics(exposition: string): Map<string, string> {
  return new Map([...exposition.matchAll(/^# TYPE ([a-zA-Z_:][\w:]*) (\w+)$/gm)].map((match) => [match[1] as string, match[2] as string]));
}
