/**
 * Graph's rate-limit headers (reference §7). Throttling starts when any metric
 * reaches 100 %; `estimated_time_to_regain_access` is in minutes. The use-case
 * `type` strings are not hard-coded: whatever Graph sends is kept.
 */

export interface UsageMetrics {
  readonly callCount: number;
  readonly totalCputime: number;
  readonly totalTime: number;
}

export interface BusinessUseCaseUsage extends UsageMetrics {
  readonly businessId: string;
  readonly type: string;
  readonly estimatedTimeToRegainAccessMinutes: number;
}

export interface UsageSnapshot {
  /** Local epoch ms when the answer carrying these headers arrived. */
  readonly observedAt: number;
  /** Highest percentage over every metric of both headers (0-100+). */
  readonly maxPercentage: number;
  /** Longest wait any use case announced, in ms (0 when none). */
  readonly estimatedTimeToRegainAccessMs: number;
  readonly app?: UsageMetrics;
  readonly businessUseCases: readonly BusinessUseCaseUsage[];
}

export const APP_USAGE_HEADER = 'x-app-usage';
export const BUSINESS_USE_CASE_USAGE_HEADER = 'x-business-use-case-usage';

type HeaderValue = string | string[] | undefined;

/**
 * Parses both headers; `undefined` when neither is present or readable. A
 * malformed header is ignored rather than failing the call that carried it.
 */
export function parseUsageHeaders(
  appUsage: HeaderValue,
  businessUseCaseUsage: HeaderValue,
  observedAt: number,
): UsageSnapshot | undefined {
  const app = parseApp(first(appUsage));
  const buc = parseBusinessUseCases(first(businessUseCaseUsage));
  if (!app && buc.length === 0) return undefined;

  let maxPercentage = app ? Math.max(app.callCount, app.totalCputime, app.totalTime) : 0;
  let regainMinutes = 0;
  for (const u of buc) {
    maxPercentage = Math.max(maxPercentage, u.callCount, u.totalCputime, u.totalTime);
    regainMinutes = Math.max(regainMinutes, u.estimatedTimeToRegainAccessMinutes);
  }
  return {
    observedAt,
    maxPercentage,
    estimatedTimeToRegainAccessMs: regainMinutes * 60_000,
    ...(app ? { app } : {}),
    businessUseCases: buc,
  };
}

function first(value: HeaderValue): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function metrics(raw: Record<string, unknown>): UsageMetrics {
  return {
    callCount: num(raw['call_count']),
    totalCputime: num(raw['total_cputime']),
    totalTime: num(raw['total_time']),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseApp(text: string | undefined): UsageMetrics | undefined {
  const raw = parseJson(text);
  return isRecord(raw) ? metrics(raw) : undefined;
}

function parseBusinessUseCases(text: string | undefined): BusinessUseCaseUsage[] {
  const raw = parseJson(text);
  if (!isRecord(raw)) return [];
  const out: BusinessUseCaseUsage[] = [];
  for (const [businessId, entries] of Object.entries(raw)) {
    if (!Array.isArray(entries)) continue;
    for (const entry of entries as unknown[]) {
      if (!isRecord(entry)) continue;
      out.push({
        businessId,
        type: typeof entry['type'] === 'string' ? entry['type'] : 'unknown',
        ...metrics(entry),
        estimatedTimeToRegainAccessMinutes: num(entry['estimated_time_to_regain_access']),
      });
    }
  }
  return out;
}
